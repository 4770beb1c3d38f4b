import { z } from 'zod';
import { objectError, parseWith, type Parsed } from '../input/index.ts';
import type { Generation, SrvDefinition } from '../types/index.ts';

/** TRT budgets in milliseconds, by class. Operators may change them at run time. */
export interface TrtBudgets {
  'smets2.onDemand': number;
  'smets2.scheduled': number;
  'smets1.response': number;
  'smets1.activateFirmware': number;
  /**
   * How long past its deadline a SMETS1 request without a response waits before it is marked
   * overdue: a provisional state (no alert, no breach); its response decides (contract v1.1).
   */
  'smets1.wanAllowance': number;
  /** How long past its deadline a SMETS1 request that never gets a response waits before it is breached. */
  'smets1.wanLimit': number;
  /**
   * A SMETS1 DSP schedule occurrence's budget (the reference: a configurable table); unset, the
   * SMETS1 budget `smets1.response`, whatever it is set to.
   */
  'smets1.scheduled'?: number;
}

/**
 * A device request's class, as the monthly figures count it. DSP schedule occurrences are their
 * own class: `smets2.scheduled` (its own 24 h budget) and `smets1.scheduled` (`smets1.response`'s
 * budget unless set), counted apart from on-demand traffic.
 */
export type TrtClass = Exclude<keyof TrtBudgets, 'smets1.wanAllowance' | 'smets1.wanLimit'>;

/** The budget a class is measured against, in ms. */
export function budgetFor(trtClass: TrtClass, budgets: TrtBudgets): number {
  return trtClass === 'smets1.scheduled' ? budgets['smets1.scheduled'] ?? budgets['smets1.response'] : budgets[trtClass];
}

export function defaultTrtBudgets(): TrtBudgets {
  return {
    'smets2.onDemand': 30_000,
    'smets2.scheduled': 86_400_000,
    'smets1.response': 16_000,
    'smets1.activateFirmware': 432_000_000,
    'smets1.wanAllowance': 60_000,
    'smets1.wanLimit': 86_400_000,
  };
}

/** The longest budget: a year. Far past it a deadline is no date at all (JavaScript's dates end at 8.64e15 ms). */
export const MAX_TRT_BUDGET_MS = 365 * 24 * 3_600_000;
const BUDGET_ERROR = { error: `must be a positive integer of milliseconds, at most ${MAX_TRT_BUDGET_MS} (a year)` };
const BUDGET = z.number(BUDGET_ERROR).int(BUDGET_ERROR).min(1, BUDGET_ERROR).max(MAX_TRT_BUDGET_MS, BUDGET_ERROR).optional();

/** Every budget an operator may set: the defaults' and `smets1.scheduled`'s. */
const BUDGET_NAMES = [...Object.keys(defaultTrtBudgets()), 'smets1.scheduled'] as (keyof TrtBudgets)[];

/** `PUT /v1/admin/trt-budgets`: any of the classes, in milliseconds; the others keep their budgets. */
export const trtBudgetsUpdateSchema = z.strictObject(
  Object.fromEntries(BUDGET_NAMES.map((name) => [name, BUDGET])) as Record<keyof TrtBudgets, typeof BUDGET>,
  objectError('must be a JSON object of budgets in milliseconds', `is not a TRT class (known: ${BUDGET_NAMES.join(', ')})`),
).meta({ id: 'TrtBudgetsUpdate', example: { 'smets2.onDemand': 30_000 } });

export function parseTrtBudgetsUpdate(input: unknown): Parsed<Partial<TrtBudgets>> {
  const parsed = parseWith(trtBudgetsUpdateSchema, input, { style: 'top', root: 'body' });
  if (!parsed.ok) return parsed;
  return { ok: true, value: Object.fromEntries(Object.entries(parsed.value).filter(([, value]) => value !== undefined)) };
}

/** Variants answered synchronously by the router have no TRT: transform, local-only, non-device. */
const SYNCHRONOUS_VARIANTS: ReadonlySet<number> = new Set([2, 4, 6, 8]);

/**
 * The TRT class of a device request, or undefined when the router answers it at once. Scheduled
 * means a DSP schedule's occurrence (5.1): no SRV a User sends is a scheduled service, 8.5 Service
 * Opt Out (not on demand in the DUIS matrix) included, so a User's own request is on demand.
 */
export function trtClassFor(srv: SrvDefinition, commandVariant: number, generation: Generation | undefined, scheduled = false): TrtClass | undefined {
  if (srv.nonDevice || !generation || SYNCHRONOUS_VARIANTS.has(commandVariant)) return undefined;
  if (generation === 'SMETS1') return scheduled ? 'smets1.scheduled' : srv.srv === '11.3' ? 'smets1.activateFirmware' : 'smets1.response';
  return scheduled ? 'smets2.scheduled' : 'smets2.onDemand';
}

export interface TrtBudget {
  class: TrtClass;
  budgetMs: number;
  /** When the clock starts: receipt, or the ExecutionDateTime the DCC holds a future-dated request until. */
  startsAt: number;
  deadline: number;
}

/**
 * A future-dated request the DCC holds (dspHeldUntil) is measured from its ExecutionDateTime, when
 * it sends it (policy default). One its device holds goes at once, and is measured from receipt:
 * its device answers at once, and a request lost on the way is breached 30 s later, not when the
 * device would act (DUIS's test requests date some a thousand years ahead).
 */
export function trtBudget(trtClass: TrtClass, budgets: TrtBudgets, receivedAt: number, heldUntil?: number): TrtBudget {
  const startsAt = heldUntil !== undefined && heldUntil > receivedAt ? heldUntil : receivedAt;
  const budgetMs = budgetFor(trtClass, budgets);
  return { class: trtClass, budgetMs, startsAt, deadline: startsAt + budgetMs };
}
export * from './report.ts';

/**
 * When the deadline scan looks at a request still without a response. SMETS2+: at its deadline,
 * breached. SMETS1 (contract v1.1): at its deadline plus the WAN allowance it is only marked
 * overdue (its response decides), and breached at its deadline plus the WAN limit.
 */
export function breachCheckTimes(deadline: number, generation: Generation | undefined, budgets: TrtBudgets): { checkAt: number; finalAt?: number } {
  if (generation !== 'SMETS1') return { checkAt: deadline };
  return { checkAt: deadline + budgets['smets1.wanAllowance'], finalAt: deadline + Math.max(budgets['smets1.wanLimit'], budgets['smets1.wanAllowance']) };
}
