// Several router processes on one port (ROUTER_PROCESSES): the primary, started by `npm start`,
// spawns the others as Bun processes of the same entry point; each binds the port with
// SO_REUSEPORT and the kernel spreads connections over them. They share all state through Redis.
import type { Subprocess } from 'bun';
import type { Logger } from '../log/index.ts';
import { aggregatedRegistry, aggregatedText, isCounted, type ProcessMetrics } from '../metrics/index.ts';

/**
 * What the processes tell each other over the IPC channel: a spawned process that it listens;
 * `metrics?` asks for metrics (the primary asks a process for its own, a process asks the primary
 * for every process's, summed), answered by `metrics` and `metrics:all`.
 */
type ClusterMessage =
  | { type: 'listening'; port: number }
  | { type: 'metrics?'; id: string }
  | { type: 'metrics'; id: string; metrics: ProcessMetrics }
  | { type: 'metrics:all'; id: string; text?: string; error?: string };

/** How long the primary waits for a process's metrics before leaving them out of a scrape. */
const METRICS_WAIT_MS = 1_000;

/** How long a spawned process gets to connect to Redis and listen before the start fails. */
const START_TIMEOUT_MS = 30_000;
/** Delay before replacing a process that died while serving (so a crash loop does not spin). */
const RESPAWN_DELAY_MS = 1_000;
/** Exited children's counts kept apart before they are summed into one. */
const RETIRED_KEPT = 8;

export interface ChildOptions {
  /** Total processes, the primary included. */
  processes: number;
  /** The port the primary bound (so PORT=0 resolves to one port for all). */
  port: number;
  /** Settings the children must share with the primary (e.g. a generated admin token). */
  env: Record<string, string>;
  log: Logger;
  /** The primary's own metrics, summed with the others' at each scrape. */
  ownMetrics: () => Promise<ProcessMetrics>;
}

/** The processes the primary spawned (indexes 1..processes-1). */
export class ChildProcesses {
  private readonly children = new Map<number, Subprocess>();
  private readonly listening = new Set<number>();
  private stopping = false;
  private started = false;
  private startFailed: (error: Error) => void = () => {};
  private allListening: () => void = () => {};
  private metricsAsked = 0;
  /** Scrapes waiting for a process's metrics, by scrape and process. */
  private readonly metricsWaiting = new Map<string, (metrics: ProcessMetrics | undefined) => void>();
  /** Each child's counters and histograms as its last answered scrape gave them. */
  private readonly lastCounted = new Map<number, ProcessMetrics>();
  /**
   * What children that exited had counted, by their last answered scrape: still in every sum, so
   * a child's death (its replacement counting afresh) never makes a counter seem to go back,
   * which Prometheus would read as a reset and count the survivors' whole history again.
   */
  private retired: ProcessMetrics[] = [];
  /** Resolves once every child listens; rejects when one exits first or takes too long. */
  readonly ready: Promise<void>;

