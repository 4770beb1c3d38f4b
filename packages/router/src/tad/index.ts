import {
  applicableCountRules, parseCountRules, parseValueRules, toWindowRule, valueBreaches,
  type CountRule, type CountRules, type ServiceRequest, type SrvDefinition, type ValueBreach, type ValueRules,
} from '@dccrouter/domain';
import type { BreachKind, StateStore, WindowRule } from '@dccrouter/state';
import type { LocalCountResult, ReconciledCounter } from './reconciled.ts';

const USER_RULES = (userId: string) => `tad-user:${userId}`;
const DCC_RULES = 'tad-dcc';
const VALUE_RULES = 'tad-values';
const CACHE_MS = 1000;
/** A rule set no request asked for in this long is no longer kept fresh (a User gone quiet). */
const UNUSED_MS = 60_000;

export type TadMode = 'enforce' | 'shadow';

interface CachedRules {
  /** When it was read. */
  at: number;
  /** When a request last asked for it. */
  usedAt: number;
  value: unknown;
}

/**
 * The three rule sets, shared through the store; each instance caches them, and `refresh` (a
 * background loop, every half of CACHE_MS) reads again every set in use in one call, so a
 * request finds its sets fresh and reads none itself: an operator's change through another
 * instance applies here within CACHE_MS, and through this one at once. Only a set not cached yet
 * (or left stale by a store outage) is read on the request path.
 */
export class ThresholdRules {
  /** How often `refresh` should run to keep every set in use fresh. */
  static readonly REFRESH_MS = CACHE_MS / 2;

  private readonly cache = new Map<string, CachedRules>();
  /** Reads under way: concurrent requests that find a rule set stale share one read. */
  private readonly reading = new Map<string, Promise<unknown>>();
  private writes = 0;

  constructor(private readonly store: StateStore) {}

  /** The cached rule set when fresh (no promise: the request path asks for three on every request), else a read. */
  private read<T>(name: string): T | Promise<T> {
    const cached = this.cache.get(name);
    const now = Date.now();
    if (cached && now - cached.at < CACHE_MS) {
      cached.usedAt = now;
      return cached.value as T;
    }
    let read = this.reading.get(name);
    if (!read) {
      const writes = this.writes;
      read = this.store.getSetting<T>(name).then((value) => {
        // A put through this instance meanwhile is newer than what was read.
        if (writes === this.writes) this.cache.set(name, { at: Date.now(), usedAt: Date.now(), value: value ?? EMPTY_RULES });
        return value ?? EMPTY_RULES;
      }).finally(() => this.reading.delete(name));
      this.reading.set(name, read);
    }
    return read as Promise<T>;
  }

  /** Reads again, in one call, every rule set a request asked for lately; forgets the others. */
  async refresh(): Promise<void> {
    const now = Date.now();
    for (const [name, cached] of this.cache) if (now - cached.usedAt > UNUSED_MS) this.cache.delete(name);
    const names = [...this.cache.keys()];
    if (names.length === 0) return;
    const writes = this.writes;
    const values = await this.store.getSettings(names);
    // A put through this instance meanwhile is newer than what was read: the next refresh reads it.
    if (writes !== this.writes) return;
    const at = Date.now();
    names.forEach((name, i) => {
      const cached = this.cache.get(name);
      if (!cached) return;
      cached.at = at;
      cached.value = values[i] ?? EMPTY_RULES;
    });
  }

  userRules(userId: string): CountRules | Promise<CountRules> {
    return this.read(USER_RULES(userId));
  }

  dccRules(): CountRules | Promise<CountRules> {
    return this.read(DCC_RULES);
  }

  valueRules(): ValueRules | Promise<ValueRules> {
    return this.read(VALUE_RULES);
  }

  /**
   * A rule set as stored now, not as cached: what an operator or User reads back (contract: "GET
   * returns what is set"), a change through another instance included.
   */
  async stored(kind: 'user' | 'dcc' | 'values', userId?: string): Promise<CountRules | ValueRules> {
    return (await this.store.getSetting<CountRules | ValueRules>(settingName(kind, userId))) ?? EMPTY_RULES;
  }

  /** Validates and stores a rule set; answers the field at fault otherwise. */
  async put(kind: 'user' | 'dcc' | 'values', input: unknown, userId?: string) {
    const parsed = kind === 'values' ? parseValueRules(input) : parseCountRules(input);
    if (!parsed.ok) return parsed;
    const name = settingName(kind, userId);
    await this.store.putSetting(name, parsed.value);
    this.writes++;
    this.cache.set(name, { at: Date.now(), usedAt: Date.now(), value: parsed.value });
    return parsed;
  }
}

/** Where a rule set is kept among the shared settings. */
function settingName(kind: 'user' | 'dcc' | 'values', userId?: string): string {
  return kind === 'values' ? VALUE_RULES : kind === 'dcc' ? DCC_RULES : USER_RULES(userId!);
}

/** No rules: what a set never put reads as (count and value sets alike). */
const EMPTY_RULES = Object.freeze({ rules: Object.freeze([]) }) as unknown as CountRules & ValueRules;

export interface TadMetrics {
  breach(kind: BreachKind, action: string): void;
  usage(scope: 'user' | 'dcc', srv: string, windowSeconds: number, ratio: number): void;
}

/** The User scope's count, taken by the store in the same atomic step that records the request. */
export interface UserCount {
  count: { scope: string; rules: WindowRule[]; at: number; evenInExcess?: boolean };
  /** The rules behind `count.rules`, in the same order: to name a breach and report usage. */
  rules: CountRule[];
}

