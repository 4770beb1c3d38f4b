import { describe, expect, it } from 'vitest';
import { RETRY_JITTER, retryWait } from './backoff.ts';

describe('retryWait', () => {
  it('waits what the router asked, up to a quarter more, whatever the attempt', () => {
    expect(retryWait(0, 200, 1000, () => 0)).toBe(1000);
    expect(retryWait(3, 200, 1000, () => 0.999)).toBeCloseTo(1000 * (1 + RETRY_JITTER * 0.999));
    expect(retryWait(3, 200, 1000, () => 0.5)).toBe(1125);
  });

  it('doubles the base with each attempt when the router asked for nothing', () => {
    expect([0, 1, 2, 3].map((attempt) => retryWait(attempt, 200, undefined, () => 0))).toEqual([200, 400, 800, 1600]);
    expect(retryWait(2, 200, 0, () => 1)).toBe(800 * (1 + RETRY_JITTER));
  });

  it('spreads clients refused together over the jitter instead of bringing them back at once', () => {
    const waits = Array.from({ length: 1000 }, () => retryWait(0, 200, 1000));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000 * (1 + RETRY_JITTER));
    // Not one instant: spread over most of the quarter.
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(200);
    expect(new Set(waits.map((wait) => Math.floor(wait / 25))).size).toBeGreaterThanOrEqual(9);
  });
});
