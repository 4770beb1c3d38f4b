import { z } from 'zod';
import { findSrv } from '../catalogue/index.ts';
import { objectError, parseWith, type Parsed } from '../input/index.ts';
import { isPlainObject } from '../json/index.ts';

// Threshold Anomaly Detection (TAD): the operators' rule sets, their validation, the value-limit
// check, and the sliding-window arithmetic that the memory and Redis counters both follow.

/** The `srv` of a count rule that counts every SRV. */
export const ALL_SRVS = '*';

/** A per-User or DCC-wide count threshold: more than `limit` requests within the window are in excess. */
export interface CountRule {
  /** An SRV of the catalogue, or `*` for all. */
  srv: string;
  limit: number;
  windowSeconds: number;
}

export interface CountRules {
  rules: CountRule[];
}

/** A limit on a numeric field of an SRV's body element value; at least one of min and max. */
export interface ValueRule {
  srv: string;
  /** Dot-separated path inside the body element's value, e.g. `DebtRecovery.Amount`. */
  field: string;
  min?: number;
  max?: number;
}

export interface ValueRules {
  rules: ValueRule[];
}

/** Bounds the work one request can cause and the size of a stored rule set. */
export const MAX_RULES = 1_000;

/**
 * The longest window: 31 days. Longer windows would make each bucket (1/60 of the window) so wide
 * that the over-count (see the window arithmetic below) stops being useful.
 */
export const MAX_WINDOW_SECONDS = 31 * 24 * 60 * 60;

const srvSchema = (allowAll: boolean) => z.string({ error: 'must be a string' }).superRefine((srv, ctx) => {
  const definition = srv === ALL_SRVS ? undefined : findSrv(srv);
  if (srv === ALL_SRVS) {
    if (!allowAll) ctx.addIssue({ code: 'custom', message: 'must name one SRV (`*` is for count rules only)' });
  } else if (!definition) {
    ctx.addIssue({ code: 'custom', message: `${srv} is not a DUIS Service Reference Variant` });
  } else if (definition.nonDevice) {
    // Answered by the router at once, never acknowledged for a device: a rule on it would never apply.
    ctx.addIssue({ code: 'custom', message: `${srv} is a non-device request (command variant 8), answered by the router: Threshold Anomaly Detection applies to device requests only` });
  }
});

const POSITIVE = 'must be a positive integer';
// `max` before `int`: zod's integer check also refuses unsafe integers, which deserve the bound's message.
const positiveInteger = (max: number) => z.number({ error: POSITIVE }).min(1, { error: POSITIVE }).max(max, { error: `must be at most ${max}` }).int({ error: POSITIVE });

/**
 * The common envelope `{ "rules": [ {...}, ... ] }`. Unknown properties are refused everywhere, so
 * that a misspelt `max` cannot silently leave a field unlimited.
 */
const ruleSet = <T extends z.ZodType>(rule: T) => z.strictObject({
  rules: z.array(rule, { error: 'must be an array' }).max(MAX_RULES, { error: `must hold at most ${MAX_RULES} rules` }),
}, objectError('must be an object { "rules": [...] }'));

/**
 * A per-User or DCC-wide rule set. Two rules with the same srv and windowSeconds are refused: one
 * limit per SRV and window is what an operator means, and each (srv, window) then names exactly
 * one counter. The same srv with different windows (say per minute and per day) is allowed, as is
 * an SRV rule beside a `*` rule: a request must be within all that apply.
 */
export const countRulesSchema = ruleSet(z.strictObject({
  srv: srvSchema(true).meta({ description: 'A Service Reference Variant, or `*` for every SRV', example: '4.1.1' }),
  limit: positiveInteger(Number.MAX_SAFE_INTEGER).meta({ description: 'Requests allowed within the window; the one past it and every later one in the window is in excess' }),
  windowSeconds: positiveInteger(MAX_WINDOW_SECONDS).meta({ description: 'The sliding window' }),
}, objectError('must be an object')).meta({ id: 'CountRule' })).superRefine(({ rules }, ctx) => {
  const seen = new Map<string, number>();
  for (const [i, { srv, windowSeconds }] of rules.entries()) {
    const earlier = seen.get(`${srv} ${windowSeconds}`);
    if (earlier !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rules', i], message: `same srv ${srv} and windowSeconds ${windowSeconds} as rules[${earlier}]: one limit per SRV and window` });
      return;
    }
    seen.set(`${srv} ${windowSeconds}`, i);
  }
}).meta({ id: 'CountRules' });