/** What Threshold Anomaly Detection decided before a request is recorded. */
export type TadPlan =
  /**
   * A request counted even in excess (a SMETS1 one, detected) also carries its User count, taken
   * whatever its limits say, and `undo` for the DCC count.
   */
  | { kind: 'breach'; breach: BreachKind; detail: string; user?: UserCount; undo?: () => void }
  /**
   * `user`: counted with the record (an 'over_limit' answer is a User breach); `undo` takes back
   * the DCC count should the request not be acknowledged or be held back after all.
   */
  | { kind: 'pass'; user?: UserCount; undo?: () => void };

/**
 * Threshold Anomaly Detection on the request path. Value limits are checked on the leg that
 * carries the SRV's body; counts are taken on the leg that completes a device request (a critical
 * pair counts once, at its signed leg). The DCC scope is counted first, in-process; the User
 * scope in the store's acceptance step; so neither costs a round trip of its own. A request in
 * excess that is held back (quarantined) is counted in neither; one that goes on all the same
 * (SMETS1: the DCO only detects a count breach) is counted in both.
 */
export class ThresholdAnomalyDetection {
  constructor(
    readonly rules: ThresholdRules,
    /** The DCC scope, counted in-process and reconciled with the other instances (see ReconciledCounter). */
    private readonly dcc: ReconciledCounter,
    readonly mode: TadMode,
    private readonly metrics: TadMetrics,
  ) {}

  /**
   * Judged without a promise while the rule sets are cached and the DCC counters known (nearly
   * always): a request then pays no turn of the event loop for it.
   */
  plan(request: ServiceRequest, srv: SrvDefinition, carriesBody: boolean, counts: boolean, evenInExcess: boolean, now: number): TadPlan | Promise<TadPlan> {
    const values = carriesBody ? this.rules.valueRules() : undefined;
    if (values instanceof Promise) return values.then((read) => this.planWith(read, request, srv, counts, evenInExcess, now));
    return this.planWith(values, request, srv, counts, evenInExcess, now);
  }

  private planWith(values: ValueRules | undefined, request: ServiceRequest, srv: SrvDefinition, counts: boolean, evenInExcess: boolean, now: number): TadPlan | Promise<TadPlan> {
    if (values) {
      const breach = valueBreaches(values.rules, srv.srv, request.bodyValue);
      if (breach) return { kind: 'breach', breach: 'value', detail: describeValueBreach(breach) };
    }
    if (!counts) return { kind: 'pass' };
    const userId = request.requestId.originatorId;
    const userRules = this.rules.userRules(userId);
    const dccRules = this.rules.dccRules();
    if (userRules instanceof Promise || dccRules instanceof Promise) {
      return Promise.all([userRules, dccRules]).then(([user, dcc]) => this.count(user, dcc, userId, srv, evenInExcess, now));
    }
    return this.count(userRules, dccRules, userId, srv, evenInExcess, now);
  }

  /** The DCC scope counted here; the User scope's count handed to the acceptance step. */
  private count(userRules: CountRules, dccRules: CountRules, userId: string, srv: SrvDefinition, evenInExcess: boolean, now: number): TadPlan | Promise<TadPlan> {
    const userApplicable = applicableCountRules(userRules.rules, srv.srv);
    const dccApplicable = applicableCountRules(dccRules.rules, srv.srv);
    const user = userApplicable.length > 0
      ? { count: { scope: userId, rules: userApplicable.map(toWindowRule), at: now }, rules: userApplicable }
      : undefined;
    if (dccApplicable.length === 0) return { kind: 'pass', user };
    const judged = (dcc: LocalCountResult): TadPlan => {
      this.reportUsage('dcc', dccApplicable, dcc.counts);
      if (dcc.admitted) return { kind: 'pass', user, undo: dcc.undo };
      const breach = { kind: 'breach', breach: 'dcc', detail: describeCountBreach('DCC', dccApplicable[dcc.breached]) } as const;
      // Counted in the DCC scope all the same: the User scope counts it too, whatever its limits.
      return evenInExcess ? { ...breach, user: user && inExcess(user), undo: dcc.undo } : breach;
    };
    const dcc = this.dcc.tryCount(dccApplicable.map(toWindowRule), now, evenInExcess);
    return dcc instanceof Promise ? dcc.then(judged) : judged(dcc);
  }

  /** The detail of a User breach the store reported for rule `breached`. */
  userBreach(user: UserCount, breached: number): string {
    return describeCountBreach('User', user.rules[breached]);
  }

  reportUsage(scope: 'user' | 'dcc', rules: readonly CountRule[], counts: readonly number[]): void {
    rules.forEach((rule, i) => this.metrics.usage(scope, rule.srv, rule.windowSeconds, counts[i] / rule.limit));
  }

  reportBreach(kind: BreachKind, action: string): void {
    this.metrics.breach(kind, action);
  }
}

/** The User count of a request that goes on in excess (SMETS1): counted whatever its limits say. */
export function inExcess(user: UserCount): UserCount {
  return { ...user, count: { ...user.count, evenInExcess: true } };
}

function describeValueBreach(breach: ValueBreach): string {
  const { rule, value, reason } = breach;
  const limit = reason === 'below_min' ? `below its minimum ${rule.min}` : reason === 'above_max' ? `above its maximum ${rule.max}` : 'not a number';
  return `${rule.field} = ${JSON.stringify(value)} is ${limit}`;
}

function describeCountBreach(scope: string, rule: { srv: string; limit: number; windowSeconds: number }): string {
  return `${scope} threshold for ${rule.srv === '*' ? 'all SRVs' : `SRV ${rule.srv}`} exceeded: more than ${rule.limit} in ${rule.windowSeconds} s`;
}
