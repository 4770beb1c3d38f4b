// Raw ECDSA capacity: how many P-256 / SHA-256 verifications per second all the machine's cores do
// with nothing else in the way (no HTTP, no store, no load generator). The batch path verifies every
// item's own signature, so this is the most it could ever do here; issue #9 wants it within 0.8×.
// One Bun process per core runs bench/verify-loop.ts over the suite's own pre-signed requests for
// the same window; their rates add up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBunScript } from './processes.ts';
import { round } from './stats.ts';
import type { BenchUser, TrafficItem } from './traffic.ts';

export interface VerifyCapacity {
  processes: number;
  /** The shared window each process verified for. */
  seconds: number;
  /** Verifications per second, all processes together. */
  perSecond: number;
  perProcess: number[];
  /** Share of verifications that succeeded (the bad-signature requests must not). */
  validShare: number;
}

/** Time for every process to start and parse its keys before the shared window opens. */
const START_LEAD_MS = 1_500;

export async function measureVerifyCapacity(items: readonly TrafficItem[], users: readonly BenchUser[], seconds: number): Promise<VerifyCapacity> {
  // The requestId starts with the originator: the User whose key signed the body.
  const pems = new Map(users.map((user) => [user.userId, user.publicKeyPem]));
  const sample = items.map((item) => ({ pem: pems.get(item.requestId.split(':')[0])!, body: item.body.toString('base64'), signature: item.signature }));
  const dir = mkdtempSync(join(tmpdir(), 'dccrouter-verify-'));
  try {
    const file = join(dir, 'requests.json');
    writeFileSync(file, JSON.stringify(sample));
    const processes = Math.max(1, cpus().length);
    const startAt = Date.now() + START_LEAD_MS;
    const outputs = await Promise.all(Array.from({ length: processes }, () =>
      runBunScript('bench/verify-loop.ts', [file, String(startAt), String(seconds)], (seconds + 30) * 1000)));
    const results = outputs.map((text) => JSON.parse(text.trim().split('\n').at(-1)!) as { verifications: number; valid: number; seconds: number });
    const rates = results.map((r) => r.verifications / r.seconds);
    const verifications = results.reduce((sum, r) => sum + r.verifications, 0);
    return {
      processes,
      seconds,
      perSecond: Math.round(rates.reduce((a, b) => a + b, 0)),
      perProcess: rates.map((r) => Math.round(r)),
      validShare: round(results.reduce((sum, r) => sum + r.valid, 0) / Math.max(1, verifications)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
