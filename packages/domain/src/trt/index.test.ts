import { describe, it, expect } from 'vitest';
import { findSrv, SRV_DEFINITIONS } from '../catalogue/index.ts';
import { breachCheckTimes, budgetFor, defaultTrtBudgets, parseTrtBudgetsUpdate, trtBudget, trtClassFor, type TrtBudgets, type TrtClass } from './index.ts';

const srv = (id: string) => findSrv(id)!;
const RECEIVED = Date.parse('2026-12-01T10:00:00.123Z');

describe('defaultTrtBudgets', () => {
  it('has the contract defaults, in milliseconds', () => {
    expect(defaultTrtBudgets()).toStrictEqual({
      'smets2.onDemand': 30_000,
      'smets2.scheduled': 86_400_000,
      'smets1.response': 16_000,
      'smets1.activateFirmware': 432_000_000,
      'smets1.wanAllowance': 60_000,
      'smets1.wanLimit': 86_400_000,
    });
  });

  it('matches the reference: 30 s, 24 h, 16 s, 5 days', () => {
    const budgets = defaultTrtBudgets();
    expect(budgets['smets2.onDemand']).toBe(30 * 1000);
    expect(budgets['smets2.scheduled']).toBe(24 * 3600 * 1000);
    expect(budgets['smets1.response']).toBe(16 * 1000);
    expect(budgets['smets1.activateFirmware']).toBe(5 * 24 * 3600 * 1000);
  });

  it('returns a fresh object each time', () => {
    const first = defaultTrtBudgets();
    first['smets2.onDemand'] = 1;
    expect(defaultTrtBudgets()['smets2.onDemand']).toBe(30_000);
  });
});

describe('trtClassFor', () => {
  it.each([
    ['SMETS2+ on-demand 4.1.1 CV 1', '4.1.1', 1, 'SMETS2+', 'smets2.onDemand'],
    ['SMETS2+ on-demand 4.1.1 CV 3', '4.1.1', 3, 'SMETS2+', 'smets2.onDemand'],
    ['SMETS2+ critical 1.1.1 CV 5', '1.1.1', 5, 'SMETS2+', 'smets2.onDemand'],
    ['SMETS2+ critical 1.1.1 CV 7', '1.1.1', 7, 'SMETS2+', 'smets2.onDemand'],
    ['SMETS2+ 11.3 CV 5', '11.3', 5, 'SMETS2+', 'smets2.onDemand'],
    // Not on demand in the DUIS matrix, but not a scheduled service either: a User sends it.
    ['SMETS2+ 8.5 Service Opt Out CV 1', '8.5', 1, 'SMETS2+', 'smets2.onDemand'],
    ['SMETS1 4.1.1 CV 1', '4.1.1', 1, 'SMETS1', 'smets1.response'],
    ['SMETS1 1.1.1 CV 5', '1.1.1', 5, 'SMETS1', 'smets1.response'],
    ['SMETS1 11.2 CV 1', '11.2', 1, 'SMETS1', 'smets1.response'],
    ['SMETS1 8.5 CV 1', '8.5', 1, 'SMETS1', 'smets1.response'],
    ['SMETS1 11.3 CV 5 (activate firmware)', '11.3', 5, 'SMETS1', 'smets1.activateFirmware'],
  ] as const)('%s → %s', (_label, id, cv, generation, expected) => {
    expect(trtClassFor(srv(id), cv, generation)).toBe(expected);
  });

  it.each([
    ['SMETS2+ 4.6.1 DSP occurrence', '4.6.1', 'SMETS2+', 'smets2.scheduled'],
    ['SMETS2+ 4.8.1 DSP occurrence', '4.8.1', 'SMETS2+', 'smets2.scheduled'],
    ['SMETS1 4.6.1 DSP occurrence', '4.6.1', 'SMETS1', 'smets1.scheduled'],
  ] as const)('%s → %s', (_label, id, generation, expected) => {
    expect(trtClassFor(srv(id), 1, generation, true)).toBe(expected);
    // The same read sent by its User is on demand.
    expect(trtClassFor(srv(id), 1, generation)).toBe(generation === 'SMETS1' ? 'smets1.response' : 'smets2.onDemand');
  });

  it.each([2, 4, 6, 8])('has no class for synchronous CV %i, either generation', (cv) => {
    for (const id of ['4.1.1', '1.1.1', '11.3', '8.5']) {
      expect(trtClassFor(srv(id), cv, 'SMETS2+'), id).toBeUndefined();
      expect(trtClassFor(srv(id), cv, 'SMETS1'), id).toBeUndefined();
    }
  });

  it('has no class for 11.3 transform (CV 4), even for SMETS1', () => {
    expect(trtClassFor(srv('11.3'), 4, 'SMETS1')).toBeUndefined();
  });

  it.each(SRV_DEFINITIONS.filter((def) => def.nonDevice).map((def) => [def.srv, def] as const))('has no class for non-device %s', (_id, def) => {
    expect(trtClassFor(def, 8, undefined)).toBeUndefined();
    expect(trtClassFor(def, 8, 'SMETS2+')).toBeUndefined();
    expect(trtClassFor(def, 1, 'SMETS2+')).toBeUndefined();
  });

  it('has no class without a generation (no device)', () => {
    expect(trtClassFor(srv('4.1.1'), 1, undefined)).toBeUndefined();
  });

  it('gives every acknowledged device request a class (CV 1, 3, 5, 7): on demand unless a DSP occurrence', () => {
    for (const def of SRV_DEFINITIONS.filter((d) => !d.nonDevice)) {
      for (const cv of def.commandVariants.filter((v) => [1, 3, 5, 7].includes(v))) {
        expect(trtClassFor(def, cv, 'SMETS2+'), `${def.srv} CV ${cv}`).toBe('smets2.onDemand');
        expect(trtClassFor(def, cv, 'SMETS1'), `${def.srv} CV ${cv}`).toBe(def.srv === '11.3' ? 'smets1.activateFirmware' : 'smets1.response');
      }
    }
  });
});

