// The simulated devices keep state between requests and answer in DUIS's element names: a register
// that advances, credit that top-ups change (real router under Bun, its simulated networks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-12-00-01';
const METER = '00-DB-12-34-56-78-12-01';
let router: RouterProcess;
let client: RouterClient;

beforeAll(async () => {
  router = await startRouterProcess({ VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' });
  const admin = new Admin(router.url, router.adminToken);
  client = await admin.user(USER, ['IS']);
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER });
});
afterAll(async () => { await router?.stop(); });

async function responseTo(srv: string, bodyValue: Record<string, unknown> = {}) {
  const { status, answer } = await client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv, bodyValue });
  expect(status).toBe(202);
  const requestId = answer.header.requestId;
  let found: any;
  await expect.poll(async () => {
    found = ((await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[]).find((item) => item.requestId === requestId);
    return found !== undefined;
  }, { timeout: 5_000, interval: 50 }).toBe(true);
  return found.body;
}

describe('simulated devices', () => {
  it('answer reads with a register that advances, and top-ups with the credit they change', async () => {
    const first = (await responseTo('4.1.1')).ReadInstantaneousImportRegisters.ImportRegister;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = (await responseTo('4.1.1')).ReadInstantaneousImportRegisters.ImportRegister;
    expect(first.Unit).toBe('kWh');
    expect(second.Value).toBeGreaterThanOrEqual(first.Value);

    const topUp = (await responseTo('2.2', { TopUpAmount: 500 })).TopUpDevice;
    const again = (await responseTo('2.2', { TopUpAmount: 250 })).TopUpDevice;
    expect(topUp.CreditAdded).toBe(500);
    expect(again.MeterBalance - topUp.MeterBalance).toBe(250);
  });
});
