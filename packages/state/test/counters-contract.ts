// The contract every WindowCounters implementation must keep; each implementation's test file runs it.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { planCounters, type CountResult, type WindowCounters, type WindowRule } from '../src/counters/index.ts';

/** Each call must give counters of their own, empty of what other calls counted. */
export type MakeCounters = () => Promise<WindowCounters>;

/** A realistic epoch ms on a whole minute, so bucket boundaries are easy to name. */
export const T0 = 1_700_000_040_000;

export const userScope = () => `user:${randomUUID()}`;

export const admittedCount = (results: CountResult[]) => results.filter((result) => result.admitted).length;

export function describeCountersContract(name: string, make: MakeCounters, cleanUp?: () => Promise<void>): void {
  describe(`${name} (WindowCounters contract)`, () => {
    if (cleanUp) afterAll(cleanUp);

    const minute: WindowRule = { key: '4.1.1', limit: 5, windowMs: 60_000 };

    it('admits exactly limit events in a window, then refuses the rest without counting them', async () => {
      const counters = await make();
      const scope = userScope();
      const results: CountResult[] = [];
      for (let i = 0; i < 8; i++) results.push(await counters.tryCount(scope, [minute], T0 + i * 1_000));
      expect(results.map((result) => result.admitted)).toStrictEqual([true, true, true, true, true, false, false, false]);
      expect(results.map((result) => result.counts[0])).toStrictEqual([1, 2, 3, 4, 5, 5, 5, 5]);
      expect(results[5]).toStrictEqual({ admitted: false, counts: [5], breached: 0 });
      expect(await counters.peek(scope, [minute], T0 + 8_000)).toStrictEqual([5]);
    });

    it('admits again once the window has passed, and not a bucket before', async () => {
      const counters = await make();
      const scope = userScope();
      for (let i = 0; i < 5; i++) expect((await counters.tryCount(scope, [minute], T0)).admitted).toBe(true);
      // Exactly windowMs after them: still in the window (the conservative edge).
      expect((await counters.tryCount(scope, [minute], T0 + 60_000)).admitted).toBe(false);
      expect((await counters.tryCount(scope, [minute], T0 + 60_999)).admitted).toBe(false);
      // One bucket (1/60 of the window) later they have left it.
      const after = await counters.tryCount(scope, [minute], T0 + 61_000);
      expect(after).toMatchObject({ admitted: true, counts: [1] });
    });

    it('slides: events leave the window bucket by bucket', async () => {
      const counters = await make();
      const scope = userScope();
      const rule: WindowRule = { key: '*', limit: 3, windowMs: 60_000 };
      expect((await counters.tryCount(scope, [rule], T0)).admitted).toBe(true);
      expect((await counters.tryCount(scope, [rule], T0 + 20_000)).admitted).toBe(true);
      expect((await counters.tryCount(scope, [rule], T0 + 40_000)).admitted).toBe(true);
      expect((await counters.tryCount(scope, [rule], T0 + 60_500)).admitted).toBe(false);
      expect(await counters.tryCount(scope, [rule], T0 + 61_000)).toMatchObject({ admitted: true, counts: [3] });
      expect((await counters.tryCount(scope, [rule], T0 + 61_000)).admitted).toBe(false);
      expect(await counters.peek(scope, [rule], T0 + 81_000)).toStrictEqual([2]);
      expect(await counters.peek(scope, [rule], T0 + 200_000)).toStrictEqual([0]);
    });

    it('counts a clock a little behind as at the latest time seen', async () => {
      const counters = await make();
      const scope = userScope();
      const rule: WindowRule = { key: '4.1.1', limit: 2, windowMs: 60_000 };
      expect((await counters.tryCount(scope, [rule], T0 + 61_000)).admitted).toBe(true);
      // Another instance's clock two seconds behind still sees that event.
      expect(await counters.tryCount(scope, [rule], T0 + 59_000)).toMatchObject({ admitted: true, counts: [2] });
      expect((await counters.tryCount(scope, [rule], T0 + 60_000)).admitted).toBe(false);
      // A clock a whole window behind still counts into the window (never less).
      expect(await counters.peek(scope, [rule], T0)).toStrictEqual([2]);
    });

    it('keeps events from a clock far behind until the latest window passes', async () => {
      const counters = await make();
      const scope = userScope();
      const rule: WindowRule = { key: '4.1.1', limit: 2, windowMs: 60_000 };
      await counters.tryCount(scope, [rule], T0 + 600_000);
      // Ten minutes behind: recorded in the window's oldest bucket, so it still counts now.
      expect(await counters.tryCount(scope, [rule], T0)).toMatchObject({ admitted: true, counts: [2] });
      expect(await counters.peek(scope, [rule], T0 + 600_000)).toStrictEqual([2]);
      expect(await counters.peek(scope, [rule], T0 + 660_000)).toStrictEqual([1]);
      expect(await counters.peek(scope, [rule], T0 + 661_000)).toStrictEqual([0]);
    });

    it('counts nothing in any rule when one rule would be breached', async () => {
      const counters = await make();
      const scope = userScope();
      const loose: WindowRule = { key: '*', limit: 100, windowMs: 60_000 };
      const tight: WindowRule = { key: '4.1.1', limit: 2, windowMs: 60_000 };
      const daily: WindowRule = { key: '4.1.1', limit: 1, windowMs: 86_400_000 };
      expect(await counters.tryCount(scope, [loose, tight], T0)).toMatchObject({ admitted: true, counts: [1, 1] });
      expect(await counters.tryCount(scope, [loose, tight], T0 + 1)).toMatchObject({ admitted: true, counts: [2, 2] });
      expect(await counters.tryCount(scope, [loose, tight], T0 + 2)).toStrictEqual({ admitted: false, counts: [2, 2], breached: 1 });
      expect(await counters.peek(scope, [loose, tight], T0 + 3)).toStrictEqual([2, 2]);
      // The same key with another window is another counter; the first rule in breach is reported.
      expect(await counters.tryCount(scope, [loose, daily], T0 + 4)).toMatchObject({ admitted: true, counts: [3, 1] });
      expect(await counters.tryCount(scope, [daily, tight, loose], T0 + 5)).toStrictEqual({ admitted: false, counts: [1, 2, 3], breached: 0 });
      expect(await counters.peek(scope, [loose, tight, daily], T0 + 6)).toStrictEqual([3, 2, 1]);
    });

    it('keeps scopes apart', async () => {
      const counters = await make();
      const [first, second] = [userScope(), userScope()];
      const rule: WindowRule = { key: '*', limit: 1, windowMs: 60_000 };
      expect((await counters.tryCount(first, [rule], T0)).admitted).toBe(true);
      expect((await counters.tryCount(first, [rule], T0)).admitted).toBe(false);
      expect((await counters.tryCount(second, [rule], T0)).admitted).toBe(true);
    });

    it('peeks without counting, and gives zero for an unknown counter', async () => {
      const counters = await make();
      const scope = userScope();
      const rule: WindowRule = { key: '4.1.1', limit: 1, windowMs: 60_000 };
      expect(await counters.peek(scope, [rule], T0)).toStrictEqual([0]);
      expect(await counters.peek(scope, [rule], T0)).toStrictEqual([0]);
      expect((await counters.tryCount(scope, [rule], T0)).admitted).toBe(true);
      expect(await counters.peek(scope, [rule], T0)).toStrictEqual([1]);
      expect(await counters.peek(scope, [], T0)).toStrictEqual([]);
    });

    it('admits with no rules, and refuses everything at limit 0', async () => {
      const counters = await make();
      const scope = userScope();
      expect(await counters.tryCount(scope, [], T0)).toStrictEqual({ admitted: true, counts: [] });
      expect(await counters.tryCount(scope, [{ key: '*', limit: 0, windowMs: 1_000 }], T0)).toStrictEqual({ admitted: false, counts: [0], breached: 0 });
    });

    it('handles windows shorter than 60 ms and not a multiple of 60', async () => {
      const counters = await make();
      const scope = userScope();
      const rule: WindowRule = { key: '*', limit: 1, windowMs: 7 };
      expect((await counters.tryCount(scope, [rule], T0)).admitted).toBe(true);
      expect((await counters.tryCount(scope, [rule], T0 + 7)).admitted).toBe(false);
      expect((await counters.tryCount(scope, [rule], T0 + 8)).admitted).toBe(true);
      const odd: WindowRule = { key: 'odd', limit: 1, windowMs: 61 };
      expect((await counters.tryCount(scope, [odd], T0)).admitted).toBe(true);
      expect((await counters.tryCount(scope, [odd], T0 + 62)).admitted).toBe(false);
      expect((await counters.tryCount(scope, [odd], T0 + 63)).admitted).toBe(true);
    });

    it('counts in a day-long window with a limit in the millions', async () => {
      const counters = await make();
      const scope = userScope();
      const day: WindowRule = { key: '*', limit: 3_000_000, windowMs: 86_400_000 };
      const results: CountResult[] = [];
      for (let i = 0; i < 200; i++) results.push(await counters.tryCount(scope, [day], T0 + i * 432_000));
      expect(admittedCount(results)).toBe(200);
      expect(await counters.peek(scope, [day], T0 + 86_400_000)).toStrictEqual([200]);
    });

    it('adds counts made elsewhere, takes some back, and answers the totals the next count sees', async () => {
      const counters = await make();
      const scope = userScope();
      const bucketAt = (at: number) => planCounters(scope, [minute], at)[0].bucket;
      expect((await counters.tryCount(scope, [minute], T0)).admitted).toBe(true);
      // Three more at T0 + 10 s, one taken back from T0, and one from a bucket long gone (ignored).
      const deltas = [[{ bucket: bucketAt(T0 + 10_000), n: 3 }, { bucket: bucketAt(T0), n: -1 }, { bucket: bucketAt(T0 - 600_000), n: 7 }]];
      expect(await counters.addCounts(scope, [minute], T0 + 10_000, deltas)).toStrictEqual([3]);
      expect(await counters.peek(scope, [minute], T0 + 10_000)).toStrictEqual([3]);
      // Taking back more than a bucket holds leaves it empty, not negative.
      expect(await counters.addCounts(scope, [minute], T0 + 10_000, [[{ bucket: bucketAt(T0), n: -5 }]])).toStrictEqual([3]);
      expect(await counters.tryCount(scope, [minute], T0 + 20_000)).toMatchObject({ admitted: true, counts: [4] });
      expect(await counters.tryCount(scope, [minute], T0 + 20_000)).toMatchObject({ admitted: true, counts: [5] });
      expect((await counters.tryCount(scope, [minute], T0 + 20_000)).admitted).toBe(false);
      // The window slides past the added bucket like any other.
      expect(await counters.addCounts(scope, [minute], T0 + 71_000, [[]])).toStrictEqual([2]);
      expect(await counters.addCounts(userScope(), [minute], T0, [[]])).toStrictEqual([0]);
    });

    it('refuses a call that is the caller’s mistake', async () => {
      const counters = await make();
      const rule: WindowRule = { key: '*', limit: 1, windowMs: 60_000 };
      await expect(counters.tryCount('user:{x}', [rule], T0)).rejects.toThrow(RangeError);
      await expect(counters.tryCount('', [rule], T0)).rejects.toThrow(RangeError);
      await expect(counters.tryCount(userScope(), [rule, { ...rule, limit: 5 }], T0)).rejects.toThrow(RangeError);
      await expect(counters.tryCount(userScope(), [{ ...rule, windowMs: 0 }], T0)).rejects.toThrow(RangeError);
      await expect(counters.tryCount(userScope(), [{ ...rule, limit: -1 }], T0)).rejects.toThrow(RangeError);
      await expect(counters.tryCount(userScope(), [rule], Number.NaN)).rejects.toThrow(RangeError);
      await expect(counters.peek('dcc}', [rule], T0)).rejects.toThrow(RangeError);
    });
  });
}