const boundSchema = z.number({ error: 'must be a number' }).optional();

/**
 * The value rules. Field paths are dot-separated property names; a segment of digits only is
 * refused because arrays are not addressed by position: every element of an array met on the
 * path is checked (see valueBreaches). Two rules on the same srv and field are refused: put min
 * and max in one rule.
 */
export const valueRulesSchema = ruleSet(z.strictObject({
  srv: srvSchema(false).meta({ description: 'The Service Reference Variant whose body is checked', example: '2.2' }),
  field: z.string({ error: 'must be a non-empty string' }).superRefine((field, ctx) => {
    const segments = field.split('.');
    if (field === '') ctx.addIssue({ code: 'custom', message: 'must be a non-empty string' });
    else if (segments.some((segment) => segment === '')) ctx.addIssue({ code: 'custom', message: 'must be property names separated by single dots' });
    else if (segments.some((segment) => /^\d+$/.test(segment))) {
      ctx.addIssue({ code: 'custom', message: 'array positions cannot be named: every element of an array on the path is checked' });
    }
  }).meta({ description: "Dot-separated path inside the body element's value", example: 'DebtRecovery.Amount' }),
  min: boundSchema,
  max: boundSchema,
}, objectError('must be an object')).superRefine((rule, ctx) => {
  if (rule.min === undefined && rule.max === undefined) ctx.addIssue({ code: 'custom', message: 'needs min, max or both' });
  else if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'must not be greater than max' });
}).meta({ id: 'ValueRule', description: 'At least one of min and max' })).superRefine(({ rules }, ctx) => {
  const seen = new Map<string, number>();
  for (const [i, { srv, field }] of rules.entries()) {
    const earlier = seen.get(`${srv} ${field}`);
    if (earlier !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rules', i], message: `same srv ${srv} and field ${field} as rules[${earlier}]: put min and max in one rule` });
      return;
    }
    seen.set(`${srv} ${field}`, i);
  }
}).meta({ id: 'ValueRules' });

const RULES_NAMING = { style: 'path', root: 'body' } as const;

export function parseCountRules(input: unknown): Parsed<CountRules> {
  return parseWith(countRulesSchema, input, RULES_NAMING);
}

export function parseValueRules(input: unknown): Parsed<ValueRules> {
  const parsed = parseWith(valueRulesSchema, input, RULES_NAMING);
  if (!parsed.ok) return parsed;
  // Bounds that were not given are left out, not stored as undefined.
  const rules = parsed.value.rules.map(({ srv, field, min, max }) => ({ srv, field, ...(min !== undefined && { min }), ...(max !== undefined && { max }) }));
  return { ok: true, value: { rules } };
}

/** The count rules that apply to a request of this SRV: its own and the `*` ones, in their order. */
export function applicableCountRules(rules: readonly CountRule[], srv: string): CountRule[] {
  return rules.filter((rule) => rule.srv === srv || rule.srv === ALL_SRVS);
}

/**
 * A count rule as a counter's rule (the shape of WindowCounters' WindowRule in @dccrouter/state):
 * keyed by its srv, since a counter is identified by its scope, key and window together.
 */
export function toWindowRule(rule: CountRule): { key: string; limit: number; windowMs: number } {
  return { key: rule.srv, limit: rule.limit, windowMs: rule.windowSeconds * 1000 };
}

export interface ValueBreach {
  rule: ValueRule;
  /** The value found at the rule's field, as it came (a number or a string, or whatever else was there). */
  value: unknown;
  reason: 'below_min' | 'above_max' | 'not_numeric';
}

/** Decimal text as DUIS XML carries numbers (xs:int, xs:decimal, xs:double): no hex, no NaN, no thousands separators. */
const NUMERIC_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return Number(value);
  return undefined;
}

/** Every value at the path; an array met on the way (or at the end) is entered element by element. */
function valuesAt(root: unknown, segments: readonly string[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current.flat(Infinity)) {
      if (isPlainObject(value) && Object.hasOwn(value, segment)) next.push(value[segment]);
    }
    current = next;
  }
  return current.flat(Infinity);
}

