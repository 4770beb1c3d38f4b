// Device alerts (contract v1.1, "Alerts") delivered like responses, on the real router under Bun:
// to a User with a Receive Response endpoint as a signed webhook, and to a User reading its gRPC
// feed, each as a `deviceAlert` item (alertCode, deviceId, raisedAt, body); the alert raised by a
// simulated network, on demand and by a device's own event (an 11.3 completing).
import { generateKeyPairSync } from 'node:crypto';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcRouterClient, RouterClient } from '@dccrouter/client';
import type { dccrouter } from '@dccrouter/protocol';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { ACB, Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const SUPPLIER = '90-B3-D5-1F-30-13-00-01';
const DISTRIBUTOR = '90-B3-D5-1F-30-13-00-02';
const METER = '00-DB-12-34-56-78-13-01';
const routerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let router: RouterProcess;
let admin: Admin;
let supplier: RouterClient;
let distributorKeys: ReturnType<typeof newKeyPair>;
const receiver = new WebhookReceiver().trustRouter(routerKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string);

beforeAll(async () => {
  await receiver.start();
  router = await startRouterProcess({
    ROUTER_SIGNING_KEY: routerKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, VERIFY_THREADS: '1',
    SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20', WEBHOOK_INTERVAL_MS: '20',
  });
  admin = new Admin(router.url, router.adminToken);
  const supplierKeys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS'], status: 'active', publicKeyPem: supplierKeys.publicKeyPem, receiveEndpoint: receiver.url })).status).toBe(200);
  supplier = new RouterClient(router.url, supplierKeys.privateKeyPem);
  distributorKeys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${DISTRIBUTOR}`, { roles: ['ED'], status: 'active', publicKeyPem: distributorKeys.publicKeyPem })).status).toBe(200);
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: '4G South', importSupplier: SUPPLIER, electricityDistributor: DISTRIBUTOR });
});

afterAll(async () => {
  await router?.stop();
  await receiver.stop();
});

/** The first `count` items of a User's gRPC feed. */
function fromFeed(feed: GrpcRouterClient, userId: string, count: number): Promise<dccrouter.v1.IOutboxItem[]> {
  return new Promise((resolve, reject) => {
    const items: dccrouter.v1.IOutboxItem[] = [];
    const stream = feed.feed(userId);
    const timer = setTimeout(() => { stream.cancel(); reject(new Error(`feed gave ${items.length} of ${count} items`)); }, 10_000);
    stream.on('data', (item: dccrouter.v1.IOutboxItem) => {
      items.push(item);
      if (items.length === count) { clearTimeout(timer); stream.cancel(); resolve(items); }
    });
    stream.on('error', (error: ServiceError) => (error.code === GrpcStatus.CANCELLED ? undefined : reject(error)));
  });
}

describe('device alerts delivered', () => {
  it('by webhook to a User with an endpoint and by the gRPC feed, each as its deviceAlert item', async () => {
    const before = Date.now();
    const raised = await admin.request('POST', '/v1/admin/simulators/smets2%2F4g-south:raise-alerts', { alertCode: 'POWER_OUTAGE', devices: [METER] });
    expect(raised.body).toMatchObject({ devices: 1, queued: 2 });

    // The supplier's endpoint: a signed delivery (the receiver refuses others).
    await expect.poll(() => receiver.received.filter((item) => item.kind === 'deviceAlert').length, { timeout: 10_000, interval: 50 }).toBe(1);
    const [delivered] = receiver.received.filter((item) => item.kind === 'deviceAlert');
    expect(delivered).toMatchObject({ kind: 'deviceAlert', alertCode: 'POWER_OUTAGE', deviceId: METER, body: { alertCode: 'POWER_OUTAGE', deviceId: METER } });
    expect(Date.parse(delivered.raisedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(receiver.refused).toEqual([]);

    // The distributor, without an endpoint, reads it from its gRPC feed.
    const feed = new GrpcRouterClient(router.grpcAddress!, distributorKeys.privateKeyPem);
    try {
      const [item] = await fromFeed(feed, DISTRIBUTOR, 1);
      expect(item).toMatchObject({ kind: 'deviceAlert', alertCode: 'POWER_OUTAGE' });
      expect(JSON.parse(item.itemJson!)).toMatchObject({ kind: 'deviceAlert', alertCode: 'POWER_OUTAGE', deviceId: METER, raisedAt: delivered.raisedAt });
      expect(JSON.parse(item.bodyJson!)).toEqual(delivered.body);
    } finally {
      feed.close();
    }
  });

  it('by webhook when a device raises one itself: FIRMWARE_ACTIVATED as its 11.3 completes', async () => {
    expect((await supplier.submit({ originatorId: SUPPLIER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '11.1', bodyValue: { DeviceID: METER, FirmwareVersion: '6.1' } })).status).toBe(200);
    const { signed } = await supplier.sendCritical({ originatorId: SUPPLIER, targetId: METER, counter: nextCounter(), srv: '11.3', bodyValue: {} });
    await expect.poll(() => receiver.received.filter((item) => item.kind === 'deviceAlert').map((item) => item.alertCode), { timeout: 10_000, interval: 50 })
      .toEqual(['POWER_OUTAGE', 'FIRMWARE_ACTIVATED']);
    // The activation's response came too, to the supplier alone; its alert reached the distributor as well (every responsible User).
    expect(receiver.received.some((item) => item.kind === 'response' && item.requestId === signed.header.requestId)).toBe(true);
    const distributor = new RouterClient(router.url, distributorKeys.privateKeyPem);
    await expect.poll(async () => ((await distributor.call(DISTRIBUTOR, 'GET', '/v1/responses')).answer.items as any[]).map((item) => item.kind === 'response' ? 'response' : item.alertCode), { timeout: 10_000 })
      .toEqual(['POWER_OUTAGE', 'FIRMWARE_ACTIVATED']);
  });
});
