import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RouterClient } from '@dccrouter/client';

export const DEMO_PRIVATE_KEY_PEM = readFileSync(new URL('../../packages/client/demo/demo-user.key.pem', import.meta.url), 'utf8');

export const SUPPLIER = '90-B3-D5-1F-30-01-00-00';
export const SECOND_SUPPLIER = '90-B3-D5-1F-30-03-00-00';
export const NETWORK_OPERATOR = '90-B3-D5-1F-30-02-00-00';
export const OTHER_USER = '00-DB-12-34-56-78-00-04';
export const ACB = '90-B3-D5-1F-30-00-00-02';
export const ESME = '00-DB-12-34-56-78-90-A0';
export const GSME = '00-DB-12-34-56-78-90-A1';

export function newKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** A counter's total at a router's /metrics, over its series whose labels include `labels` (e.g. 'transport="grpc"'; none for a counter without labels). */
export async function metricTotal(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\d+)$`, 'gm'))]
    .filter(([, series = '']) => series.includes(labels))
    .reduce((sum, [, , n]) => sum + Number(n), 0);
}

let counter = BigInt(Date.now()) * 1000n;
/** A fresh RequestID counter for each request of a run. */
export function nextCounter(): string {
  counter += 1n;
  return counter.toString();
}

/** The operators' API, with the bearer token. */
export class Admin {
  constructor(readonly url: string, readonly token: string) {}

  async request(method: string, path: string, body?: unknown, contentType = 'application/json') {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }

  /** Registers a User with a fresh key and returns a client that signs as it. */
  async user(userId: string, roles: string[], status = 'active'): Promise<RouterClient> {
    const keys = newKeyPair();
    const answer = await this.put(`/v1/admin/users/${userId}`, { roles, status, publicKeyPem: keys.publicKeyPem });
    if (answer.status !== 200) throw new Error(`cannot register ${userId}: ${JSON.stringify(answer.body)}`);
    return new RouterClient(this.url, keys.privateKeyPem);
  }

  async device(deviceId: string, fields: Record<string, unknown>): Promise<void> {
    const answer = await this.put(`/v1/admin/devices/${deviceId}`, fields);
    if (answer.status !== 200) throw new Error(`cannot register ${deviceId}: ${JSON.stringify(answer.body)}`);
  }
}

/**
 * What the simulated networks running in these router processes were handed, summed over them
 * (each process runs its own networks; ROUTER_PROCESSES=1, so one process per router), or only
 * one destination's. `sent`: every hand-over to a network, repeats included
 * (dccrouter_egress_forwarded_total). `received`: the networks' own count, each RequestID once per
 * process: a network drops a repeat without counting it, so `sent - received` is the repeats it
 * dropped. `pending`: received and not answered yet. The sends are read first: a network counts a
 * request before its sender counts it sent, so without repeats `received` is never below `sent`.
 */
export async function networkReceipts(routers: readonly { url: string; adminToken: string }[], destination?: string): Promise<{ sent: number; received: number; pending: number }> {
  const receipts = { sent: 0, received: 0, pending: 0 };
  for (const router of routers) {
    receipts.sent += await metricTotal(router.url, 'dccrouter_egress_forwarded_total', destination ? `destination="${destination}"` : '');
    const { status, body } = await new Admin(router.url, router.adminToken).request('GET', '/v1/admin/simulators');
    if (status !== 200) throw new Error(`GET /v1/admin/simulators answered ${status}: ${JSON.stringify(body)}`);
    for (const [name, view] of Object.entries(body as Record<string, { received?: number; pending?: number }>)) {
      if (destination !== undefined && name !== destination) continue;
      if (view.received === undefined) throw new Error(`${router.url} runs no simulated network for ${name}`);
      receipts.received += view.received;
      receipts.pending += view.pending ?? 0;
    }
  }
  return receipts;
}
