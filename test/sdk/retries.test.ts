// The client SDK's retries and time limit against a real local HTTP server (not the router), so
// each attempt's bytes, headers and arrival time can be recorded and the answers scripted: a 503
// is resubmitted with the same bytes and signature no sooner than its Retry-After, the SDK gives
// up after its retries with a typed refusal, and a server that never answers ends in its time limit.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { buildJsonRequest, retryAfterMs, RouterClient, RouterRefusal } from '@dccrouter/client';
import { DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

interface Arrival {
  /** The request-target as sent. */
  url: string;
  body: Buffer;
  headers: IncomingHttpHeaders;
  /** performance.now() when the whole request had arrived. */
  at: number;
  /** performance.now() when it was answered, if it was. */
  answeredAt?: number;
}

/** Records every request and answers the n-th (from 0) as `answer` says; a reply left unsent hangs. */
class ScriptedServer {
  readonly arrivals: Arrival[] = [];
  private readonly server: Server;
  url = '';

  constructor(answer: (n: number, reply: ServerResponse, done: () => void) => void) {
    this.server = createServer((request, reply) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const arrival: Arrival = { url: request.url ?? '', body: Buffer.concat(chunks), headers: request.headers, at: performance.now() };
        this.arrivals.push(arrival);
        answer(this.arrivals.length - 1, reply, () => (arrival.answeredAt = performance.now()));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    // Hanging replies would keep close() waiting.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const overloaded = JSON.stringify({ header: { responseDateTime: new Date().toISOString() }, error: { reason: 'overloaded', message: 'too many requests in flight' } });
const acknowledged = (requestId: string) => JSON.stringify({
  header: { requestId, responseCode: 'I99', responseDateTime: new Date().toISOString() },
  route: { generation: 'SMETS2+', destination: 'smets2/north' },
});

function json(reply: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  reply.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
}

const spec = () => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
// libuv's timers count whole milliseconds, so a 1 s wait can end up to 1 ms short of 1000.0.
const TIMER_SLACK_MS = 1;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Every attempt carried the first one's bytes, signature and content type. */
function expectSameBytes(arrivals: Arrival[]): void {
  for (const arrival of arrivals.slice(1)) {
    expect(arrival.body.equals(arrivals[0].body)).toBe(true);
    expect(arrival.headers['x-dcc-signature']).toBe(arrivals[0].headers['x-dcc-signature']);
    expect(arrival.headers['content-type']).toBe(arrivals[0].headers['content-type']);
  }
}

describe('the SDK against a server answering 503', () => {
  it('resubmits the same bytes and signature after Retry-After, then returns the acknowledgement', async () => {
    const request = spec();
    const requestId = `${request.originatorId}:${request.targetId}:${request.counter}`;
    server = await new ScriptedServer((n, reply, done) => {
      if (n === 0) json(reply, 503, overloaded, { 'retry-after': '1' });
      else json(reply, 202, acknowledged(requestId));
      done();
    }).start();
    // A base wait far below Retry-After: a retry after 1 s can only be Retry-After's doing.
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { retries: 3, retryBaseMs: 10 });
    const ack = await client.send(request);
    expect(ack.header).toMatchObject({ requestId, responseCode: 'I99' });

    const { arrivals } = server;
    expect(arrivals).toHaveLength(2);
    expect(arrivals[0].body.toString()).toBe(buildJsonRequest(request));
    // ECDSA signatures of the same bytes differ each time: an identical one was resent, not re-signed.
    expect(client.sign(arrivals[0].body)).not.toBe(arrivals[0].headers['x-dcc-signature']);
    expectSameBytes(arrivals);
    const waited = arrivals[1].at - arrivals[0].answeredAt!;
    expect(waited).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
    expect(waited).toBeLessThan(1500);
  });

  it('asks a signed read again after Retry-After, signed afresh; a signed change is sent once, its refusal naming the wait', async () => {
    const requestId = `${SUPPLIER}:${ESME}:${nextCounter()}`;
    const statusOf = { requestId, state: 'accepted', route: { destination: 'smets2/north' } };
    server = await new ScriptedServer((n, reply, done) => {
      if (n === 0 || n === 2) json(reply, 503, overloaded, { 'retry-after': '1' });
      else json(reply, 200, JSON.stringify(statusOf));
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { retries: 3, retryBaseMs: 10 });
    expect(await client.status(SUPPLIER, requestId)).toEqual(statusOf);
    const [first, second] = server.arrivals;
    expect(second.at - first.answeredAt!).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
    expect(second.headers['x-dcc-signature']).not.toBe(first.headers['x-dcc-signature']);
    const release = await client.call(SUPPLIER, 'POST', '/v1/quarantine/q1-0123456789abcdef/release');
    expect([release.status, release.retryDelayMs]).toEqual([503, 1000]);
    expect(server.arrivals).toHaveLength(3);
  });

  it('gives up after its retries with a typed refusal carrying the reason and Retry-After', async () => {
    server = await new ScriptedServer((_, reply, done) => {
      json(reply, 503, overloaded, { 'retry-after': '1' });
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { retries: 2, retryBaseMs: 10 });
    const error = await client.send(spec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouterRefusal);
    expect(error).toMatchObject({ status: 503, reason: 'overloaded', retryAfterMs: 1000 });

    const { arrivals } = server;
    expect(arrivals).toHaveLength(3); // the first attempt and 2 retries
    expectSameBytes(arrivals);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i].at - arrivals[i - 1].answeredAt!).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  it("retries a proxy's 503 that is not JSON, honouring its Retry-After, and refuses typed in the end", async () => {
    server = await new ScriptedServer((_, reply, done) => {
      reply.writeHead(503, { 'content-type': 'text/html', 'retry-after': '1' }).end('<html>503 Service Unavailable</html>');
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { retries: 1, retryBaseMs: 10 });
    const error = await client.send(spec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouterRefusal);
    expect(error).toMatchObject({ status: 503, reason: 'unknown', retryAfterMs: 1000 });
    expect((error as RouterRefusal).message).toContain('503 Service Unavailable');
    expect(server.arrivals).toHaveLength(2);
    expect(server.arrivals[1].at - server.arrivals[0].answeredAt!).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  it('resubmits the same bytes when the connection drops before an answer', async () => {
    const request = spec();
    const requestId = `${request.originatorId}:${request.targetId}:${request.counter}`;
    server = await new ScriptedServer((n, reply, done) => {
      if (n === 0) reply.socket!.destroy();
      else json(reply, 202, acknowledged(requestId));
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { retries: 1, retryBaseMs: 10 });
    expect((await client.send(request)).header.requestId).toBe(requestId);
    expect(server.arrivals).toHaveLength(2);
    expectSameBytes(server.arrivals);
  });
});

describe('the SDK against a server that never answers', () => {
  it("ends with its timeout error once each attempt's time limit has passed", async () => {
    server = await new ScriptedServer(() => undefined).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { timeoutMs: 300, retries: 1, retryBaseMs: 50 });
    const started = performance.now();
    const error = await client.send(spec()).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect((error as Error).name).toBe('TimeoutError');
    // Two attempts of 300 ms and the 50 ms wait between them.
    expect(took).toBeGreaterThanOrEqual(650 - TIMER_SLACK_MS);
    expect(took).toBeLessThan(1_500);
    expect(server.arrivals).toHaveLength(2);
    expectSameBytes(server.arrivals);
  });
});

describe('the SDK pulling with a wait', () => {
  it('takes no less than 200 ms over a waiting pull answered empty at once, so that a loop of long polls never spins', async () => {
    server = await new ScriptedServer((_n, reply, done) => {
      reply.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], next: '0-0' }));
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
    let started = performance.now();
    expect(await client.pull(SUPPLIER, undefined, 10, 5_000)).toEqual({ items: [], next: '0-0' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(200 - 1);
    // Without a wait, an empty page is answered as it comes.
    started = performance.now();
    await client.pull(SUPPLIER, undefined, 10);
    expect(performance.now() - started).toBeLessThan(200);
    expect(server.arrivals).toHaveLength(2);
  });
});

describe('the SDK with a batch', () => {
  it('sends its items refused 503 again, their same bytes and signatures in a batch of their own, after the batch\'s Retry-After', async () => {
    const specs = [spec(), spec()];
    const ids = specs.map((s) => `${s.originatorId}:${s.targetId}:${s.counter}`);
    server = await new ScriptedServer((n, reply, done) => {
      // The first answer refuses the second item 503; the second acknowledges what it is sent.
      const items = n === 0
        ? [{ status: 202, answer: JSON.parse(acknowledged(ids[0])) }, { status: 503, answer: JSON.parse(overloaded) }]
        : [{ status: 202, answer: JSON.parse(acknowledged(ids[1])) }];
      json(reply, 200, JSON.stringify({ results: items }), n === 0 ? { 'retry-after': '1' } : {});
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
    const results = await client.batch(SUPPLIER, specs);
    expect(results.map((result) => [result.status, result.answer.header.requestId])).toEqual([[202, ids[0]], [202, ids[1]]]);
    expect(server.arrivals).toHaveLength(2);
    const [first, second] = server.arrivals.map((arrival) => JSON.parse(arrival.body.toString()).requests);
    expect(second).toEqual([first[1]]);
    expect(server.arrivals[1].at - server.arrivals[0].answeredAt!).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  it('hands back an item still refused 503 after its retries with the wait the router asked for', async () => {
    server = await new ScriptedServer((_n, reply, done) => {
      json(reply, 200, JSON.stringify({ results: [{ status: 503, answer: JSON.parse(overloaded) }] }), { 'retry-after': '1' });
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM, { retries: 1 });
    const [result] = await client.batch(SUPPLIER, [spec()]);
    expect([result.status, result.retryDelayMs, server.arrivals.length]).toEqual([503, 1000, 2]);
  });
});

describe('the SDK\'s options', () => {
  it('joins paths to a base URL given with a trailing "/" as to one without', async () => {
    server = await new ScriptedServer((_n, reply, done) => {
      json(reply, 202, acknowledged('x'));
      done();
    }).start();
    await new RouterClient(`${server.url}/`, DEMO_PRIVATE_KEY_PEM).submit(spec());
    // The path as sent: no "//", which the router would not know.
    expect(server.arrivals.map((arrival) => arrival.url)).toEqual(['/v1/service-requests']);
  });

  it('refuses at once a key the router cannot verify, and time limits timers cannot keep', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => new RouterClient('http://x', p384)).toThrow('the key is an EC key on secp384r1: the router verifies ECDSA P-256 (prime256v1) signatures only');
    expect(() => new RouterClient('http://x', rsa)).toThrow('the key is an rsa key: the router verifies ECDSA P-256 (prime256v1) signatures only');
    expect(() => new RouterClient('http://x', DEMO_PRIVATE_KEY_PEM, { timeoutMs: 1500.5 })).toThrow('timeoutMs must be a whole number of milliseconds from 1 to 2147483647, not 1500.5');
    expect(() => new RouterClient('http://x', DEMO_PRIVATE_KEY_PEM, { timeoutMs: Infinity })).toThrow(RangeError);
    expect(() => new RouterClient('http://x', DEMO_PRIVATE_KEY_PEM, { retries: -1 })).toThrow('retries must be a whole number from 0, not -1');
  });

  it('reads a Retry-After given as an HTTP date, as a proxy may send it', () => {
    const now = Date.parse('2026-12-08T00:00:00Z');
    expect(retryAfterMs('Tue, 08 Dec 2026 00:00:03 GMT', now)).toBe(3_000);
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect([retryAfterMs('Mon, 07 Dec 2026 23:59:00 GMT', now), retryAfterMs('soon', now), retryAfterMs(null, now), retryAfterMs('0', now)]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('sendCritical', () => {
  it('says its CV 4 leg was quarantined, with the reference to release it, rather than that no Pre-Command came', async () => {
    server = await new ScriptedServer((_n, reply, done) => {
      json(reply, 202, JSON.stringify({ header: { requestId: 'r', responseCode: 'I99', responseDateTime: new Date().toISOString() }, quarantine: { ref: 'q3-0123456789abcdef', breach: 'user' } }));
      done();
    }).start();
    const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
    await expect(client.sendCritical({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), srv: '1.1.1', bodyValue: {} }))
      .rejects.toThrow('the CV 4 leg was quarantined (user breach, ref q3-0123456789abcdef): no Pre-Command to sign until it is released');
    expect(server.arrivals).toHaveLength(1);
  });
});
