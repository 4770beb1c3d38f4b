/**
 * The share of a wait added at random: clients refused together (a router shedding load answers
 * many 503s with the same Retry-After at once) come back spread over a quarter of the wait rather
 * than all in the same millisecond, which would be refused again together.
 */
export const RETRY_JITTER = 0.25;

/**
 * How long to wait before resubmission `attempt` (from 0): at least what the router asked
 * (Retry-After, RetryInfo, retry_after_ms), or else `baseMs` doubled with each attempt, plus up
 * to RETRY_JITTER of that drawn at random. Never less than asked: the router's ask is a floor.
 */
export function retryWait(attempt: number, baseMs: number, askedMs?: number, random: () => number = Math.random): number {
  const floor = askedMs !== undefined && askedMs > 0 ? askedMs : baseMs * 2 ** attempt;
  // A timer given more than it can hold fires at once: the longest wait is the longest it can keep.
  return Math.min(floor * (1 + RETRY_JITTER * random()), TIMER_MAX_MS);
}

/** The longest delay a timer (setTimeout, AbortSignal.timeout) keeps: 2^31 - 1 ms. */
export const TIMER_MAX_MS = 2_147_483_647;
