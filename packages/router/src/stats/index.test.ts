import { describe, expect, it } from 'vitest';
import { serviceStatsSet } from './index.ts';

describe('serviceStatsSet', () => {
  it('names the month a time falls in (UTC), across month and year ends, whichever way time goes', () => {
    const setOf = serviceStatsSet();
    const endOf2026 = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
    expect(setOf(endOf2026)).toBe('service:2026-12');
    expect(setOf(endOf2026 + 1)).toBe('service:2027-01');
    expect(setOf(Date.UTC(2027, 0, 31, 23, 59, 59, 999))).toBe('service:2027-01');
    expect(setOf(Date.UTC(2027, 1, 1))).toBe('service:2027-02');
    // A response stamped earlier (another instance's clock) still counts in its own month.
    expect(setOf(endOf2026)).toBe('service:2026-12');
    expect(setOf(Date.UTC(2028, 1, 29, 12))).toBe('service:2028-02');
  });
});
