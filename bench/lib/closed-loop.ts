// Closed-loop load with autocannon (programmatic): a fixed number of keep-alive connections, each
// sending its next request as soon as the previous one is answered. This finds the most the
// target can answer, but understates latency under overload (a slow answer delays the next send),
// which is why the open-loop generator exists beside it.
import autocannon from 'autocannon';
import { round } from './stats.ts';

export interface LoadItem {
  body: Buffer;
  headers: Record<string, string>;
}

/** Two requests sent in order on one connection (a tariff's CV 4 then CV 5, or two independent ones). */
export type LoadUnit<T extends LoadItem = LoadItem> = readonly [T, T];

export interface ClosedLoopOptions<T extends LoadItem> {
  url: string;
  path: string;
  connections: number;
  /** How many units to send at most (each unit is two HTTP requests). */
  units: number;
  unitAt(index: number): LoadUnit<T>;
  /** The run stops here even if units remain. */
  maxSeconds: number;
  /** Judges one answer; returns what was wrong, or undefined. */
  check?(item: T, status: number, body: string): string | undefined;
  /** Requests carried by one HTTP request (a batch's size), for the request rate. */
  itemsPerRequest?: number;
}

export interface ClosedLoopResult {
  connections: number;
  /** HTTP requests answered, whatever the status: the rates count them all, so read them beside `unexpected`. */
  answered: number;
  seconds: number;
  /** HTTP requests answered per second. */
  httpPerSecond: number;
  /** Service Requests per second (HTTP rate times items per request). */
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  unexpected: number;
  unexpectedSamples: string[];
  errors: number;
  timeouts: number;
}

interface Context {
  unit?: LoadUnit<LoadItem>;
}

/**
 * Sends units in order over `connections` connections; each connection alternates between a
 * unit's first and second request, so a unit's two requests always share a connection and go in
 * order. The request count is a multiple of twice the connections, so no connection stops
 * between a unit's two requests.
 */
export async function runClosedLoop<T extends LoadItem>(options: ClosedLoopOptions<T>): Promise<ClosedLoopResult> {
  const connections = Math.max(1, Math.min(options.connections, options.units));
  const units = Math.max(connections, Math.floor(options.units / connections) * connections);
  const statuses: Record<string, number> = {};
  const unexpectedSamples: string[] = [];
  let unexpected = 0;
  let answered = 0;
  let lastAnswerAt = 0;
  let next = 0;
  let finish = () => {};
  const judge = (item: T | undefined, status: number, body: string) => {
    answered++;
    lastAnswerAt = performance.now();
    if (answered === units * 2) finish();
    statuses[status] = (statuses[status] ?? 0) + 1;
    const problem = item && options.check ? options.check(item, status, body) : undefined;
    if (problem) {
      unexpected++;
      if (unexpectedSamples.length < 5) unexpectedSamples.push(problem);
    }
  };
  const slot = (position: 0 | 1) => ({
    method: 'POST' as const,
    path: options.path,
    setupRequest: (request: any, context: Context) => {
      if (position === 0) context.unit = options.unitAt(next++);
      const item = context.unit![position];
      return { ...request, body: item.body, headers: item.headers };
    },
    onResponse: (status: number, body: string, context: Context) => judge(context.unit?.[position] as T | undefined, status, body),
  });
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: options.url,
      connections,
      amount: units * 2,
      // A request unanswered this long counts as a timeout (the connection is then reset).
      timeout: 30,
      // autocannon notices a stop only on its sampling tick (1 s by default): check often.
      sampleInt: 50,
      requests: [slot(0), slot(1)] as any,
    }, (error, output) => (error ? reject(error) : resolve(output)));
    const limit = setTimeout(() => instance.stop(), options.maxSeconds * 1000);
    finish = () => setImmediate(() => instance.stop());
    instance.on('done', () => clearTimeout(limit));
  });
  // Timed to the last answer: autocannon's own duration runs on to its next sampling tick.
  const seconds = ((lastAnswerAt || performance.now()) - started) / 1000;
  const items = options.itemsPerRequest ?? 1;
  return {
    connections,
    answered,
    seconds: round(seconds),
    httpPerSecond: round(answered / seconds),
    perSecond: round((answered * items) / seconds),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statuses,
    unexpected,
    unexpectedSamples,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
