// Open-loop load at a fixed arrival rate, with latency corrected for coordinated omission.
//
// Requests arrive on a schedule drawn up before the run (Poisson arrivals at the offered rate,
// from a seeded generator), whatever the target does. Each request's latency is measured from its
// *scheduled* send time, not from when it was actually sent: when the target falls behind, the
// time a request waited to be sent counts, as it would for a real client whose request arrived on
// time. (A closed-loop tool instead waits for an answer before the next send, and so reports
// the latency of the few requests it managed to send.) The service time, from the actual send,
// is kept beside it to show the difference.
//
// Bounded in count (the schedule's length), in requests in flight (`maxOutstanding`, further
// requests wait in the generator, and that wait counts in their latency), and in time (a hard
// deadline after which what is unanswered is aborted and counted as unfinished).
import type { LoadItem } from './closed-loop.ts';
import { round, seededRandom, summarise, type LatencySummary } from './stats.ts';

export interface OpenLoopOptions<T extends LoadItem> {
  url: string;
  path: string;
  /** Offered HTTP requests per second. */
  ratePerSecond: number;
  durationSeconds: number;
  /** Hard cap on the schedule's length. */
  maxRequests: number;
  /** The i-th request, and whether it must wait for the answer to the one before it (a CV 5 leg after its CV 4). */
  itemAt(index: number): { item: T; afterPrevious: boolean };
  check?(item: T, status: number, body: string): string | undefined;
  maxOutstanding: number;
  /** After the schedule's end, how long unanswered requests may take before they are aborted. */
  drainSeconds: number;
  seed: number;
  /** Service Requests carried by one HTTP request (a batch's size). */
  itemsPerRequest?: number;
}

export interface OpenLoopResult {
  /** Offered Service Requests per second. */
  offeredPerSecond: number;
  scheduled: number;
  sent: number;
  answered: number;
  /** Aborted at the deadline, or failed at the socket. */
  unfinished: number;
  /** Answered Service Requests per second over the run (schedule start to last answer). */
  achievedPerSecond: number;
  /** Of those, answered as expected. */
  goodPerSecond: number;
  /** Answers the check found not as expected (503 overloaded among them); requests that failed or were aborted are in `unfinished`. */
  wrong: number;
  latencyMs: LatencySummary;
  serviceTimeMs: LatencySummary;
  /**
   * How late the generator handed requests out against their schedule. Large values with
   * `heldAtCap` 0 mean the generator (CPU-starved on shared cores) was the bottleneck; with
   * `heldAtCap` > 0 the target had so many requests unanswered that new ones had to wait.
   */
  generatorLagMs: { p99: number; max: number };
  /** Requests that waited because `maxOutstanding` requests were unanswered. */
  heldAtCap: number;
  statuses: Record<string, number>;
  unexpected: number;
  unexpectedSamples: string[];
  seconds: number;
}

export async function runOpenLoop<T extends LoadItem>(options: OpenLoopOptions<T>): Promise<OpenLoopResult> {
  const count = Math.max(1, Math.min(options.maxRequests, Math.round(options.ratePerSecond * options.durationSeconds)));
  // Poisson arrivals: exponential gaps with mean 1/rate.
  const random = seededRandom(options.seed);
  const schedule = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    schedule[i] = at;
    at += (-Math.log(1 - random()) / options.ratePerSecond) * 1000;
  }
  const latency = new Float64Array(count).fill(NaN);
  const service = new Float64Array(count).fill(NaN);
  const lag = new Float64Array(count).fill(NaN);
  const statuses: Record<string, number> = {};
  const unexpectedSamples: string[] = [];
  let unexpected = 0;
  let answered = 0;
  let good = 0;
  let failed = 0;
  let sent = 0;
  let heldAtCap = 0;
  let lastCapHit = -Infinity;
  let lastAnswer = 0;
  const abort = new AbortController();
  const target = `${options.url}${options.path}`;
  const start = performance.now() + 20;
  const hardDeadline = start + (schedule[count - 1] + options.drainSeconds * 1000);

  let previous: Promise<void> = Promise.resolve();
  const issue = (index: number): Promise<void> => {
    const { item, afterPrevious } = options.itemAt(index);
    const send = async () => {
      const sentAt = performance.now();
      try {
        const response = await fetch(target, { method: 'POST', headers: item.headers, body: item.body as unknown as BodyInit, signal: abort.signal });
        const body = await response.text();
        const end = performance.now();
        latency[index] = end - (start + schedule[index]);
        service[index] = end - sentAt;
        lastAnswer = Math.max(lastAnswer, end);
        answered++;
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        const problem = options.check?.(item, response.status, body);
        if (problem) {
          unexpected++;
          if (unexpectedSamples.length < 5) unexpectedSamples.push(problem);
        } else good++;
      } catch {
        failed++;
      }
    };
    // A dependent request waits for the one before it; its latency still runs from its schedule.
    return afterPrevious ? previous.then(send) : send();
  };

  await new Promise<void>((resolve) => {
    let next = 0;
    let outstanding = 0;
    const finishIfDone = () => {
      if (outstanding === 0 && next >= count) resolve();
    };
    const tick = () => {
      const now = performance.now();
      if (now > hardDeadline) {
        // Out of time: abort what is in flight and leave the rest of the schedule unsent.
        abort.abort();
        next = count;
        if (outstanding === 0) resolve();
        return;
      }
      while (next < count && start + schedule[next] <= now) {
        if (outstanding >= options.maxOutstanding) {
          lastCapHit = now;
          break;
        }
        const index = next++;
        // Lateness of the generator itself (a dependent request's wait for its predecessor is not counted here).
        lag[index] = now - (start + schedule[index]);
        if (lastCapHit >= start + schedule[index]) heldAtCap++;
        outstanding++;
        sent++;
        previous = issue(index).finally(() => {
          outstanding--;
          finishIfDone();
        });
      }
      if (next < count) setTimeout(tick, 1);
      else if (outstanding > 0) setTimeout(tick, 50);
      else resolve();
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });

  // Requests never answered (aborted, failed, never sent) rank slower than any answered: a p99
  // over the answered alone would flatter a rung that shed its slowest. Max and mean stay the answered ones'.
  const withUnfinishedTail = (answeredOnly: LatencySummary, all: Float64Array): LatencySummary => {
    const tail = summarise(Float64Array.from(all, (value) => (Number.isNaN(value) ? Infinity : value)));
    return { ...answeredOnly, p50: tail.p50, p90: tail.p90, p99: tail.p99 };
  };
  const items = options.itemsPerRequest ?? 1;
  const windowMs = Math.max(schedule[count - 1], lastAnswer - start, 1);
  const finished = (values: Float64Array) => values.filter((v) => !Number.isNaN(v));
  const lags = summarise(finished(lag));
  return {
    offeredPerSecond: round(options.ratePerSecond * items),
    scheduled: count,
    sent,
    answered,
    unfinished: count - answered,
    achievedPerSecond: round((answered * items * 1000) / windowMs),
    goodPerSecond: round((good * items * 1000) / windowMs),
    wrong: answered - good,
    latencyMs: withUnfinishedTail(summarise(finished(latency)), latency),
    serviceTimeMs: summarise(finished(service)),
    generatorLagMs: { p99: lags.p99, max: lags.max },
    heldAtCap,
    statuses,
    unexpected: unexpected + failed,
    unexpectedSamples: failed > 0 && unexpectedSamples.length < 5 ? [...unexpectedSamples, `${failed} requests failed or were aborted`] : unexpectedSamples,
    seconds: round((performance.now() - start) / 1000),
  };
}
