import type { RedisClient } from '../redis/connection/index.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../redis/base.ts';
import { observedCall, type CallObserver } from '../redis/observed-call.ts';
import { callNames } from '../redis/call-names.ts';
import { SCRIPTS } from '../redis/scripts.ts';
import { redisCallFailed } from '../store/index.ts';
import { EXPIRY_SLACK_MS, planCounters, type BucketDelta, type CountResult, type WindowCounters, type WindowRule } from './index.ts';

// Each counter is one hash (layout in ../redis/scripts/count-window.lua). The window arithmetic
// (floor, bucket) is done by the caller with the domain's functions; the scripts only keep the books.

type CounterScript = 'tryCount' | 'peekCounts';
/** How long an addCounts call's mark is kept: past any resend by the client library, which comes with its first reconnection. */
const ADDED_MARK_MS = 60_000;
type ScriptedRedis = RedisClient & Record<string, (...args: (string | number)[]) => Promise<number[]>>;

/**
 * Window counters shared by every router instance, one Lua script per call. The connection is
 * the caller's (the RedisStore's, with its fail-fast options); failures become StateUnavailableError.
 */
export class RedisCounters implements WindowCounters {
  private readonly redis: ScriptedRedis;
  private readonly callIds = callNames();

  constructor(
    redis: RedisClient,
    private readonly keyPrefix: string,
    /** Told of each call, as the store's own calls are; each call's time limit (the store's, 2000 ms unless told). */
    private readonly options: CallObserver & { commandTimeoutMs?: number } = {},
  ) {
    // A brace in the prefix would become the hash tag instead of the scope.
    if (/[{}]/.test(keyPrefix)) throw new RangeError(`key prefix must not contain braces: ${keyPrefix}`);
    this.redis = redis as ScriptedRedis;
    // Every command defined now, not on first use: a command defined while an automatic pipeline
    // is already gathering is missing from that pipeline, and ioredis then fails the whole turn.
    // One key each: ioredis copies every defined command onto each pipeline it makes (one per
    // turn with commands), so a command per number of keys cost the request path about 5% of the
    // main thread. A Redis Cluster client routes a command by its first argument, which must then
    // be a key: the first counter routes, and the scripts find all counters (one slot) in ARGV.
    for (const name of ['tryCount', 'addCounts', 'peekCounts'] as const) {
      this.redis.defineCommand(`tad_${name}`, { numberOfKeys: 1, lua: SCRIPTS[name] });
    }
  }

  private script(name: CounterScript, counters: readonly string[], args: readonly (string | number)[]): Promise<number[]> {
    return this.redis[`tad_${name}`](counters[0], counters.length, ...counters, ...args);
  }

  async tryCount(scope: string, rules: readonly WindowRule[], at: number): Promise<CountResult> {
    const plans = planCounters(scope, rules, at);
    if (plans.length === 0) return { admitted: true, counts: [] };
    const args = plans.flatMap((plan) => [
      plan.limit, plan.floor, plan.bucket, plan.geometry.span, plan.geometry.windowMs + plan.geometry.bucketMs + EXPIRY_SLACK_MS,
    ]);
    const reply = await this.call('TAD count', () =>
      this.script('tryCount', plans.map((plan) => this.keyPrefix + plan.counter), args));
    const counts = reply.slice(2);
    return reply[0] === 1 ? { admitted: true, counts } : { admitted: false, counts, breached: reply[1] };
  }

  async peek(scope: string, rules: readonly WindowRule[], at: number): Promise<number[]> {
    const plans = planCounters(scope, rules, at);
    if (plans.length === 0) return [];
    return this.call('TAD peek', () => this.script('peekCounts',
      plans.map((plan) => this.keyPrefix + plan.counter), plans.flatMap((plan) => [plan.floor, plan.geometry.span])));
  }

  async addCounts(scope: string, rules: readonly WindowRule[], at: number, deltas: readonly (readonly BucketDelta[])[]): Promise<number[]> {
    const plans = planCounters(scope, rules, at);
    if (plans.length === 0) return [];
    const args = plans.flatMap((plan, i) => [
      plan.floor, plan.geometry.span, plan.geometry.windowMs + plan.geometry.bucketMs + EXPIRY_SLACK_MS, deltas[i]?.length ?? 0,
      ...(deltas[i] ?? []).flatMap((delta) => [delta.bucket, delta.n]),
    ]);
    const counters = plans.map((plan) => this.keyPrefix + plan.counter);
    // Named in the counters' slot: a resend of this call (its reply lost) finds it and adds nothing
    // again. A call with nothing to add only reads the totals, and leaves no mark: an idle router
    // reconciles ten times a second, and each mark is kept a minute.
    const adding = deltas.some((delta) => delta.length > 0);
    const mark = adding ? `${this.keyPrefix}tad:{${scope}}:added:${this.callIds.next()}` : '';
    return this.call('TAD add counts', () => this.redis.tad_addCounts(counters[0], mark, ADDED_MARK_MS, counters.length, ...counters, ...args));
  }

  /**
   * The connection is the caller's, its own limit unknown (and a cluster client's queued command
   * has none until it is sent): the store's limit is kept here.
   */
  private async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await observedCall(this.options, what, command, this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    } catch (cause) {
      throw redisCallFailed(`Redis ${what} failed: ${(cause as Error).message}`, cause);
    }
  }
}
