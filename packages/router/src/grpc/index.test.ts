import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { GrpcRouterClient, refusalOf } from '@dccrouter/client';
import { MemoryStore } from '@dccrouter/state';
import type { SignatureVerifier } from '../auth/verifier.ts';
import type { OutboxWatch } from '../delivery/outbox-watch.ts';
import { createLogger } from '../log/index.ts';
import type { RouterMetrics } from '../metrics/index.ts';
import type { ServiceRequestPipeline } from '../pipeline/index.ts';
import { INTERNAL_ERROR } from '../pipeline/answers.ts';
import { startGrpcServer, type GrpcServer } from './index.ts';

const USER = '90-B3-D5-1F-30-0D-00-05';
const METER = '00-DB-12-34-56-78-90-A0';

/** A router whose pipeline fails every submission with a fault (a bug), not an answer. */
let server: GrpcServer;
let client: GrpcRouterClient;
beforeAll(async () => {
  const pipeline = {
    admit: () => true,
    release: () => {},
    submitItem: () => Promise.reject(new Error('a fault inside the pipeline')),
  } as unknown as ServiceRequestPipeline;
  server = await startGrpcServer({
    pipeline,
    metrics: { count: () => {}, observe: () => {} } as unknown as RouterMetrics,
    log: createLogger('silent'),
    store: new MemoryStore(),
    directory: { user: async () => undefined },
    verifier: {} as SignatureVerifier,
    maxBodyBytes: 65_536,
    draining: () => false,
    leaving: () => false,
    outboxWatch: {} as OutboxWatch,
  }, '127.0.0.1', 0);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  client = new GrpcRouterClient(`127.0.0.1:${server.port}`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, undefined, { timeoutMs: 5_000, retries: 0 });
});
afterAll(async () => {
  client?.close();
  await server?.stop(0);
});

const signed = () => client.signed({ originatorId: USER, targetId: METER, counter: String(Date.now()), commandVariant: 1, srv: '4.1.1' });

describe('the gRPC ingress on a fault', () => {
  it('answers a unary Submit INTERNAL with the contract\'s internal_error, its cause kept from the client', async () => {
    const result = await client.submit(signed());
    expect(result).toMatchObject({ status: 500, grpcCode: GrpcStatus.INTERNAL, answer: { error: INTERNAL_ERROR } });
  });

  it('ends a SubmitStream with that status at once, not at the client\'s deadline', async () => {
    const startedAt = Date.now();
    const error = await client.submitMany([signed(), signed()]).then(() => undefined, (failure: ServiceError) => failure);
    expect([error?.code, refusalOf(error!)?.reason]).toEqual([GrpcStatus.INTERNAL, 'internal_error']);
    expect(Date.now() - startedAt).toBeLessThan(4_000);
  });
});