  constructor(private readonly options: ChildOptions) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.allListening = resolve;
      this.startFailed = reject;
    });
    const timer = setTimeout(() => this.startFailed(new Error(`router processes not listening after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    this.ready.then(() => clearTimeout(timer), () => clearTimeout(timer));
    for (let index = 1; index < options.processes; index++) this.spawn(index);
  }

  get pids(): number[] {
    return [...this.children.values()].map((child) => child.pid);
  }

  private spawn(index: number): void {
    const { log } = this.options;
    const child = Bun.spawn([process.execPath, Bun.main], {
      env: {
        ...process.env,
        ...this.options.env,
        PORT: String(this.options.port),
        ROUTER_PROCESSES: String(this.options.processes),
        ROUTER_PROCESS_INDEX: String(index),
        // gRPC stays on the primary: @grpc/grpc-js cannot share a port between processes (no SO_REUSEPORT).
        // Its TLS files with it: a child given them without a gRPC server refuses to start.
        GRPC_PORT: 'off',
        GRPC_TLS_CERT_FILE: '',
        GRPC_TLS_KEY_FILE: '',
        // The primary has already seeded the shared store.
        SEED_DEMO: 'false',
      },
      // Logs go to the primary's stdout/stderr; the IPC channel carries readiness and, by closing,
      // tells the child that the primary is gone.
      stdio: ['ignore', 'inherit', 'inherit'],
      ipc: (message: ClusterMessage) => {
        if (message?.type === 'metrics') {
          this.metricsWaiting.get(`${message.id}:${index}`)?.(message.metrics);
          return;
        }
        if (message?.type === 'metrics?') {
          // A scrape that reached this process: every process's metrics, summed. The asker may
          // have exited meanwhile: an answer nobody can take is dropped, never thrown.
          const answer = (reply: ClusterMessage) => {
            if (this.children.get(index) !== child || child.exitCode !== null) return;
            try {
              child.send(reply);
            } catch {
              // Its channel closed as it exited.
            }
          };
          this.allMetrics().then(
            (text) => answer({ type: 'metrics:all', id: message.id, text }),
            (error: Error) => answer({ type: 'metrics:all', id: message.id, error: error.message }),
          );
          return;
        }
        if (message?.type !== 'listening') return;
        this.listening.add(index);
        if (this.started) log.info({ index, pid: child.pid }, 'router process replaced');
        else if (this.listening.size === this.options.processes - 1) {
          this.started = true;
          this.allListening();
        }
      },
      onExit: (_process, code, signal) => {
        if (this.children.get(index) !== child) return;
        this.children.delete(index);
        this.listening.delete(index);
        const counted = this.lastCounted.get(index);
        this.lastCounted.delete(index);
        if (counted) this.retired.push(counted);
        // A scrape waiting for its metrics goes on without them at once.
        for (const [key, done] of this.metricsWaiting) if (key.endsWith(`:${index}`)) done(undefined);
        if (this.stopping) return;
        if (!this.started) {
          this.startFailed(new Error(`router process ${index} exited while starting (code ${code}, signal ${signal})`));
          return;
        }
        // Still serving: the others carry the load meanwhile; bring the count back.
        log.error({ index, code, signal }, 'router process exited unexpectedly; starting it again');
        setTimeout(() => { if (!this.stopping) this.spawn(index); }, RESPAWN_DELAY_MS);
      },
    });
    this.children.set(index, child);
  }

  /**
   * Every process's metrics as one text, counters summed: a scrape reaches any process through
   * the shared port. Only listening processes are asked; one that exits meanwhile is left out (a
   * replacement starts its counters afresh anyway), one that does not answer within a second
   * fails the scrape, since a sum without it would read as counters reset.
   */
  async allMetrics(): Promise<string> {
    const id = String(++this.metricsAsked);
    const asked = [...this.children.entries()].filter(([index]) => this.listening.has(index));
    const others = asked.map(([index, child]) => new Promise<{ index: number; child: typeof child; metrics: ProcessMetrics | undefined }>((resolve, reject) => {
      const key = `${id}:${index}`;
      const timer = setTimeout(() => {
        this.metricsWaiting.delete(key);
        reject(new Error(`router process ${index} did not give its metrics within ${METRICS_WAIT_MS} ms`));
      }, METRICS_WAIT_MS);
      const done = (metrics: ProcessMetrics | undefined) => {
        clearTimeout(timer);
        this.metricsWaiting.delete(key);
        if (metrics && this.children.get(index) === child) this.lastCounted.set(index, metrics.filter(isCounted));
        resolve({ index, child, metrics });
      };
      this.metricsWaiting.set(key, done);
      try {
        child.send({ type: 'metrics?', id } satisfies ClusterMessage);
      } catch {
        done(undefined);
      }
    }));
    const [own, ...answers] = await Promise.all([this.options.ownMetrics(), ...others]);
    // Retired children's counts in one (summed) once there are several: bounded however many die.
    if (this.retired.length > RETIRED_KEPT) this.retired = [await aggregatedRegistry(this.retired).getMetricsAsJSON() as ProcessMetrics];
    // A child that answered and then exited before the sum is among the retired now, with that very
    // answer (onExit): counted there, not twice (the next scrape's lower sum would read as a reset).
    const current = answers.filter(({ index, child, metrics }) => metrics !== undefined && this.children.get(index) === child).map(({ metrics }) => metrics!);
    return aggregatedText([own, ...current, ...this.retired]);
  }

  /** Sends every child the signal (they drain as the primary does) and stops replacing them. */
  signal(signal: NodeJS.Signals): void {
    this.stopping = true;
    for (const child of this.children.values()) child.kill(signal);
  }

  /** Waits for every child to exit; after timeoutMs kills what is left. True when all exited by themselves. */
  async exited(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    const all = Promise.all([...this.children.values()].map((child) => child.exited));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([all.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!inTime) {
      this.options.log.error({ pids: this.pids }, 'router processes did not stop in time; killing them');
      for (const child of this.children.values()) child.kill('SIGKILL');
      await all;
    }
    return inTime;
  }
}

/** In a spawned process: tells the primary this process listens. */
export function reportListening(port: number): void {
  process.send!({ type: 'listening', port } satisfies ClusterMessage);
}

/**
 * In a spawned process: answers the primary's requests for this process's metrics, and gives the
 * text a scrape of this process serves, every process's metrics summed by the primary. A scrape
 * the primary cannot answer fails (Prometheus records it as failed) rather than show this
 * process's totals alone, which would read as counters reset.
 */
export function metricsThroughPrimary(ownMetrics: () => Promise<ProcessMetrics>): () => Promise<string> {
  const waiting = new Map<string, (answer: Extract<ClusterMessage, { type: 'metrics:all' }>) => void>();
  let asked = 0;
  // Sent only while the primary's channel is open: sending on a closed one throws, uncaught, and
  // this process may still be answering its requests after the primary went.
  const send = (message: ClusterMessage): boolean => {
    if (!process.connected) return false;
    try {
      process.send!(message);
      return true;
    } catch {
      return false;
    }
  };
  process.on('message', (message: ClusterMessage) => {
    if (message?.type === 'metrics?') void ownMetrics().then((metrics) => send({ type: 'metrics', id: message.id, metrics }), () => undefined);
    else if (message?.type === 'metrics:all') waiting.get(message.id)?.(message);
  });
  return () => new Promise<string>((resolve, reject) => {
    const id = String(++asked);
    if (!process.connected) {
      reject(new Error('metrics of every router process: the primary router process is gone'));
      return;
    }
    const timer = setTimeout(() => answered({ type: 'metrics:all', id, error: 'the primary router process did not answer in time' }), METRICS_WAIT_MS * 2);
    const answered = (answer: Extract<ClusterMessage, { type: 'metrics:all' }>) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (answer.text === undefined) reject(new Error(`metrics of every router process: ${answer.error}`));
      else resolve(answer.text);
    };
    waiting.set(id, answered);
    if (!send({ type: 'metrics?', id })) answered({ type: 'metrics:all', id, error: 'the primary router process is gone' });
  });
}

/**
 * In a spawned process: calls back once the primary is gone (its IPC channel closes, also when it
 * was SIGKILLed), so no child outlives it. Throws when there is no primary (the index set by hand).
 */
export function onPrimaryGone(callback: () => void): void {
  if (typeof process.send !== 'function') throw new Error('ROUTER_PROCESS_INDEX is set by the primary router process only');
  process.once('disconnect', callback);
}
