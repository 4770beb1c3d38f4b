// The gRPC client's resubmissions against a real local gRPC server (not the router) whose answers
// are scripted and whose calls are recorded: a 503 refusal is resubmitted with the same signed item
// no sooner than its RetryInfo, an unanswered call (UNAVAILABLE) too, the SDK gives up after its
// retries with the last refusal, a refusal that is not a 503 is answered at once, and a stream's
// items refused 503 are sent again alone.
import { Server, ServerCredentials, status as GrpcStatus, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcRouterClient } from '@dccrouter/client';
import { ROUTER_SERVICE, type dccrouter } from '@dccrouter/protocol';
import { refusalStatus } from '../../packages/router/src/grpc/answers.ts';
import { DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

type Signed = dccrouter.v1.ISignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;

interface Arrival {
  request: Signed;
  at: number;
}

const acknowledged = (): Result => ({ status: 202, answerJson: JSON.stringify({ header: { responseCode: 'I99' } }) });
// As the router's: the refusal's fields (a unary call's status) and its answer (a stream's item).
const refused = (httpStatus: number, reason: string, retryAfterMs = 0): Result => ({
  status: httpStatus, refusal: { httpStatus, reason, message: `${reason} (scripted)`, retryAfterMs },
  answerJson: JSON.stringify({ header: {}, error: { reason, message: `${reason} (scripted)` } }),
});
// libuv's timers count whole milliseconds, so a 1 s wait can end up to 1 ms short of 1000.0.
const TIMER_SLACK_MS = 1;

/** Records each submission and answers the n-th (from 0) with `answer`'s result: a refusal as a status, as the router does. */
class ScriptedGrpcServer {
  readonly arrivals: Arrival[] = [];
  private readonly server = new Server();
  address = '';

  constructor(answer: (n: number, request: Signed) => Result | 'unavailable' | 'fail-stream') {
    const reply = (request: Signed): Result | 'unavailable' | 'fail-stream' => {
      this.arrivals.push({ request, at: performance.now() });
      return answer(this.arrivals.length - 1, request);
    };
    this.server.addService(ROUTER_SERVICE, {
      submit(call: ServerUnaryCall<Signed, Result>, callback: sendUnaryData<Result>) {
        const result = reply(call.request);
        if (result === 'unavailable' || result === 'fail-stream') callback({ code: GrpcStatus.UNAVAILABLE, details: 'scripted: not now' });
        else if (result.refusal) callback(refusalStatus(result));
        else callback(null, result);
      },
      submitStream(call: ServerDuplexStream<Signed, Result>) {
        let failed = false;
        call.on('data', (request: Signed) => {
          if (failed) return;
          const result = reply(request);
          // The stream fails part way: this item and those after it go unanswered.
          if (result === 'fail-stream') {
            failed = true;
            call.emit('error', { code: GrpcStatus.UNAVAILABLE, details: 'scripted: the stream failed' });
            return;
          }
          call.write(result === 'unavailable' ? refused(503, 'overloaded') : result);
        });
        call.on('end', () => call.end());
      },
      feed() {},
    });
  }

  async start(): Promise<this> {
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    this.address = `127.0.0.1:${port}`;
    return this;
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

let server: ScriptedGrpcServer | undefined;
let client: GrpcRouterClient | undefined;
afterEach(() => {
  client?.close();
  server?.stop();
  client = server = undefined;
});

const spec = () => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });

/** Every attempt carried the first one's bytes and signature (ECDSA signs differently each time: resent, not re-signed). */
function expectSameItem(arrivals: Arrival[]): void {
  for (const arrival of arrivals.slice(1)) {
    expect(Buffer.from(arrival.request.body!).equals(Buffer.from(arrivals[0].request.body!))).toBe(true);
    expect(arrival.request.signature).toBe(arrivals[0].request.signature);
  }
}

describe('the gRPC client', () => {
  it('resubmits the same signed item after a 503 refusal, no sooner than its RetryInfo, then answers the acknowledgement', async () => {
    server = await new ScriptedGrpcServer((n) => (n === 0 ? refused(503, 'overloaded') : acknowledged())).start();
    // A base wait far below the RetryInfo's 1 s: a retry after 1 s can only be the RetryInfo's doing.
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 3, retryBaseMs: 10 });
    const result = await client.submit(client.signed(spec()));
    expect(result.status).toBe(202);
    expect(server.arrivals).toHaveLength(2);
    expectSameItem(server.arrivals);
    expect(server.arrivals[1].at - server.arrivals[0].at).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  it('resubmits a call left unanswered (UNAVAILABLE) after its doubling wait', async () => {
    server = await new ScriptedGrpcServer((n) => (n < 2 ? 'unavailable' : acknowledged())).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 2, retryBaseMs: 100 });
    expect((await client.submit(client.signed(spec()))).status).toBe(202);
    const { arrivals } = server;
    expect(arrivals).toHaveLength(3);
    expectSameItem(arrivals);
    expect(arrivals[1].at - arrivals[0].at).toBeGreaterThanOrEqual(100 - TIMER_SLACK_MS);
    expect(arrivals[2].at - arrivals[1].at).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
  });

  it('answers the last 503 once its retries are spent, and rejects an unanswered last attempt', async () => {
    server = await new ScriptedGrpcServer(() => refused(503, 'state_unavailable')).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 1, retryBaseMs: 10 });
    const result = await client.submit(client.signed(spec()));
    expect([result.status, result.answer.error.reason, result.grpcCode, result.retryDelayMs]).toEqual([503, 'state_unavailable', GrpcStatus.UNAVAILABLE, 1000]);
    expect(server.arrivals).toHaveLength(2);
    server.stop();

    server = await new ScriptedGrpcServer(() => 'unavailable').start();
    const unanswered = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 1, retryBaseMs: 10 });
    try {
      await expect(unanswered.submit(unanswered.signed(spec()))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
      expect(server.arrivals).toHaveLength(2);
    } finally {
      unanswered.close();
    }
  });

  it('answers a refusal that is not a 503 at once', async () => {
    server = await new ScriptedGrpcServer(() => refused(404, 'device_not_found')).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 3, retryBaseMs: 10 });
    const result = await client.submit(client.signed(spec()));
    expect([result.status, result.answer.error.reason]).toEqual([404, 'device_not_found']);
    expect(server.arrivals).toHaveLength(1);
  });

  it('sends a stream\'s items refused 503 again alone, and answers every item in the order sent', async () => {
    // The second item sent is refused the first time it arrives.
    server = await new ScriptedGrpcServer((n) => (n === 1 ? refused(503, 'overloaded') : acknowledged())).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 2, retryBaseMs: 50 });
    const items = [client.signed(spec()), client.signed(spec()), client.signed(spec())];
    const results = await client.submitMany(items);
    expect(results.map((result) => result.status)).toEqual([202, 202, 202]);
    expect(server.arrivals).toHaveLength(4);
    expectSameItem([server.arrivals[1], server.arrivals[3]]);
    expect(server.arrivals[3].at - server.arrivals[2].at).toBeGreaterThanOrEqual(50 - TIMER_SLACK_MS);
  });

  it('sends again what a stream that failed part way left unanswered, the same signed items, and rejects with the answers it had once its retries are spent', async () => {
    // The second item's arrival fails the stream: the first is answered, the second and third are not.
    server = await new ScriptedGrpcServer((n) => (n === 1 ? 'fail-stream' : acknowledged())).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 2, retryBaseMs: 20 });
    const items = [client.signed(spec()), client.signed(spec()), client.signed(spec())];
    const results = await client.submitMany(items);
    expect(results.map((result) => result.status)).toEqual([202, 202, 202]);
    // The second item sent twice (its first arrival failed the stream), the third at least once after it.
    const hex = (body: Uint8Array | null | undefined) => Buffer.from(body!).toString('hex');
    const sent = server.arrivals.map((arrival) => hex(arrival.request.body));
    expect(sent.filter((body) => body === hex(items[1].body)).length).toBe(2);
    expect(sent.at(-1)).toBe(hex(items[2].body));

    // Every stream failing at its first item: the answers had are on the error.
    server.stop();
    server = await new ScriptedGrpcServer((n) => (n === 0 ? acknowledged() : 'fail-stream')).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 1, retryBaseMs: 20 });
    const failing = client.submitMany([client.signed(spec()), client.signed(spec())]);
    await expect(failing).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE, results: [expect.objectContaining({ status: 202 }), undefined] });
  });

  it('waits as long as a stream\'s refusals ask (retry_after_ms) before sending them again', async () => {
    server = await new ScriptedGrpcServer((n) => (n === 0 ? refused(503, 'overloaded', 150) : n === 1 ? refused(503, 'overloaded', 400) : acknowledged())).start();
    client = new GrpcRouterClient(server.address, DEMO_PRIVATE_KEY_PEM, undefined, { retries: 1, retryBaseMs: 20 });
    const results = await client.submitMany([client.signed(spec()), client.signed(spec())]);
    expect(results.map((result) => result.status)).toEqual([202, 202]);
    expect(server.arrivals).toHaveLength(4);
    expect(server.arrivals[2].at - server.arrivals[1].at).toBeGreaterThanOrEqual(400 - TIMER_SLACK_MS);
  });
});
