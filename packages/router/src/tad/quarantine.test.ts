import { describe, expect, it } from 'vitest';
import { compilePolicy, defaultTrtBudgets, type Device, type User } from '@dccrouter/domain';
import { MemoryStore, type Acceptance } from '@dccrouter/state';
import type { TrtBudgetTable } from '../trt/budgets.ts';
import { QuarantineDesk } from './quarantine.ts';

const USER = '90-B3-D5-1F-30-00-00-01';
const METER = '00-DB-12-34-56-78-90-A0';
const budgets = { current: () => defaultTrtBudgets() } as TrtBudgetTable;
const SUPPLIER: User = { userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '' };
const OTHER_SUPPLIER = '90-B3-D5-1F-30-00-00-09';
const METER_DEVICE: Device = { deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER };

/** A desk over the real embedded store, judging releases by what it holds now (no CPL entries). */
async function deskOver(store: MemoryStore, user: User = SUPPLIER, device: Device = METER_DEVICE) {
  await store.putUser(user);
  await store.putDevice(device);
  const directory = { user: (id: string) => store.getUser(id), device: (id: string) => store.getDevice(id) };
  return new QuarantineDesk(store, budgets, true, { directory, policy: compilePolicy(), cpl: { index: () => new Map() } });
}

/**
 * A SMETS2+ meter read held back by a threshold, as the pipeline records it; a DSP occurrence
 * carries its DSPScheduleID, a future-dated one its ExecutionDateTime.
 */
function quarantined(counter: number, scheduleId?: number, executionDateTime?: string): Acceptance {
  const requestId = `${USER}:${METER}:${counter}`;
  return {
    leg: 'single',
    legRecord: { bodyHash: `hash-${counter}`, srv: '4.1.1', answer: { status: 202, body: '{}' } },
    record: {
      requestId, originatorId: USER, targetId: METER, srv: '4.1.1', commandVariant: 1, state: 'quarantined',
      destination: 'smets2/north', generation: 'SMETS2+', acceptedAt: Date.now(), bodyElement: 'ReadInstantaneousImportRegisters',
      bodyValue: executionDateTime === undefined ? {} : { ExecutionDateTime: executionDateTime },
      quarantine: { ref: `ref-${counter}`, breach: 'user', expiresAt: Date.now() + 60_000 },
      ...(scheduleId === undefined ? {} : { responseExtras: { DSPScheduleID: String(scheduleId) } }),
    },
    quarantine: { ref: `ref-${counter}`, breach: 'user', expiresAt: Date.now() + 60_000 },
  };
}

