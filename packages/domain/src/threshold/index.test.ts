import { describe, expect, it } from 'vitest';
import {
  applicableCountRules, bucketIndex, countingBucket, MAX_RULES, MAX_WINDOW_SECONDS, parseCountRules, parseValueRules,
  toWindowRule, valueBreaches, windowCount, windowFloor, windowGeometry, withinLimit, type CountRule, type ValueRule,
} from './index.ts';

const errorOf = (result: { ok: boolean; error?: unknown }) => (result.ok ? undefined : result.error);

describe('parseCountRules', () => {
  it('accepts the contract shape, SRV rules and * rules, and returns fresh objects', () => {
    const input = { rules: [{ srv: '4.1.1', limit: 100, windowSeconds: 60 }, { srv: '*', limit: 5000, windowSeconds: 86_400 }] };
    const result = parseCountRules(input);
    expect(result).toStrictEqual({ ok: true, value: input });
    expect(result.ok && result.value.rules[0]).not.toBe(input.rules[0]);
  });

  it('accepts an empty rule set', () => {
    expect(parseCountRules({ rules: [] })).toStrictEqual({ ok: true, value: { rules: [] } });
  });

  it('allows one SRV with several windows', () => {
    const result = parseCountRules({ rules: [{ srv: '4.1.1', limit: 10, windowSeconds: 60 }, { srv: '4.1.1', limit: 1000, windowSeconds: 86_400 }] });
    expect(result.ok).toBe(true);
  });

  it.each([
    ['not an object', [], { field: 'body', message: 'must be an object { "rules": [...] }' }],
    ['null', null, { field: 'body', message: 'must be an object { "rules": [...] }' }],
    ['rules missing', {}, { field: 'rules', message: 'must be an array' }],
    ['an unknown top-level property', { rules: [], extra: 1 }, { field: 'extra', message: 'unknown property' }],
    ['a rule that is not an object', { rules: ['4.1.1'] }, { field: 'rules[0]', message: 'must be an object' }],
    ['an unknown rule property', { rules: [{ srv: '4.1.1', limit: 1, windowSeconds: 1, window: 5 }] }, { field: 'rules[0].window', message: 'unknown property' }],
    ['an SRV not in the catalogue', { rules: [{ srv: '4.1.9', limit: 1, windowSeconds: 1 }] }, { field: 'rules[0].srv', message: '4.1.9 is not a DUIS Service Reference Variant' }],
    ['a non-device SRV, which is never counted', { rules: [{ srv: '8.2', limit: 1, windowSeconds: 1 }] }, { field: 'rules[0].srv', message: '8.2 is a non-device request (command variant 8), answered by the router: Threshold Anomaly Detection applies to device requests only' }],
    ['an SRV that is not a string', { rules: [{ srv: 4.1, limit: 1, windowSeconds: 1 }] }, { field: 'rules[0].srv', message: 'must be a string' }],
    ['srv missing', { rules: [{ limit: 1, windowSeconds: 1 }] }, { field: 'rules[0].srv', message: 'must be a string' }],
    ['limit 0', { rules: [{ srv: '*', limit: 0, windowSeconds: 1 }] }, { field: 'rules[0].limit', message: 'must be a positive integer' }],
    ['a fractional limit', { rules: [{ srv: '*', limit: 1.5, windowSeconds: 1 }] }, { field: 'rules[0].limit', message: 'must be a positive integer' }],
    ['a limit as a string', { rules: [{ srv: '*', limit: '5', windowSeconds: 1 }] }, { field: 'rules[0].limit', message: 'must be a positive integer' }],
    ['an unsafe limit', { rules: [{ srv: '*', limit: 2 ** 53, windowSeconds: 1 }] }, { field: 'rules[0].limit', message: `must be at most ${Number.MAX_SAFE_INTEGER}` }],
    ['a negative window', { rules: [{ srv: '*', limit: 1, windowSeconds: -60 }] }, { field: 'rules[0].windowSeconds', message: 'must be a positive integer' }],
    ['window missing', { rules: [{ srv: '*', limit: 1 }] }, { field: 'rules[0].windowSeconds', message: 'must be a positive integer' }],
    ['a window over 31 days', { rules: [{ srv: '*', limit: 1, windowSeconds: MAX_WINDOW_SECONDS + 1 }] }, { field: 'rules[0].windowSeconds', message: `must be at most ${MAX_WINDOW_SECONDS}` }],
  ])('refuses %s, naming the field', (_name, input, error) => {
    expect(parseCountRules(input)).toStrictEqual({ ok: false, error });
  });

  it('names the index of the bad rule', () => {
    const rules = [{ srv: '4.1.1', limit: 1, windowSeconds: 1 }, { srv: '*', limit: 1, windowSeconds: 1 }, { srv: '4.2', limit: -1, windowSeconds: 1 }];
    expect(errorOf(parseCountRules({ rules }))).toStrictEqual({ field: 'rules[2].limit', message: 'must be a positive integer' });
  });

  it('refuses two rules on the same SRV and window', () => {
    const rules = [{ srv: '*', limit: 1, windowSeconds: 60 }, { srv: '4.1.1', limit: 1, windowSeconds: 60 }, { srv: '*', limit: 9, windowSeconds: 60 }];
    expect(errorOf(parseCountRules({ rules }))).toStrictEqual({
      field: 'rules[2]', message: 'same srv * and windowSeconds 60 as rules[0]: one limit per SRV and window',
    });
  });

  it(`refuses more than ${MAX_RULES} rules`, () => {
    const rules = Array.from({ length: MAX_RULES + 1 }, (_, i) => ({ srv: '*', limit: 1, windowSeconds: i + 1 }));
    expect(errorOf(parseCountRules({ rules }))).toStrictEqual({ field: 'rules', message: `must hold at most ${MAX_RULES} rules` });
    expect(parseCountRules({ rules: rules.slice(1) }).ok).toBe(true);
  });
});

