import { Piscina } from 'piscina';
import verifyBatch from './verify-worker.mjs';

export interface VerifierOptions {
  /** Worker threads; 0 verifies on the calling thread. */
  threads: number;
  /** Largest micro-batch sent to a worker in one task. */
  batchMax: number;
  /** How long the first signature of a batch waits for others before the batch goes to a worker. */
  lingerMs: number;
  /** Signatures waiting past which a User's signed call is refused (overloaded), as requests are past MAX_INFLIGHT. */
  queueMax?: number;
}

interface Pending {
  pem: string;
  data: Uint8Array;
  signature: Uint8Array;
  resolve: (valid: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * ECDSA verification is the CPU-heavy step of the request path. A hand-off to a worker costs
 * about twice a signature (postMessage and the wake-up, measured under Bun), so signatures are
 * handed over in packed batches: while every worker has its tasks queued they gather, and each
 * finished task lets everything that gathered meanwhile go (up to `batchMax`). Batches grow with
 * the load by themselves. A signature still alone when its turn ends, with every worker idle (a
 * lightly loaded router), is checked here instead: its hand-off would cost this thread nearly
 * what the check does and the worker more again (measured under Bun: 36 µs here and 72 µs in the
 * worker against 48 µs inline), and would double its wait.
 */
export class SignatureVerifier {
  private readonly pool?: Piscina;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private inPool = 0;
  private tasksInPool = 0;
  /** Tasks handed to the pool and the signatures they carried: their ratio is the batch size. */
  handoffs = 0;
  handedOff = 0;
  /** Lone signatures checked on this thread while the workers were idle. */
  verifiedInline = 0;

  constructor(private readonly options: VerifierOptions) {
    if (options.threads > 0) {
      this.pool = new Piscina({
        filename: new URL('./verify-worker.mjs', import.meta.url).href,
        minThreads: options.threads,
        maxThreads: options.threads,
        idleTimeout: 60_000,
        // Idle workers wait on their message port, not in Atomics.wait: waking a thread parked in
        // Atomics.wait cost the main thread about as much as a signature (profiled under Bun).
        atomics: 'disabled',
        // Its run and wait time histograms (two records per task on this thread) are read by nothing here:
        // the router's own metrics count hand-offs and queue depth.
        recordTiming: false,
      });
    }
  }

  /** Signatures waiting for or under verification: the pool's queue depth. */
  get depth(): number {
    return this.pending.length + this.inPool;
  }

  /**
   * As many signatures waiting as a call that takes no place in flight may add to: a User's signed
   * calls (reads, quarantine actions, feeds) check this first, so a burst of them cannot queue
   * checks without bound ahead of the requests.
   */
  get saturated(): boolean {
    return this.options.queueMax !== undefined && this.depth >= this.options.queueMax;
  }

  verify(pem: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ pem, data, signature, resolve, reject });
      if (this.pending.length >= this.options.batchMax) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Let a batch gather: waking a sleeping worker costs more than a signature.
        const go = () => {
          this.flushScheduled = false;
          this.flush(false, true);
        };
        if (this.options.lingerMs > 0 && this.pool) setTimeout(go, this.options.lingerMs);
        else setImmediate(go);
      }
    });
  }

  /**
   * Hands batches to idle workers; with none idle, the signatures wait for the next to finish.
   * `gathered`: the flush at the end of the turn (or linger) the first signature waited for.
   */
  private flush(force = false, gathered = false): void {
    while (this.pending.length > 0 && (force || !this.pool || this.tasksInPool < TASKS_PER_THREAD * this.options.threads)) {
      const batch = this.pending.splice(0, this.options.batchMax);
      const packed = packBatch(batch);
      const lone = this.pool !== undefined && gathered && batch.length === 1 && this.pending.length === 0 && this.tasksInPool === 0;
      if (!this.pool || lone) {
        if (lone) this.verifiedInline++;
        verifyBatch(packed).forEach((valid: number, i: number) => batch[i].resolve(valid === 1));
        continue;
      }
      this.inPool += batch.length;
      this.tasksInPool++;
      this.handoffs++;
      this.handedOff += batch.length;
      this.pool.run(packed, { transferList: [packed.bytes.buffer, packed.ends.buffer, packed.keyIndex.buffer] }).then(
        (results: Uint8Array) => batch.forEach((item, i) => item.resolve(results[i] === 1)),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      ).finally(() => {
        this.inPool -= batch.length;
        this.tasksInPool--;
        this.flush();
      });
    }
  }

  async close(): Promise<void> {
    this.flush(true);
    await this.pool?.close();
  }
}

/**
 * Two tasks per worker: the next is already queued when one finishes, so a busy worker never
 * waits to be woken (a wake-up costs about as much as two signatures under Bun).
 */
const TASKS_PER_THREAD = 2;

/**
 * One batch as the worker takes it: every item's data and signature back to back in one buffer
 * (transferred, not copied), and the distinct keys once each. Cloning many small objects and
 * repeated PEM strings is what makes a hand-off expensive.
 */
export function packBatch(batch: readonly { pem: string; data: Uint8Array; signature: Uint8Array }[]) {
  const pems: string[] = [];
  const indexOf = new Map<string, number>();
  const keyIndex = new Uint32Array(batch.length);
  const ends = new Uint32Array(batch.length * 2);
  let size = 0;
  for (const item of batch) size += item.data.byteLength + item.signature.byteLength;
  const bytes = new Uint8Array(size);
  let at = 0;
  batch.forEach((item, i) => {
    let index = indexOf.get(item.pem);
    if (index === undefined) {
      index = pems.push(item.pem) - 1;
      indexOf.set(item.pem, index);
    }
    keyIndex[i] = index;
    bytes.set(item.data, at);
    at += item.data.byteLength;
    ends[2 * i] = at;
    bytes.set(item.signature, at);
    at += item.signature.byteLength;
    ends[2 * i + 1] = at;
  });
  return { pems, keyIndex, ends, bytes };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes the X-DCC-Signature header; undefined when it is missing or not base64. */
export function decodeSignatureHeader(header: string | undefined): Uint8Array | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