describe('QuarantineDesk.release', () => {
  it('keeps a released DSP occurrence scheduled traffic (its 24 h TRT), and an on-demand request on demand (30 s)', async () => {
    const store = new MemoryStore();
    const desk = await deskOver(store);
    await store.recordAcceptance(`${USER}:${METER}:1`, quarantined(1, 7));
    await store.recordAcceptance(`${USER}:${METER}:2`, quarantined(2));
    const released = Date.now();
    expect(await desk.release('ref-1', USER)).toEqual({ ok: true, requestId: `${USER}:${METER}:1`, state: 'accepted' });
    expect(await desk.release('ref-2', USER)).toEqual({ ok: true, requestId: `${USER}:${METER}:2`, state: 'accepted' });
    const occurrence = await store.getRequest(`${USER}:${METER}:1`);
    const onDemand = await store.getRequest(`${USER}:${METER}:2`);
    expect(occurrence?.trt).toMatchObject({ class: 'smets2.scheduled', budgetMs: 86_400_000 });
    expect(onDemand?.trt).toMatchObject({ class: 'smets2.onDemand', budgetMs: 30_000 });
    // The clock starts at release.
    expect(occurrence!.trt!.startsAt).toBeGreaterThanOrEqual(released);
    // Released once: the next attempt is refused with its reason.
    expect(await desk.release('ref-1', USER)).toMatchObject({ ok: false, status: 409, reason: 'not_quarantined' });
  });

  it('deletes, rather than releases, a request past its quarantine\'s expiry that the sweep has not reached yet', async () => {
    const store = new MemoryStore();
    const desk = await deskOver(store);
    const expired = quarantined(3);
    expired.quarantine!.expiresAt = expired.record.quarantine!.expiresAt = Date.now() - 1;
    await store.recordAcceptance(`${USER}:${METER}:3`, expired);
    expect(await desk.release('ref-3', USER)).toMatchObject({ ok: false, status: 409, reason: 'not_quarantined', message: expect.stringContaining('expired at') });
    expect((await store.getRequest(`${USER}:${METER}:3`))?.state).toBe('deleted');
    expect(await store.claimEgress(['smets2/north'], 'router-a', 10)).toEqual([]);
  });

  it('holds a released future-dated request until its ExecutionDateTime, its TRT from then; one whose time has passed goes now', async () => {
    const store = new MemoryStore();
    const desk = await deskOver(store);
    const executionDateTime = Date.now() + 3_600_000;
    await store.recordAcceptance(`${USER}:${METER}:4`, quarantined(4, undefined, new Date(executionDateTime).toISOString()));
    await store.recordAcceptance(`${USER}:${METER}:5`, quarantined(5, undefined, new Date(Date.now() - 1_000).toISOString()));
    expect(await desk.release('ref-4', USER)).toMatchObject({ ok: true, state: 'accepted' });
    expect(await desk.release('ref-5', USER)).toMatchObject({ ok: true, state: 'accepted' });
    expect((await store.getRequest(`${USER}:${METER}:4`))?.trt).toMatchObject({ startsAt: executionDateTime, deadline: executionDateTime + 30_000 });
    // Only the one whose time has passed is queued; the other waits with the held requests.
    expect((await store.claimEgress(['smets2/north'], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([`${USER}:${METER}:5`]);
    expect(await store.claimHeld(executionDateTime - 1, 10, executionDateTime + 10_000)).toMatchObject({ claimed: [], more: false });
    const claims = await store.claimHeld(executionDateTime, 10, executionDateTime + 10_000);
    expect(claims.claimed.map((record) => record.requestId)).toEqual([`${USER}:${METER}:4`]);
    expect(await store.settleHeld(claims, executionDateTime, claims.claimed.map((record) => ({ record })), [])).toMatchObject({ queued: 1 });
    expect((await store.claimEgress(['smets2/north'], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([`${USER}:${METER}:4`]);
  });

  it('times a released signed leg of an SRV the device holds from its release, not its transform leg\'s ExecutionDateTime, sent at once', async () => {
    const store = new MemoryStore();
    const desk = await deskOver(store);
    const requestId = `${USER}:${METER}:6`;
    const executionDateTime = Date.now() + 3_600_000;
    const record = {
      requestId, originatorId: USER, targetId: METER, srv: '1.1.1', commandVariant: 4, state: 'transformed' as const,
      destination: 'smets2/north', generation: 'SMETS2+' as const, acceptedAt: Date.now(), bodyElement: 'UpdateImportTariffPrimaryElement', bodyValue: {},
    };
    await store.recordAcceptance(requestId, { leg: 'transform', legRecord: { bodyHash: 't', srv: '1.1.1', answer: { status: 200, body: '{}' }, executionDateTime }, record });
    const quarantine = { ref: 'ref-6', breach: 'user' as const, expiresAt: Date.now() + 60_000 };
    await store.recordAcceptance(requestId, {
      leg: 'signed', legRecord: { bodyHash: 's', srv: '1.1.1', answer: { status: 202, body: '{}' } },
      record: { ...record, commandVariant: 5, state: 'quarantined', bodyElement: 'SignedPreCommand', quarantine }, quarantine,
    });
    const released = Date.now();
    expect(await desk.release('ref-6', USER)).toMatchObject({ ok: true, state: 'accepted' });
    const { trt } = (await store.getRequest(requestId))!;
    expect(trt!.startsAt).toBeGreaterThanOrEqual(released);
    expect(trt!.startsAt).toBeLessThan(executionDateTime);
    expect(trt!.deadline).toBe(trt!.startsAt + 30_000);
    // The device holds it, not the DCC: it goes to its network now.
    expect((await store.claimEgress(['smets2/north'], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([requestId]);
  });

  it('sends a released request to the network its device is on now, not the one it was routed to when held', async () => {
    const store = new MemoryStore();
    const desk = await deskOver(store, SUPPLIER, { ...METER_DEVICE, cspRegion: 'South' });
    await store.recordAcceptance(`${USER}:${METER}:7`, quarantined(7));
    expect(await desk.release('ref-7', USER)).toMatchObject({ ok: true, state: 'accepted' });
    expect(await store.claimEgress(['smets2/north'], 'router-a', 10)).toEqual([]);
    expect((await store.claimEgress(['smets2/south'], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([`${USER}:${METER}:7`]);
    expect((await store.getRequest(`${USER}:${METER}:7`))?.destination).toBe('smets2/south');
  });

  it('judges the request again: refused (and left quarantined) once its User is suspended, no longer the meter\'s supplier, or the meter is Suspended', async () => {
    const cases: [string, User, Device, string][] = [
      ['suspended User', { ...SUPPLIER, status: 'suspended' }, METER_DEVICE, 'user_not_active'],
      ['change of supplier', SUPPLIER, { ...METER_DEVICE, importSupplier: OTHER_SUPPLIER }, 'not_authorised_for_device'],
      ['meter suspended', SUPPLIER, { ...METER_DEVICE, status: 'Suspended' }, 'device_status_incompatible'],
    ];
    for (const [name, user, device, reason] of cases) {
      const store = new MemoryStore();
      const desk = await deskOver(store, user, device);
      await store.recordAcceptance(`${USER}:${METER}:3`, quarantined(3));
      expect(await desk.release('ref-3', USER), name).toMatchObject({ ok: false, status: 409, reason });
      expect((await store.getRequest(`${USER}:${METER}:3`))?.state, name).toBe('quarantined');
      expect(await desk.delete('ref-3', USER), name).toMatchObject({ ok: true, state: 'deleted' });
    }
  });
});
