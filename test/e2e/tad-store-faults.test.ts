// Threshold Anomaly Detection through a store failure: a request whose write landed but could not
// be confirmed (answered outcome_unknown) keeps its DCC-wide count, so a flood cannot pass a
// threshold by way of the store's failures. Faults are injected around the real store's methods,
// on both stores, over a real socket.
import { afterEach, describe, expect, it } from 'vitest';
import { StateUnavailableError } from '@dccrouter/state';
import { RouterClient } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-14-00-01';
const METER = '00-DB-12-34-56-78-14-01';

let running: InProcessRouter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe.each(everyStore())('DCC-wide counts through a store failure, on %s', (_name, storeEnv) => {
  it('keep the count of a request whose write landed but was answered outcome_unknown', async () => {
    running = await startInProcess(storeEnv);
    const admin = new Admin(running.url, running.adminToken);
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
    expect((await admin.put('/v1/admin/thresholds/dcc', { rules: [{ srv: '4.1.1', limit: 2, windowSeconds: 60 }] })).status).toBe(200);
    const client = new RouterClient(running.url, keys.privateKeyPem, { retries: 0 });
    const read = () => client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    // The rules reach the request path's cache.
    await expect.poll(async () => (await admin.request('GET', '/v1/admin/thresholds/dcc')).body.rules?.length, { timeout: 3_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    // The write lands, its confirmation is lost, and the lookup after it fails too.
    const store = running.router.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const [record, lookUp] = [store.recordAcceptance.bind(store), store.loadContext.bind(store)];
    store.recordAcceptance = async (...args) => {
      store.recordAcceptance = record;
      await record(...args);
      throw new StateUnavailableError('recordAcceptance: reply lost', { unconfirmed: true });
    };
    store.loadContext = async () => {
      store.loadContext = lookUp;
      throw new StateUnavailableError('loadContext: injected failure');
    };
    const cutOff = await read();
    expect([cutOff.status, cutOff.answer.error?.reason]).toEqual([503, 'outcome_unknown']);

    // It counted: the limit of 2 is reached by the next, and the one after is held back.
    const second = await read();
    expect([second.status, second.answer.quarantine]).toEqual([202, undefined]);
    const third = await read();
    expect([third.status, third.answer.quarantine?.breach]).toEqual([202, 'dcc']);
  });
});