describe('parseValueRules', () => {
  it('accepts min only, max only, both, and min equal to max', () => {
    const rules = [
      { srv: '2.2', field: 'Amount', min: 0 },
      { srv: '2.3', field: 'DebtRecovery.Amount', max: 10_000 },
      { srv: '1.5', field: 'Balance', min: -500.5, max: 500.5 },
      { srv: '2.5', field: 'Flag', min: 1, max: 1 },
    ];
    expect(parseValueRules({ rules })).toStrictEqual({ ok: true, value: { rules } });
  });

  it.each([
    ['*', { srv: '*', field: 'a', max: 1 }, { field: 'rules[0].srv', message: 'must name one SRV (`*` is for count rules only)' }],
    ['an unknown SRV', { srv: '99.9', field: 'a', max: 1 }, { field: 'rules[0].srv', message: '99.9 is not a DUIS Service Reference Variant' }],
    ['a non-device SRV, whose body is never checked', { srv: '8.2', field: 'DeviceID', max: 1 }, { field: 'rules[0].srv', message: '8.2 is a non-device request (command variant 8), answered by the router: Threshold Anomaly Detection applies to device requests only' }],
    ['no field', { srv: '2.2', max: 1 }, { field: 'rules[0].field', message: 'must be a non-empty string' }],
    ['an empty field', { srv: '2.2', field: '', max: 1 }, { field: 'rules[0].field', message: 'must be a non-empty string' }],
    ['a double dot', { srv: '2.2', field: 'a..b', max: 1 }, { field: 'rules[0].field', message: 'must be property names separated by single dots' }],
    ['a leading dot', { srv: '2.2', field: '.a', max: 1 }, { field: 'rules[0].field', message: 'must be property names separated by single dots' }],
    ['an array position', { srv: '2.2', field: 'a.0.b', max: 1 }, { field: 'rules[0].field', message: 'array positions cannot be named: every element of an array on the path is checked' }],
    ['neither min nor max', { srv: '2.2', field: 'a' }, { field: 'rules[0]', message: 'needs min, max or both' }],
    ['min above max', { srv: '2.2', field: 'a', min: 2, max: 1 }, { field: 'rules[0].min', message: 'must not be greater than max' }],
    ['a numeric string bound', { srv: '2.2', field: 'a', max: '10' }, { field: 'rules[0].max', message: 'must be a number' }],
    ['a null bound', { srv: '2.2', field: 'a', min: null }, { field: 'rules[0].min', message: 'must be a number' }],
    ['a misspelt bound', { srv: '2.2', field: 'a', min: 0, mx: 10 }, { field: 'rules[0].mx', message: 'unknown property' }],
  ])('refuses %s, naming the field', (_name, rule, error) => {
    expect(parseValueRules({ rules: [rule] })).toStrictEqual({ ok: false, error });
  });

  it('refuses two rules on the same SRV and field, and allows the same field on another SRV', () => {
    expect(errorOf(parseValueRules({ rules: [{ srv: '2.2', field: 'a', min: 0 }, { srv: '2.2', field: 'a', max: 9 }] }))).toStrictEqual({
      field: 'rules[1]', message: 'same srv 2.2 and field a as rules[0]: put min and max in one rule',
    });
    expect(parseValueRules({ rules: [{ srv: '2.2', field: 'a', min: 0 }, { srv: '2.3', field: 'a', max: 9 }] }).ok).toBe(true);
  });
});