describe('trtBudget', () => {
  const budgets = defaultTrtBudgets();

  it('reproduces the contract example: 30 s from receipt', () => {
    const budget = trtBudget('smets2.onDemand', budgets, RECEIVED);
    expect(budget).toStrictEqual({ class: 'smets2.onDemand', budgetMs: 30_000, startsAt: RECEIVED, deadline: RECEIVED + 30_000 });
    expect(new Date(budget.deadline).toISOString()).toBe('2026-12-01T10:00:30.123Z');
  });

  it.each([
    ['smets2.onDemand', 30_000],
    ['smets2.scheduled', 86_400_000],
    ['smets1.response', 16_000],
    ['smets1.activateFirmware', 432_000_000],
  ] as const)('%s: deadline is receipt + %i ms', (trtClass, ms) => {
    expect(trtBudget(trtClass, budgets, RECEIVED)).toStrictEqual({ class: trtClass, budgetMs: ms, startsAt: RECEIVED, deadline: RECEIVED + ms });
  });

  it('starts a future-dated request at its ExecutionDateTime', () => {
    const at = Date.parse('2027-01-15T09:00:00Z');
    const budget = trtBudget('smets2.onDemand', budgets, RECEIVED, at);
    expect(budget).toStrictEqual({ class: 'smets2.onDemand', budgetMs: 30_000, startsAt: at, deadline: at + 30_000 });
    expect(new Date(budget.deadline).toISOString()).toBe('2027-01-15T09:00:30.000Z');
  });

  it('starts a future-dated SMETS1 firmware activation at its ExecutionDateTime', () => {
    const at = RECEIVED + 3_600_000;
    expect(trtBudget('smets1.activateFirmware', budgets, RECEIVED, at).deadline).toBe(at + 432_000_000);
  });

  it('does not move the start for an ExecutionDateTime in the past or at receipt', () => {
    expect(trtBudget('smets2.onDemand', budgets, RECEIVED, RECEIVED - 60_000)).toStrictEqual({
      class: 'smets2.onDemand', budgetMs: 30_000, startsAt: RECEIVED, deadline: RECEIVED + 30_000,
    });
    expect(trtBudget('smets2.onDemand', budgets, RECEIVED, RECEIVED).startsAt).toBe(RECEIVED);
    expect(trtBudget('smets2.onDemand', budgets, RECEIVED, 0).deadline).toBe(RECEIVED + 30_000);
  });

  it('moves the start by even 1 ms into the future', () => {
    expect(trtBudget('smets1.response', budgets, RECEIVED, RECEIVED + 1)).toMatchObject({ startsAt: RECEIVED + 1, deadline: RECEIVED + 1 + 16_000 });
  });

  it('uses overridden budgets', () => {
    const custom: TrtBudgets = { ...budgets, 'smets2.onDemand': 5_000, 'smets1.response': 20_000 };
    expect(trtBudget('smets2.onDemand', custom, RECEIVED)).toMatchObject({ budgetMs: 5_000, deadline: RECEIVED + 5_000 });
    expect(trtBudget('smets1.response', custom, RECEIVED, RECEIVED + 10)).toMatchObject({ budgetMs: 20_000, deadline: RECEIVED + 10 + 20_000 });
    expect(trtBudget('smets2.scheduled', custom, RECEIVED).budgetMs).toBe(86_400_000);
    expect(budgets['smets2.onDemand']).toBe(30_000);
  });

  it('reads the budget at call time (a later change applies to later requests only)', () => {
    const live: TrtBudgets = { ...budgets };
    const before = trtBudget('smets2.onDemand', live, RECEIVED);
    live['smets2.onDemand'] = 45_000;
    const after = trtBudget('smets2.onDemand', live, RECEIVED);
    expect([before.deadline, after.deadline]).toEqual([RECEIVED + 30_000, RECEIVED + 45_000]);
  });

  it('measures a SMETS1 DSP occurrence against the SMETS1 budget, its current value, unless its own is set', () => {
    expect(budgetFor('smets1.scheduled', budgets)).toBe(budgets['smets1.response']);
    expect(budgetFor('smets2.scheduled', budgets)).toBe(budgets['smets2.scheduled']);
    expect(trtBudget('smets1.scheduled', { ...budgets, 'smets1.response': 20_000 }, RECEIVED)).toStrictEqual({
      class: 'smets1.scheduled', budgetMs: 20_000, startsAt: RECEIVED, deadline: RECEIVED + 20_000,
    });
    expect(trtBudget('smets1.scheduled', { ...budgets, 'smets1.response': 20_000, 'smets1.scheduled': 3_600_000 }, RECEIVED).budgetMs).toBe(3_600_000);
    expect(parseTrtBudgetsUpdate({ 'smets1.scheduled': 3_600_000 })).toEqual({ ok: true, value: { 'smets1.scheduled': 3_600_000 } });
  });

  it('chains with trtClassFor', () => {
    const trtClass = trtClassFor(srv('11.3'), 5, 'SMETS1') as TrtClass;
    expect(trtBudget(trtClass, budgets, RECEIVED).deadline - RECEIVED).toBe(5 * 86_400_000);
  });
});

