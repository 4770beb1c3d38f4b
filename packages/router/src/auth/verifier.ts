import { Piscina } from 'piscina';
import verifyBatch from './verify-worker.mjs';

export interface VerifierOptions {
  /** Worker threads; 0 verifies on the calling thread. */
  threads: number;
  /** Largest micro-batch sent to a worker in one task. */
  batchMax: number;
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
 * handed over in batches: while every worker is busy they gather, and a worker that finishes
 * takes everything that gathered meanwhile (up to `batchMax`). Batches grow with the load by
 * themselves and an idle router hands a lone signature over at once.
 */
export class SignatureVerifier {
  private readonly pool?: Piscina;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private inPool = 0;
  private tasksInPool = 0;

  constructor(private readonly options: VerifierOptions) {
    if (options.threads > 0) {
      this.pool = new Piscina({
        filename: new URL('./verify-worker.mjs', import.meta.url).href,
        minThreads: options.threads,
        maxThreads: options.threads,
        idleTimeout: 60_000,
      });
    }
  }

  /** Signatures waiting for or under verification: the pool's queue depth. */
  get depth(): number {
    return this.pending.length + this.inPool;
  }

  get threads(): number {
    return this.options.threads;
  }

  verify(pem: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ pem, data, signature, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // After the current turn, so that everything this turn brings goes in one batch.
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Hands batches to idle workers; with none idle, the signatures wait for the next to finish. */
  private flush(force = false): void {
    while (this.pending.length > 0 && (force || !this.pool || this.tasksInPool < this.options.threads)) {
      const batch = this.pending.splice(0, this.options.batchMax);
      const tasks = batch.map(({ pem, data, signature }) => ({ pem, data, signature }));
      if (!this.pool) {
        verifyBatch(tasks).forEach((valid: boolean, i: number) => batch[i].resolve(valid));
        continue;
      }
      this.inPool += batch.length;
      this.tasksInPool++;
      this.pool.run(tasks).then(
        (results: boolean[]) => batch.forEach((item, i) => item.resolve(results[i] === true)),
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

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes the X-DCC-Signature header; undefined when it is missing or not base64. */
export function decodeSignatureHeader(header: string | undefined): Uint8Array | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
