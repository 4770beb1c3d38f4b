// Several router processes on one port (ROUTER_PROCESSES): the primary, started by `npm start`,
// spawns the others as Bun processes of the same entry point; each binds the port with
// SO_REUSEPORT and the kernel spreads connections over them. They share all state through Redis.
import type { Subprocess } from 'bun';
import type { Logger } from '../log/index.ts';

/** What a spawned process tells the primary over the IPC channel. */
interface ListeningMessage {
  type: 'listening';
  port: number;
}

/** How long a spawned process gets to connect to Redis and listen before the start fails. */
const START_TIMEOUT_MS = 30_000;
/** Delay before replacing a process that died while serving (so a crash loop does not spin). */
const RESPAWN_DELAY_MS = 1_000;

export interface ChildOptions {
  /** Total processes, the primary included. */
  processes: number;
  /** The port the primary bound (so PORT=0 resolves to one port for all). */
  port: number;
  /** Settings the children must share with the primary (e.g. a generated admin token). */
  env: Record<string, string>;
  log: Logger;
}

/** The processes the primary spawned (indexes 1..processes-1). */
export class ChildProcesses {
  private readonly children = new Map<number, Subprocess>();
  private readonly listening = new Set<number>();
  private stopping = false;
  private started = false;
  private startFailed: (error: Error) => void = () => {};
  private allListening: () => void = () => {};
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
        GRPC_PORT: 'off',
        // The primary has already seeded the shared store.
        SEED_DEMO: 'false',
      },
      // Logs go to the primary's stdout/stderr; the IPC channel carries readiness and, by closing,
      // tells the child that the primary is gone.
      stdio: ['ignore', 'inherit', 'inherit'],
      ipc: (message: ListeningMessage) => {
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
  process.send!({ type: 'listening', port } satisfies ListeningMessage);
}

/**
 * In a spawned process: calls back once the primary is gone (its IPC channel closes, also when it
 * was SIGKILLed), so no child outlives it. Throws when there is no primary (the index set by hand).
 */
export function onPrimaryGone(callback: () => void): void {
  if (typeof process.send !== 'function') throw new Error('ROUTER_PROCESS_INDEX is set by the primary router process only');
  process.once('disconnect', callback);
}