describe('applicableCountRules and toWindowRule', () => {
  const rules: CountRule[] = [
    { srv: '4.1.1', limit: 10, windowSeconds: 60 },
    { srv: '*', limit: 100, windowSeconds: 60 },
    { srv: '4.2', limit: 10, windowSeconds: 60 },
    { srv: '4.1.1', limit: 500, windowSeconds: 3600 },
  ];

  it('gives the SRV’s own rules and the * rules, in order', () => {
    expect(applicableCountRules(rules, '4.1.1')).toStrictEqual([rules[0], rules[1], rules[3]]);
    expect(applicableCountRules(rules, '6.2.4')).toStrictEqual([rules[1]]);
    expect(applicableCountRules([], '4.1.1')).toStrictEqual([]);
  });

  it('turns a rule into a counter rule in milliseconds, keyed by its srv', () => {
    expect(toWindowRule(rules[3])).toStrictEqual({ key: '4.1.1', limit: 500, windowMs: 3_600_000 });
  });
});

describe('valueBreaches', () => {
  const rules: ValueRule[] = [
    { srv: '2.2', field: 'Amount', min: 1, max: 100 },
    { srv: '2.3', field: 'Debt.Amount', max: 50 },
  ];

  it.each([
    ['a number inside', { Amount: 50 }],
    ['a number at min', { Amount: 1 }],
    ['a number at max', { Amount: 100 }],
    ['a numeric string inside', { Amount: '99.5' }],
    ['a numeric string with spaces', { Amount: ' 42 ' }],
    ['an exponent', { Amount: '1e2' }],
    ['the field absent', { UTRN: '12345678901234567890' }],
    ['an empty body', ''],
  ])('finds none for %s', (_name, body) => {
    expect(valueBreaches(rules, '2.2', body)).toBeUndefined();
  });

  it('takes a path through a scalar as an absent field', () => {
    expect(valueBreaches(rules, '2.3', { Debt: '10' })).toBeUndefined();
  });

  it.each([
    ['above max', { Amount: 101 }, 101, 'above_max'],
    ['below min', { Amount: 0 }, 0, 'below_min'],
    ['a numeric string above max', { Amount: '100.01' }, '100.01', 'above_max'],
    ['a negative string below min', { Amount: '-5' }, '-5', 'below_min'],
    ['text', { Amount: 'lots' }, 'lots', 'not_numeric'],
    ['an empty string', { Amount: '' }, '', 'not_numeric'],
    ['hex', { Amount: '0x10' }, '0x10', 'not_numeric'],
    ['thousands separators', { Amount: '1,000' }, '1,000', 'not_numeric'],
    ['NaN text', { Amount: 'NaN' }, 'NaN', 'not_numeric'],
    ['null', { Amount: null }, null, 'not_numeric'],
    ['a boolean', { Amount: true }, true, 'not_numeric'],
    ['an object', { Amount: { value: 5 } }, { value: 5 }, 'not_numeric'],
  ])('reports %s', (_name, body, value, reason) => {
    expect(valueBreaches(rules, '2.2', body)).toStrictEqual({ rule: rules[0], value, reason });
  });

  it('follows dotted paths', () => {
    expect(valueBreaches(rules, '2.3', { Debt: { Amount: 51 } })).toStrictEqual({ rule: rules[1], value: 51, reason: 'above_max' });
    expect(valueBreaches(rules, '2.3', { Debt: { Amount: 50 } })).toBeUndefined();
  });

  it('checks every element of an array on the path or at its end', () => {
    expect(valueBreaches(rules, '2.3', { Debt: [{ Amount: 1 }, { Other: 1 }, { Amount: '70' }] })).toStrictEqual({ rule: rules[1], value: '70', reason: 'above_max' });
    expect(valueBreaches(rules, '2.3', { Debt: [{ Amount: 1 }, { Amount: [2, [60]] }] })).toStrictEqual({ rule: rules[1], value: 60, reason: 'above_max' });
    expect(valueBreaches(rules, '2.3', { Debt: [{ Amount: 1 }, { Amount: [2, 3] }] })).toBeUndefined();
  });

  it('applies only the rules of the request’s SRV', () => {
    expect(valueBreaches(rules, '2.3', { Amount: 1_000 })).toBeUndefined();
    expect(valueBreaches(rules, '4.1.1', { Amount: 1_000, Debt: { Amount: 1_000 } })).toBeUndefined();
  });

  it('gives the first breach in rule order', () => {
    const two: ValueRule[] = [{ srv: '2.2', field: 'A', max: 1 }, { srv: '2.2', field: 'B', max: 1 }];
    expect(valueBreaches(two, '2.2', { B: 5, A: 5 })?.rule).toBe(two[0]);
    expect(valueBreaches(two, '2.2', { B: 5, A: 0 })?.rule).toBe(two[1]);
  });

  it('does not read inherited properties', () => {
    expect(valueBreaches([{ srv: '2.2', field: 'constructor', max: 1 }], '2.2', {})).toBeUndefined();
  });
});

