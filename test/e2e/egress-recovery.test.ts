// A claim whose answer the router never had (it timed out while Redis stalled and Redis ran it on
// its return, or the connection was cut and the client sent it again) left its entries pending to
// this router, unsent. The egress loop sends them within seconds, not after the redelivery delay
// (a SMETS2+ request's whole TRT), and never again what its network holds. On a real Redis.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { originatorOf, partitionOf, RedisStore, type EgressItem } from '@dccrouter/state';
import { newRequestId, plainAcceptance } from '../../packages/state/test/store-contract.ts';
import { EgressDispatcher, type NetworkAdapter } from '../../packages/router/src/egress/index.ts';
import { createLogger } from '../../packages/router/src/log/index.ts';

/** A network that takes what it is sent and never answers: it holds all of it. */
class HoldingNetwork implements NetworkAdapter {
  readonly received: EgressItem[] = [];
  constructor(readonly destination: string) {}
  async send(item: EgressItem): Promise<void> {
    this.received.push(item);
  }
  holding(): EgressItem[] {
    return [...this.received];
  }
}

let raw: Redis;
let store: RedisStore;
const keyPrefix = `test:egress-recovery:${Date.now()}:`;

beforeAll(async () => {
  raw = new Redis(inject('redisUrl'));
  store = await RedisStore.connect({ url: inject('redisUrl'), keyPrefix });
});
afterAll(async () => {
  await store?.close();
  const keys = await raw.keys(`${keyPrefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  await raw.quit();
});

describe('egress after a claim whose answer was lost', () => {
  it('sends the entries it took within seconds, once, and counts them recovered', async () => {
    const requestId = newRequestId();
    const { destination } = plainAcceptance(requestId).record;
    const network = new HoldingNetwork(destination);
    const redelivered: string[] = [];
    const egress = new EgressDispatcher(store, [network], {
      consumer: 'router-r', batch: 10, redeliverAfterMs: 600_000, idlePollMs: 50, lingerMs: 0, handOver: false,
    }, createLogger('silent'), () => {}, (how, count) => redelivered.push(`${how} ${count}`));
    // The groups made, then the request queued and taken by a claim of this consumer that nobody heard the answer of.
    expect(await store.claimEgress([destination], 'router-r', 10)).toEqual([]);
    await store.recordAcceptance(requestId, { ...plainAcceptance(requestId), egress: {} });
    await raw.xreadgroup('GROUP', 'egress', 'router-r', 'COUNT', 10, 'STREAMS', `${keyPrefix}egress:{p${partitionOf(originatorOf(requestId))}}:${destination}`, '>');

    const started = Date.now();
    egress.start();
    try {
      await expect.poll(() => network.received.length, { timeout: 8_000, interval: 50 }).toBe(1);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(network.received[0].record.requestId).toBe(requestId);
      expect(redelivered).toEqual(['recovered 1']);
      // Held by its network from then on: not sent again at the next passes.
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(network.received).toHaveLength(1);
    } finally {
      await egress.stop();
    }
  }, 20_000);
});
