// A quarantine event's reference releases or deletes the request only while it is held under that event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterClient } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-7A-00-01';
const METER = '00-DB-12-34-56-78-7A-01';

describe.each(everyStore())('quarantine events, on %s', (_name, storeEnv) => {
  let running: InProcessRouter;
  let admin: Admin;
  let client: RouterClient;

  beforeAll(async () => {
    running = await startInProcess({ ...storeEnv, SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' });
    admin = new Admin(running.url, running.adminToken);
    client = await admin.user(USER, ['IS']);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER });
  });
  afterAll(async () => { await running?.close(); });

  const signed = (method: string, path: string) => client.call(USER, method, path);
  const transform = (counter: string, amount: number) =>
    client.submit({ originatorId: USER, targetId: METER, counter, commandVariant: 4, srv: '2.3', bodyValue: { PaymentDebtRegister: amount } });
  const signedLeg = (counter: string, payload: string) =>
    client.submit({ originatorId: USER, targetId: METER, counter, commandVariant: 5, srv: '2.3', bodyValue: { GBCSPayload: payload } });

  it.each(['release', 'delete'])("%s by the released CV 4 leg's reference is refused once its signed leg is quarantined as an event of its own", async (action) => {
    expect((await admin.put('/v1/admin/thresholds/values', { rules: [{ srv: '2.3', field: 'PaymentDebtRegister', max: 100_000 }] })).status).toBe(200);
    expect((await admin.put(`/v1/admin/thresholds/users/${USER}`, { rules: [{ srv: '2.3', limit: 1, windowSeconds: action === 'release' ? 600 : 601 }] })).status).toBe(200);

    // Request A: its CV 4 leg quarantined for its value (event ref1), then released.
    const a = nextCounter();
    const heldA = await transform(a, 500_000);
    expect(heldA.answer.quarantine.breach).toBe('value');
    const ref1 = heldA.answer.quarantine.ref;
    expect((await signed('POST', `/v1/quarantine/${ref1}/release`)).answer.state).toBe('transformed');
    const items = (await client.pull(USER, undefined, 1000)).items as any[];
    const preCommandA = items.find((i) => i.kind === 'response' && i.requestId === heldA.answer.header.requestId).body.PreCommand.GBCSPayload;

    // Request B, a whole pair, uses up the User's limit of one 2.3.
    const b = nextCounter();
    const preCommandB = (await transform(b, 10)).answer.body.PreCommand.GBCSPayload;
    expect((await signedLeg(b, preCommandB)).answer.quarantine).toBeUndefined();

    // A's signed leg is past the limit: quarantined, a new event (ref2).
    const heldSigned = await signedLeg(a, preCommandA);
    expect(heldSigned.answer.quarantine.breach).toBe('user');
    const ref2 = heldSigned.answer.quarantine.ref;
    expect(ref2).not.toBe(ref1);

    // ref1 again (a retry, say) names an event already over: 409 not_quarantined, and the request stays held under ref2.
    const again = await signed('POST', `/v1/quarantine/${ref1}/${action}`);
    expect(again.status).toBe(409);
    expect(again.answer.error).toMatchObject({ reason: 'not_quarantined', message: expect.stringContaining(`quarantine event ${ref1} is over`) });
    expect((await client.status(USER, heldA.answer.header.requestId)).state).toBe('quarantined');
    expect((await signed('POST', `/v1/quarantine/${ref2}/${action}`)).status).toBe(200);
  });

});
