// What the router itself writes of a device (11.1's pending firmware version, an activation's
// version, an enrolment's Commissioned) is written to the device as the store holds it, never
// from an instance's cache: an operator's change made through another instance, which this one
// has not yet seen, stays. (The 11.1 wrote its cached copy back whole, and a device moved to
// another region, or decommissioned, through the other instance went back as it was.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { ACB, Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-14-00-01';
const METER = '00-DB-12-34-56-78-14-01';
const meter = { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER };

describe('Devices the router writes, with two routers on one Redis', () => {
  let cached: InProcessRouter;
  let other: InProcessRouter;
  let client: RouterClient;
  let adminCached: Admin;
  let adminOther: Admin;
  beforeAll(async () => {
    const shared = { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `test:${randomUUID()}:` };
    // This one reads the shared change log only once a minute: its cache stays as first read.
    cached = await startInProcess({ ...shared, DIRECTORY_SYNC_MS: '60000' });
    other = await startInProcess(shared);
    adminCached = new Admin(cached.url, cached.adminToken);
    adminOther = new Admin(other.url, other.adminToken);
    const keys = newKeyPair();
    expect((await adminOther.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    client = new RouterClient(cached.url, keys.privateKeyPem, { retries: 0 });
  });
  afterAll(async () => {
    await cached?.close();
    await other?.close();
  });

  it('names an 11.1\'s version on the device as stored, keeping a change another instance made since this one cached it', async () => {
    for (const [change, version] of [[{ cspRegion: 'North' }, '9.1'], [{ status: 'Decommissioned' }, '9.2']] as const) {
      await adminOther.device(METER, meter);
      // Read into the first router's cache by a request it serves.
      const read = await client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
      expect(read.status).toBe(202);
      await adminOther.device(METER, { ...meter, ...change });
      const named = await client.submit({ originatorId: USER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '11.1', bodyValue: { FirmwareVersion: version, DeviceIDList: METER } });
      expect([named.status, named.answer.header?.responseCode]).toEqual([200, 'I0']);
      // Read from the store, through either router (the operators' API reads it there).
      // Pended as of the 11.1's answer.
      expect((await adminCached.request('GET', `/v1/admin/devices/${METER}`)).body)
        .toEqual({ deviceId: METER, ...meter, ...change, pendingFirmwareVersion: version, pendingFirmwareAt: named.answer.header.responseDateTime, firmwareNamedAt: named.answer.header.responseDateTime });
    }
  });
});