describe('breachCheckTimes (contract v1.1)', () => {
  const budgets = defaultTrtBudgets();
  it('checks SMETS2+ at its deadline, breached then', () => {
    expect(breachCheckTimes(1_000, 'SMETS2+', budgets)).toEqual({ checkAt: 1_000 });
  });
  it('checks SMETS1 at its deadline plus the WAN allowance (overdue only), and breaches it at the WAN limit', () => {
    expect(breachCheckTimes(1_000, 'SMETS1', budgets)).toEqual({ checkAt: 61_000, finalAt: 86_401_000 });
  });
  it('never breaches before overdue, whatever the limit', () => {
    expect(breachCheckTimes(0, 'SMETS1', { ...budgets, 'smets1.wanLimit': 10 })).toEqual({ checkAt: 60_000, finalAt: 60_000 });
  });
});

describe('parseTrtBudgetsUpdate', () => {
  it('takes any of the classes and leaves the others out', () => {
    expect(parseTrtBudgetsUpdate({ 'smets2.onDemand': 1000 })).toStrictEqual({ ok: true, value: { 'smets2.onDemand': 1000 } });
    expect(parseTrtBudgetsUpdate({})).toStrictEqual({ ok: true, value: {} });
  });

  it.each([
    ['a class it does not know', { 'smets3.onDemand': 5 }, { field: 'smets3.onDemand', message: `is not a TRT class (known: ${[...Object.keys(defaultTrtBudgets()), 'smets1.scheduled'].join(', ')})` }],
    ['zero', { 'smets1.response': 0 }, { field: 'smets1.response', message: 'must be a positive integer of milliseconds, at most 31536000000 (a year)' }],
    ['a fraction', { 'smets1.response': 1.5 }, { field: 'smets1.response', message: 'must be a positive integer of milliseconds, at most 31536000000 (a year)' }],
    ['text', { 'smets1.response': '100' }, { field: 'smets1.response', message: 'must be a positive integer of milliseconds, at most 31536000000 (a year)' }],
    // Past any date JavaScript has: every acknowledgement's deadline would fail to be written.
    ['a budget of 2^53 - 1 ms', { 'smets2.onDemand': Number.MAX_SAFE_INTEGER }, { field: 'smets2.onDemand', message: 'must be a positive integer of milliseconds, at most 31536000000 (a year)' }],
    ['more than a year', { 'smets1.activateFirmware': 365 * 24 * 3_600_000 + 1 }, { field: 'smets1.activateFirmware', message: 'must be a positive integer of milliseconds, at most 31536000000 (a year)' }],
    ['an unsafe integer', { 'smets1.response': 2 ** 53 }, { field: 'smets1.response', message: 'must be a positive integer of milliseconds, at most 31536000000 (a year)' }],
    ['an array', [], { field: 'body', message: 'must be a JSON object of budgets in milliseconds' }],
    ['null', null, { field: 'body', message: 'must be a JSON object of budgets in milliseconds' }],
  ])('refuses %s, naming the field', (_name, input, error) => {
    expect(parseTrtBudgetsUpdate(input)).toStrictEqual({ ok: false, error });
  });
});
