// The contract: "a byte-identical resubmission of an acknowledged request gets its original answer
// even if a later row would now fail". Each change below makes a new request fail its row (checked
// first), and the original bytes, sent again, still get their original answer: past its
// ExecutionDateTime (row 12), the device Suspended (17), moved to another supplier (14), the User
// suspended (6); and a held request routed anew at its release. On both stores, over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient, type RequestSpec } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, newKeyPair, nextCounter, SECOND_SUPPLIER } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-5A-00-01';
const METER = '00-DB-12-34-56-78-5A-01';
const meter = (fields: Record<string, unknown> = {}) => ({ deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER, ...fields });

describe.each(everyStore())('a resubmission of an acknowledged request, on %s', (_name, storeEnv) => {
  let running: InProcessRouter;
  let admin: Admin;
  let client: RouterClient;
  const keys = newKeyPair();

  beforeAll(async () => {
    running = await startInProcess(storeEnv);
    admin = new Admin(running.url, running.adminToken);
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(METER, meter());
    // One attempt per call: a refusal is looked at, not retried.
    client = new RouterClient(running.url, keys.privateKeyPem, { retries: 0 });
  });
  afterAll(async () => { await running?.close(); });

  const read = (extra: Partial<RequestSpec> = {}): RequestSpec => ({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1', ...extra });
  /** A new request's refusal reason, once the change has reached the router's directory. */
  const refusedNow = async (reason: string) =>
    expect.poll(async () => (await client.submit(read())).answer.error?.reason, { timeout: 5_000, interval: 50 }).toBe(reason);

  it('gets its original answer though a later row would now refuse it', async () => {
    const soon = new Date(Date.now() + 1_500).toISOString();
    const original = read();
    const futureDated = read({ bodyValue: { ExecutionDateTime: soon } });
    const answers = [await client.submit(original), await client.submit(futureDated)];
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    const same = async () => [await client.submit(original), await client.submit(futureDated)];

    // Row 12: its ExecutionDateTime has passed.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(soon) - Date.now() + 50));
    expect((await client.submit(read({ bodyValue: { ExecutionDateTime: soon } }))).answer.error.reason).toBe('future_dating_not_allowed');
    expect(await same()).toEqual(answers);

    // Row 17: the device Suspended.
    await admin.device(METER, meter({ status: 'Suspended' }));
    await refusedNow('device_status_incompatible');
    expect(await same()).toEqual(answers);

    // Row 14: the device another supplier's.
    await admin.device(METER, meter({ importSupplier: SECOND_SUPPLIER }));
    await refusedNow('not_authorised_for_device');
    expect(await same()).toEqual(answers);

    // Row 6: the User suspended.
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'suspended', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await refusedNow('user_not_active');
    expect(await same()).toEqual(answers);
  });

  it('gets its original answer, route and all, after it was held and routed anew where its device moved', async () => {
    const mover = '00-DB-12-34-56-78-5A-02';
    // The User active again, should the test before have suspended it.
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(mover, meter());
    const heldRead = read({ targetId: mover, bodyValue: { ExecutionDateTime: new Date(Date.now() + 1_500).toISOString() } });
    const answer = await client.submit(heldRead);
    expect([answer.status, answer.answer.route?.destination]).toEqual([202, 'smets2/north']);
    await admin.device(mover, meter({ cspRegion: 'South' }));
    const requestId = answer.answer.header.requestId as string;
    await expect.poll(async () => (await client.status(USER, requestId)).state, { timeout: 10_000, interval: 100 }).not.toBe('accepted');
    expect((await client.status(USER, requestId)).route?.destination).toBe('smets2/south');
    expect(await client.submit(heldRead)).toEqual(answer);
  });
});