describe('window arithmetic', () => {
  it('cuts a window into 60 buckets of whole milliseconds', () => {
    expect(windowGeometry(60_000)).toStrictEqual({ windowMs: 60_000, bucketMs: 1_000, span: 60 });
    expect(windowGeometry(86_400_000)).toStrictEqual({ windowMs: 86_400_000, bucketMs: 1_440_000, span: 60 });
    expect(windowGeometry(61)).toStrictEqual({ windowMs: 61, bucketMs: 2, span: 31 });
    expect(windowGeometry(1)).toStrictEqual({ windowMs: 1, bucketMs: 1, span: 1 });
    expect(() => windowGeometry(0)).toThrow(RangeError);
    expect(() => windowGeometry(1.5)).toThrow(RangeError);
  });

  it('puts bucket boundaries at whole multiples of the bucket width', () => {
    const g = windowGeometry(60_000);
    const at = 1_700_000_000_000;
    expect(bucketIndex(at, g)).toBe(1_700_000_000);
    expect(bucketIndex(at + 999, g)).toBe(1_700_000_000);
    expect(bucketIndex(at - 1, g)).toBe(1_699_999_999);
    expect(bucketIndex(-1, g)).toBe(-1);
  });

  it('keeps an event exactly windowMs old in the window, and drops it one bucket later', () => {
    const g = windowGeometry(60_000);
    const event = 1_700_000_000_000;
    const buckets = [[bucketIndex(event, g), 1]] as const;
    expect(windowCount(buckets, windowFloor(event + 59_999, g))).toBe(1);
    expect(windowCount(buckets, windowFloor(event + 60_000, g))).toBe(1);
    expect(windowCount(buckets, windowFloor(event + 60_999, g))).toBe(1);
    expect(windowCount(buckets, windowFloor(event + 61_000, g))).toBe(0);
  });

  it('drops an event late in its bucket at most one bucket after windowMs, never before', () => {
    const g = windowGeometry(60_000);
    const event = 1_700_000_000_999;
    const buckets = [[bucketIndex(event, g), 1]] as const;
    expect(windowCount(buckets, windowFloor(event + 60_000, g))).toBe(1);
    expect(windowCount(buckets, windowFloor(event + 60_001, g))).toBe(0);
  });

  it('records an event in its own bucket, or in the floor when a clock is a window behind', () => {
    const g = windowGeometry(60_000);
    const floor = windowFloor(1_700_000_060_000, g);
    expect(countingBucket(1_700_000_059_000, floor, g)).toBe(1_700_000_059);
    expect(countingBucket(1_700_000_000_500, floor, g)).toBe(1_700_000_000);
    expect(countingBucket(1_699_999_000_000, floor, g)).toBe(floor);
  });

  it('admits while count + 1 stays within the limit', () => {
    expect(withinLimit(0, 1)).toBe(true);
    expect(withinLimit(99, 100)).toBe(true);
    expect(withinLimit(100, 100)).toBe(false);
  });

  /** A deterministic PRNG, so a failure repeats. */
  function mulberry32(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each([[60_000], [61], [7], [3_600_000]])('never under-counts and over-counts at most one bucket (window %i ms, clocks up to a quarter window behind)', (windowMs) => {
    const g = windowGeometry(windowMs);
    const random = mulberry32(windowMs);
    // The counter as both implementations keep it: a floor that only rises, buckets at or above it.
    let floor = -Infinity;
    const buckets = new Map<number, number>();
    let events: number[] = [];
    let now = 1_700_000_000_000;
    let latest = -Infinity;
    for (let step = 0; step < 5_000; step++) {
      now += Math.floor(random() * g.bucketMs * 3);
      // Up to a quarter of a window behind, as another instance's clock may be.
      const at = now - Math.floor(random() * windowMs / 4);
      latest = Math.max(latest, at);
      floor = Math.max(floor, windowFloor(at, g));
      for (const index of buckets.keys()) if (index < floor) buckets.delete(index);
      const count = windowCount(buckets, floor);
      events = events.filter((e) => e > latest - windowMs - g.bucketMs);
      const inWindow = events.filter((e) => e > latest - windowMs).length;
      const slack = events.filter((e) => e > latest - windowMs - g.bucketMs && e <= latest - windowMs).length;
      expect(count).toBeGreaterThanOrEqual(inWindow);
      expect(count).toBeLessThanOrEqual(inWindow + slack);
      expect(buckets.size).toBeLessThanOrEqual(g.span + 1);
      const bucket = countingBucket(at, floor, g);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
      events.push(at);
    }
  });
});
