import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How far a webhook's signed time may be from the receiver's clock. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/**
 * A receiver's check of X-DCC-Router-Signature (`t=<unix ms>,sig=<base64 DER>` over
 * `<t>.<body bytes>`), written from docs/delivery.md rather than shared with the router's signer.
 */
export function verifyRouterSignature(header: string | undefined, body: Buffer, routerKey: KeyObject, now = Date.now()): string | undefined {
  if (!header) return 'no X-DCC-Router-Signature';
  const fields = Object.fromEntries(header.split(',').map((part) => part.split(/=(.*)/s, 2)));
  const t = Number(fields.t);
  if (!Number.isSafeInteger(t)) return 'no timestamp';
  if (Math.abs(now - t) > REPLAY_WINDOW_MS) return 'outside the replay window';
  const signed = Buffer.concat([Buffer.from(`${fields.t}.`), body]);
  return verify('sha256', signed, { key: routerKey, dsaEncoding: 'der' }, Buffer.from(fields.sig ?? '', 'base64')) ? undefined : 'bad signature';
}

/**
 * A User's Receive Response endpoint for tests: takes only deliveries signed by the router it
 * trusts (401 otherwise), records what arrives, and can be told to fail.
 */
export class WebhookReceiver {
  readonly received: any[] = [];
  /** Each accepted delivery as it came: its signature header and body bytes. */
  readonly deliveries: { signature: string; body: Buffer }[] = [];
  /** Deliveries refused for their signature, with why. */
  readonly refused: string[] = [];
  /** Answer with this status instead of 204 while set (a 3xx with a Location elsewhere). */
  failWith: number | undefined;
  attempts = 0;
  /** Requests that followed a redirect to the Location given. */
  redirected = 0;
  private routerKey?: KeyObject;
  private server?: Server;
  url = '';

  /** Pins the router's public key (GET /v1/router-public-key.pem). */
  trustRouter(publicKeyPem: string): this {
    this.routerKey = createPublicKey(publicKeyPem);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        // A redirect's target (any method) answers 200, as a proxy's page might: never a delivery.
        if (request.url === '/elsewhere') {
          this.redirected++;
          response.writeHead(200).end('elsewhere');
          return;
        }
        this.attempts++;
        if (this.failWith !== undefined) {
          // A 3xx points elsewhere, as a moved endpoint would.
          response.writeHead(this.failWith, this.failWith >= 300 && this.failWith < 400 ? { location: '/elsewhere' } : {}).end();
          return;
        }
        const body = Buffer.concat(chunks);
        const signature = request.headers['x-dcc-router-signature'] as string | undefined;
        const problem = this.routerKey ? verifyRouterSignature(signature, body, this.routerKey) : 'no router key pinned';
        if (problem) {
          this.refused.push(problem);
          response.writeHead(401).end(problem);
          return;
        }
        this.deliveries.push({ signature: signature!, body });
        // A User registered with receiveFormat "xml" gets signed DUIS XML, its cursor and kind in headers.
        const xml = String(request.headers['content-type']).startsWith('application/xml');
        this.received.push(xml ? { xml: body.toString(), cursor: request.headers['x-dcc-cursor'], kind: request.headers['x-dcc-kind'], deviceId: request.headers['x-dcc-device-id'], reason: request.headers['x-dcc-reason'] } : JSON.parse(body.toString()));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/receive`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