/**
 * The first breach of a value rule of this SRV by the body element's value (the object inside
 * the single body element; `''` has no fields), or undefined. A field that is absent, or whose
 * path leads through something other than an object or array, is not a breach: the rule limits
 * a value, it does not require one. A field that is present but not numeric (a JSON number, or
 * a numeric string as DUIS XML values are text) IS a breach: an operator limited that field,
 * and a value that cannot be compared cannot be shown to be within the limit, so the control
 * fails closed. Comparisons are in IEEE doubles, exact for integers up to 2^53.
 */
export function valueBreaches(rules: readonly ValueRule[], srv: string, bodyValue: unknown): ValueBreach | undefined {
  for (const rule of rules) {
    if (rule.srv !== srv) continue;
    for (const value of valuesAt(bodyValue, rule.field.split('.'))) {
      const number = numericValue(value);
      if (number === undefined) return { rule, value, reason: 'not_numeric' };
      if (rule.min !== undefined && number < rule.min) return { rule, value, reason: 'below_min' };
      if (rule.max !== undefined && number > rule.max) return { rule, value, reason: 'above_max' };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sliding-window counting: a bucketed sliding window.
//
// Time is cut into buckets of `bucketMs` (1/WINDOW_BUCKETS of the window, rounded up to whole
// milliseconds); a counter keeps one count per bucket. At time `at` the window's oldest bucket is
// the one holding `at - windowMs` (windowFloor), and the count is the sum of every bucket from
// there on. An event is recorded in the bucket of its own time, or in the oldest live bucket if
// its time is already behind it (a clock stepped back by more than a window).
//
// ACCURACY. Let T be the latest time the counter has been asked about (T = `at` when clocks only
// go forward). The count includes every recorded event with time in (T - windowMs, T]: it never
// under-counts, so a flood is never let through. It may also include events in
// (T - windowMs - bucketMs, T - windowMs], i.e. it over-counts by at most the events of one bucket
// width (1/60 of the window) just before the window, and an event stops counting between
// windowMs and windowMs + bucketMs after its time. A clock a little behind T (less than a window)
// reads the count as at T, which also includes events after its own time: again only more.
// Memory per counter is bounded by the window, not the limit: at most span + 1 buckets (61 for
// windows that are a multiple of 60 ms), however many millions of events are counted.
// ---------------------------------------------------------------------------------------------

/** Buckets per window: the over-count is at most the events of 1/WINDOW_BUCKETS of a window. */
export const WINDOW_BUCKETS = 60;

export interface WindowGeometry {
  windowMs: number;
  bucketMs: number;
  /**
   * How far the newest bucket can be ahead of the window's oldest: a counter never holds buckets
   * outside [floor, floor + span], so at most span + 1 of them.
   */
  span: number;
}

export function windowGeometry(windowMs: number, buckets: number = WINDOW_BUCKETS): WindowGeometry {
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`windowMs must be a positive integer, not ${windowMs}`);
  const bucketMs = Math.ceil(windowMs / buckets);
  return { windowMs, bucketMs, span: Math.ceil(windowMs / bucketMs) };
}

/** The bucket holding time `at` (epoch ms). */
export function bucketIndex(at: number, geometry: WindowGeometry): number {
  return Math.floor(at / geometry.bucketMs);
}

/** The oldest bucket in the window that ends at `at`: the one holding `at - windowMs`. */
export function windowFloor(at: number, geometry: WindowGeometry): number {
  return Math.floor((at - geometry.windowMs) / geometry.bucketMs);
}

/**
 * Where an event at `at` is recorded, given the counter's floor (the highest windowFloor it has
 * seen): its own bucket, or the floor when its bucket has already left the window.
 */
export function countingBucket(at: number, floor: number, geometry: WindowGeometry): number {
  return Math.max(bucketIndex(at, geometry), floor);
}

/** The count: the sum of the buckets at or above the floor. */
export function windowCount(buckets: Iterable<readonly [number, number]>, floor: number): number {
  let count = 0;
  for (const [index, value] of buckets) if (index >= floor) count += value;
  return count;
}

/** An event is admitted while counting it keeps the count within the limit. */
export function withinLimit(countBefore: number, limit: number): boolean {
  return countBefore + 1 <= limit;
}
