// Local delivery, as the contract words it: "CV 2 and 6 (local delivery) are answered at once, 200
// I0, with an opaque body.LocalCommand; CV 3 and 7 are acknowledged (202 I99) and their local
// command comes with the response". CV 6 and 7 as the signed leg of a critical SRV's CV 4. On both
// stores, over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-5B-00-01';
const METER = '00-DB-12-34-56-78-5B-01';

describe.each(everyStore())('local delivery, on %s', (_name, storeEnv) => {
  let running: InProcessRouter;
  let client: RouterClient;

  beforeAll(async () => {
    running = await startInProcess({ ...storeEnv, SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' });
    const admin = new Admin(running.url, running.adminToken);
    client = await admin.user(USER, ['IS']);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER });
  });
  afterAll(async () => { await running?.close(); });

  const state = async (requestId: string) => (await client.status(USER, requestId)).state;
  /** The CV 4 leg of a 1.1.1 and its Pre-Command, signed back as the second leg's body. */
  async function transformed(counter: string) {
    const transform = await client.submit({ originatorId: USER, targetId: METER, counter, commandVariant: 4, srv: '1.1.1', bodyValue: { Price: 12 } });
    expect([transform.status, transform.answer.header.responseCode]).toEqual([200, 'I0']);
    return { GBCSPayload: transform.answer.body.PreCommand.GBCSPayload };
  }
  const isLocalCommand = (value: unknown) => typeof value === 'string' && value.length > 0;

  it('answers CV 2 at once, 200 I0, with its local command, and the request is responded', async () => {
    const { status, answer } = await client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 2, srv: '4.1.1' });
    expect([status, answer.header.responseCode]).toEqual([200, 'I0']);
    expect(isLocalCommand(answer.body.LocalCommand), JSON.stringify(answer.body)).toBe(true);
    expect(answer.trt).toBeUndefined();
    expect(await state(answer.header.requestId)).toBe('responded');
  });

  it('answers a CV 6 signed leg at once, 200 I0, with its local command, and the request is responded', async () => {
    const counter = nextCounter();
    const bodyValue = await transformed(counter);
    const { status, answer } = await client.submit({ originatorId: USER, targetId: METER, counter, commandVariant: 6, srv: '1.1.1', bodyValue });
    expect([status, answer.header.responseCode]).toEqual([200, 'I0']);
    expect(isLocalCommand(answer.body.LocalCommand), JSON.stringify(answer.body)).toBe(true);
    expect(await state(answer.header.requestId)).toBe('responded');
  });

  it('acknowledges a CV 7 signed leg, 202 I99, and brings its local command with the response', async () => {
    const counter = nextCounter();
    const bodyValue = await transformed(counter);
    const { status, answer } = await client.submit({ originatorId: USER, targetId: METER, counter, commandVariant: 7, srv: '1.1.1', bodyValue });
    expect([status, answer.header.responseCode]).toEqual([202, 'I99']);
    expect(answer.body).toBeUndefined();
    const requestId = answer.header.requestId;
    await expect.poll(async () => (await client.pull(USER, undefined, 100)).items.find((item: any) => item.requestId === requestId && item.kind === 'response'), { timeout: 10_000, interval: 50 })
      .toMatchObject({ responseCode: 'I0', body: { LocalCommand: expect.any(String) } });
  });
});
