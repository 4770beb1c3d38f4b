import { describe, expect, it } from 'vitest';
import { retryAfterGaps } from './index.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('retryAfterGaps', () => {
  it('tries after each gap until an attempt answers true, a failed attempt counting as false', async () => {
    const tries: number[] = [];
    retryAfterGaps([5, 5, 5, 5, 5], async () => {
      tries.push(tries.length);
      if (tries.length === 1) throw new Error('unreadable');
      return tries.length === 3;
    });
    await settle(100);
    expect(tries).toEqual([0, 1, 2]);
  });

  it('stops when the gaps run out', async () => {
    let tries = 0;
    retryAfterGaps([5, 5], async () => {
      tries++;
      return false;
    });
    await settle(60);
    expect(tries).toBe(2);
  });
});
