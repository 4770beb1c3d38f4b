import {
  applicableCountRules, parseCountRules, parseValueRules, toWindowRule, valueBreaches,
  type CountRules, type ServiceRequest, type SrvDefinition, type ValueBreach, type ValueRules,
} from '@dccrouter/domain';
import type { BreachKind, StateStore, WindowCounters, WindowRule } from '@dccrouter/state';

const USER_RULES = (userId: string) => `tad-user:${userId}`;
const DCC_RULES = 'tad-dcc';
const VALUE_RULES = 'tad-values';
const CACHE_MS = 1000;

export type TadMode = 'enforce' | 'shadow';

/** What Threshold Anomaly Detection decided for one request about to be acknowledged. */
export type TadVerdict =
  /** `undo` takes the request's counts back, should it not be acknowledged after all. */
  | { kind: 'pass'; undo?: () => Promise<void> }
  | { kind: 'breach'; breach: BreachKind; detail: string };

/**
 * The three rule sets, shared through the store; each instance caches them for a second so the
 * request path does not read them every time (a change through this instance applies at once).
 */
export class ThresholdRules {
  private readonly cache = new Map<string, { at: number; value: unknown }>();

  constructor(private readonly store: StateStore) {}

  private async read<T>(name: string, empty: T): Promise<T> {
    const cached = this.cache.get(name);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.value as T;
    const value = (await this.store.getSetting<T>(name)) ?? empty;
    this.cache.set(name, { at: Date.now(), value });
    return value;
  }

  userRules(userId: string): Promise<CountRules> {
    return this.read(USER_RULES(userId), { rules: [] });
  }

  dccRules(): Promise<CountRules> {
    return this.read(DCC_RULES, { rules: [] });
  }

  valueRules(): Promise<ValueRules> {
    return this.read(VALUE_RULES, { rules: [] });
  }

  /** Validates and stores a rule set; answers the field at fault otherwise. */
  async put(kind: 'user' | 'dcc' | 'values', input: unknown, userId?: string) {
    const parsed = kind === 'values' ? parseValueRules(input) : parseCountRules(input);
    if (!parsed.ok) return parsed;
    const name = kind === 'values' ? VALUE_RULES : kind === 'dcc' ? DCC_RULES : USER_RULES(userId!);
    await this.store.putSetting(name, parsed.value);
    this.cache.set(name, { at: Date.now(), value: parsed.value });
    return parsed;
  }
}

export interface TadMetrics {
  breach(kind: BreachKind, action: string): void;
  usage(scope: 'user' | 'dcc', srv: string, windowSeconds: number, ratio: number): void;
}

/**
 * Threshold Anomaly Detection on the request path. Value limits are checked on the leg that
 * carries the SRV's body; counts are taken on the leg that completes a device request (a critical
 * pair counts once, at its signed leg). A request in excess is not counted.
 */
export class ThresholdAnomalyDetection {
  constructor(
    readonly rules: ThresholdRules,
    private readonly counters: WindowCounters,
    readonly mode: TadMode,
    private readonly metrics: TadMetrics,
  ) {}

  async judge(request: ServiceRequest, srv: SrvDefinition, carriesBody: boolean, counts: boolean, now: number): Promise<TadVerdict> {
    if (carriesBody) {
      const breach = valueBreaches((await this.rules.valueRules()).rules, srv.srv, request.bodyValue);
      if (breach) return { kind: 'breach', breach: 'value', detail: describeValueBreach(breach) };
    }
    if (!counts) return { kind: 'pass' };
    const userId = request.requestId.originatorId;
    const [userRules, dccRules] = await Promise.all([this.rules.userRules(userId), this.rules.dccRules()]);
    const userApplicable = applicableCountRules(userRules.rules, srv.srv);
    const dccApplicable = applicableCountRules(dccRules.rules, srv.srv);
    const userWindows = userApplicable.map(toWindowRule);
    const dccWindows = dccApplicable.map(toWindowRule);

    // Both scopes are counted at once (one round trip); a scope that admitted a request the other
    // refused takes it back, since requests in excess do not count. Meanwhile another request may
    // see that count: the error only ever errs towards holding requests back.
    const [user, dcc] = await Promise.all([
      userWindows.length > 0 ? this.counters.tryCount(`user:${userId}`, userWindows, now) : undefined,
      dccWindows.length > 0 ? this.counters.tryCount('dcc', dccWindows, now) : undefined,
    ]);
    if (user) this.report('user', userApplicable, userWindows, user.counts);
    if (dcc) this.report('dcc', dccApplicable, dccWindows, dcc.counts);
    const undos: (() => Promise<void>)[] = [];
    if (user?.admitted) undos.push(() => this.counters.undo(user.undo));
    if (dcc?.admitted) undos.push(() => this.counters.undo(dcc.undo));
    const refused = user && !user.admitted
      ? { breach: 'user' as const, detail: describeCountBreach('User', userApplicable[user.breached]) }
      : dcc && !dcc.admitted ? { breach: 'dcc' as const, detail: describeCountBreach('DCC', dccApplicable[dcc.breached]) } : undefined;
    if (refused) {
      await Promise.all(undos.map((undo) => undo()));
      return { kind: 'breach', ...refused };
    }
    return { kind: 'pass', undo: undos.length > 0 ? async () => void (await Promise.all(undos.map((undo) => undo()))) : undefined };
  }

  reportBreach(kind: BreachKind, action: string): void {
    this.metrics.breach(kind, action);
  }

  private report(scope: 'user' | 'dcc', rules: { srv: string; windowSeconds: number }[], windows: WindowRule[], counts: number[]): void {
    rules.forEach((rule, i) => this.metrics.usage(scope, rule.srv, rule.windowSeconds, counts[i] / windows[i].limit));
  }
}

function describeValueBreach(breach: ValueBreach): string {
  const { rule, value, reason } = breach;
  const limit = reason === 'below_min' ? `below its minimum ${rule.min}` : reason === 'above_max' ? `above its maximum ${rule.max}` : 'not a number';
  return `${rule.field} = ${JSON.stringify(value)} is ${limit}`;
}

function describeCountBreach(scope: string, rule: { srv: string; limit: number; windowSeconds: number }): string {
  return `${scope} threshold for ${rule.srv === '*' ? 'all SRVs' : `SRV ${rule.srv}`} exceeded: more than ${rule.limit} in ${rule.windowSeconds} s`;
}
