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
 * ECDSA verification is the CPU-heavy step of the request path. A round trip to a worker per
 * signature costs more than the signature, so requests that arrive in the same event-loop turn
 * are gathered into micro-batches of up to `batchMax` and verified by a piscina pool.
 */
export class SignatureVerifier {
  private readonly pool?: Piscina;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private inPool = 0;

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
      if (this.pending.length >= this.options.batchMax) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchMax);
      const tasks = batch.map(({ pem, data, signature }) => ({ pem, data, signature }));
      if (!this.pool) {
        verifyBatch(tasks).forEach((valid: boolean, i: number) => batch[i].resolve(valid));
        continue;
      }
      this.inPool += batch.length;
      this.pool.run(tasks).then(
        (results: boolean[]) => batch.forEach((item, i) => item.resolve(results[i] === true)),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      ).finally(() => {
        this.inPool -= batch.length;
      });
    }
  }

  async close(): Promise<void> {
    this.flush();
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
