import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartitionBatcher } from './batcher.ts';

/** A `run` whose calls the test answers itself, one by one. */
function controlledRun() {
  const calls: { tag: string; items: number[]; answer: () => void; fail: (error: Error) => void }[] = [];
  const run = (tag: string, items: number[]) => new Promise<number[]>((resolve, reject) => {
    calls.push({ tag, items, answer: () => resolve(items.map((n) => n * 10)), fail: reject });
  });
  return { calls, run };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('PartitionBatcher, group commit (no gather time)', () => {
  it('sends the calls of one turn as one command at the end of that turn, each answered in order', async () => {
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run);
    const answers = [1, 2, 3].map((n) => batcher.add('*', n));
    expect(calls).toHaveLength(0);
    await nextTurn();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    calls[0].answer();
    expect(await Promise.all(answers)).toEqual([10, 20, 30]);
  });

  it('lets a second small call go while one is in flight, then gathers the rest until one returns', async () => {
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run);
    const first = batcher.add('*', 1);
    await nextTurn();
    const second = batcher.add('*', 2);
    await nextTurn();
    // Light load: one request does not wait a whole round trip for the call before it.
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    const rest = [3, 4, 5].map((n) => batcher.add('*', n));
    await nextTurn();
    await nextTurn();
    expect(calls).toHaveLength(2);
    calls[0].answer();
    expect(await first).toBe(10);
    await nextTurn();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5]]);
    calls[1].answer();
    calls[2].answer();
    expect(await second).toBe(20);
    expect(await Promise.all(rest)).toEqual([30, 40, 50]);
  });

  it('once calls are large (a heavy load), lets the next gather for a millisecond, in flight or not', async () => {
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run);
    const large = Array.from({ length: 8 }, (_, n) => batcher.add('*', n));
    await nextTurn();
    const later = [100, 101].map((n) => batcher.add('*', n));
    expect(calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls.map((c) => c.items)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [100, 101]]);
    calls[0].answer();
    calls[1].answer();
    await Promise.all(large);
    expect(await Promise.all(later)).toEqual([1000, 1010]);
    // Small again: the next call goes at the end of its turn.
    const lone = batcher.add('*', 9);
    await nextTurn();
    expect(calls).toHaveLength(3);
    calls[2].answer();
    expect(await lone).toBe(90);
  });

  it('runs groups apart: a busy partition does not hold back another', async () => {
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run);
    Array.from({ length: 8 }, (_, n) => batcher.add('{1}', n));
    await nextTurn();
    const other = batcher.add('{2}', 7);
    await nextTurn();
    expect(calls.map((c) => [c.tag, c.items.length])).toEqual([['{1}', 8], ['{2}', 1]]);
    calls[1].answer();
    expect(await other).toBe(70);
  });

  it('sends a full batch at once, without waiting for the turn to end', () => {
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run, { maxItems: 3 });
    [1, 2, 3, 4].forEach((n) => void batcher.add('*', n));
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
  });

  it('fails every call of a failed command, and the next command goes as usual', async () => {
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run);
    const failed = [1, 2].map((n) => batcher.add('*', n).catch((error: Error) => error.message));
    await nextTurn();
    calls[0].fail(new Error('connection lost'));
    expect(await Promise.all(failed)).toEqual(['connection lost', 'connection lost']);
    const next = batcher.add('*', 3);
    await nextTurn();
    calls[1].answer();
    expect(await next).toBe(30);
  });
});

describe('PartitionBatcher with a gather time', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds the first call for the gather time and sends everything gathered by then as one command', async () => {
    vi.useFakeTimers();
    const { calls, run } = controlledRun();
    const batcher = new PartitionBatcher(run, { gatherMs: 10 });
    const first = batcher.add('*', 1);
    await vi.advanceTimersByTimeAsync(9);
    const second = batcher.add('*', 2);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    calls[0].answer();
    expect(await Promise.all([first, second])).toEqual([10, 20]);
  });
});
