// The contract every StateStore implementation must keep; each implementation's test file runs it.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { plainAcknowledgement, type Device, type User } from '@dccrouter/domain';
import { describeInstallationsContract } from './installations-contract.ts';
import { isCursor } from '../src/shared/index.ts';
import { compareCursors, DEAD_LETTER_CURSOR, originatorOf, partitionOf, QUARANTINE_CURSOR, quarantineRef, type Acceptance, type ClaimedSchedule, type DeadLetter, type HeldRelease, type Leg, type LegRecord, type NewOutboxItem, type OutboxItem, type ReleaseHandOver, type RequestRecord, type StateStore } from '../src/index.ts';

export interface ContractStoreOptions {
  requestRetentionSeconds?: number;
  deadLetterRetentionSeconds?: number;
  outboxRetentionSeconds?: number;
}

/** Each call must give a store of its own, empty of what other calls wrote. */
export type MakeStore = (options?: ContractStoreOptions) => Promise<StateStore>;

export const fullUser = (userId = `user-${randomUUID()}`): User => ({
  userId,
  roles: ['IS', 'GS'],
  status: 'active',
  publicKeyPem: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n',
  receiveEndpoint: 'https://user.example/receive',
  certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  receiveFormat: 'xml',
});

export const minimalUser = (userId = `user-${randomUUID()}`): User => ({ userId, roles: ['ED'], status: 'suspended', publicKeyPem: 'pem' });

export const fullDevice = (deviceId = `dev-${randomUUID()}`): Device => ({
  deviceId,
  deviceType: 'ESME',
  status: 'Commissioned',
  generation: 'SMETS1',
  cspRegion: '4G North',
  smets1Cohort: 'landis-gyr',
  deviceModel: 'M1',
  firmwareVersion: '1.2.3',
  importSupplier: 'IS-1',
  exportSupplier: 'ES-1',
  gasSupplier: 'GS-1',
  electricityDistributor: 'ED-1',
  gasTransporter: 'GT-1',
});

export const minimalDevice = (deviceId = `dev-${randomUUID()}`): Device => ({ deviceId, deviceType: 'GSME', status: 'Pending', generation: 'SMETS2+' });

export const newRequestId = () => `90-B3-D5-1F-30-00-00-01:00-DB-12-34-56-78-90-A0:${randomUUID()}`;

/** An acceptance as the router makes it for a plain SMETS2+ read: its answer is the plain I99 acknowledgement of its record. */
export function plainAcceptance(requestId: string, bodyHash = 'b'.repeat(64)): Acceptance {
  const base = acceptance('single', { requestId, bodyHash });
  const trt = { class: 'smets2.onDemand' as const, budgetMs: 30_000, startsAt: base.record.acceptedAt, deadline: base.record.acceptedAt + 30_000 };
  const record: RequestRecord = { ...base.record, generation: 'SMETS2+', trt };
  const answer = plainAcknowledgement(record);
  expect(answer.status).toBe(202);
  return { ...base, record, legRecord: { ...base.legRecord, answer }, plainAcknowledgement: true };
}

export function acceptance(leg: Leg, options: { bodyHash?: string; srv?: string; requestId?: string; status?: number } = {}): Acceptance {
  const { bodyHash = 'a'.repeat(64), srv = '4.1.1', requestId = 'unused', status = 202 } = options;
  const record: RequestRecord = {
    requestId,
    originatorId: '90-B3-D5-1F-30-00-00-01',
    targetId: '00-DB-12-34-56-78-90-A0',
    srv,
    commandVariant: leg === 'transform' ? 4 : leg === 'signed' ? 5 : 1,
    state: leg === 'transform' ? 'transformed' : 'accepted',
    destination: 'smets2/central',
    acceptedAt: 1_700_000_000_000,
    bodyElement: 'ReadInstantaneousImportRegisters',
    bodyValue: { leg, bodyHash },
  };
  const legRecord: LegRecord = { bodyHash, srv, answer: { status, body: JSON.stringify({ leg, bodyHash }) } };
  return { leg, legRecord, record };
}

const hash = (text: string) => text.padEnd(64, '0');
/** The Access Control Broker: a 5.1's target, so the RequestID that creates a schedule names it. */
const ACB_FOR_SCHEDULES = '90-B3-D5-1F-30-00-00-02';

/** A request's TRT alerts in its User's outbox. */
const trtAlertsOf = async (store: StateStore, requestId: string) =>
  (await store.readOutbox(originatorOf(requestId), undefined, 10_000)).filter((item) => item.alertCode === 'TRT' && item.requestId === requestId);

/** The requests a claim took (a breach with its alert queued, or overdue), each named once across claims. */
const claimed = async (store: StateStore, now: number, max: number) => (await store.claimBreaches(now, max)).breaches;

/** Due held requests claimed and all sent on where they were routed, as a router that judges them allowed does. */
export async function releaseHeld(store: StateStore, now: number, max: number, handOver?: ReleaseHandOver): Promise<HeldRelease & { more: boolean }> {
  const claims = await store.claimHeld(now, max, now + 10_000);
  return { ...(await store.settleHeld(claims, now, claims.claimed.map((record) => ({ record })), [], handOver)), more: claims.more };
}

export function describeStoreContract(name: string, makeStore: MakeStore, cleanup?: () => Promise<void>): void {
  describe(`StateStore contract: ${name}`, () => {
    const opened: StateStore[] = [];
    const open = async (options?: ContractStoreOptions) => {
      const store = await makeStore(options);
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    afterAll(async () => {
      await cleanup?.();
    });

    describeInstallationsContract(() => open());

    it('answers ping', async () => {
      const store = await open();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('tells the time by its own clock', async () => {
      const store = await open();
      const before = Date.now();
      const time = await store.storeTime();
      // The test's Redis runs on this machine: one clock.
      expect(time).toBeGreaterThanOrEqual(before - 5);
      expect(time).toBeLessThanOrEqual(Date.now() + 5);
    });

    it('keeps the first identity claimed, for every instance sharing the store', async () => {
      const store = await open();
      const first = await store.storeIdentity('first');
      expect(first).toBe('first');
      expect(await store.storeIdentity('second')).toBe('first');
    });

    describe('users', () => {
      it('round-trip with every optional field, and absent fields stay absent', async () => {
        const store = await open();
        const full = fullUser();
        const minimal = minimalUser();
        await store.putUser(full);
        await store.putUser(minimal);
        expect(await store.getUser(full.userId)).toStrictEqual(full);
        const got = await store.getUser(minimal.userId);
        expect(got).toStrictEqual(minimal);
        expect(Object.keys(got!).sort()).toEqual(['publicKeyPem', 'roles', 'status', 'userId']);
      });

      it('answer undefined for an unknown id', async () => {
        const store = await open();
        expect(await store.getUser('nobody')).toBeUndefined();
      });

      it('are replaced by a later put', async () => {
        const store = await open();
        const user = fullUser();
        await store.putUser(user);
        const suspended: User = { ...minimalUser(user.userId), status: 'suspended' };
        await store.putUser(suspended);
        expect(await store.getUser(user.userId)).toStrictEqual(suspended);
      });

      it('are stored as copies, not aliased with the caller', async () => {
        const store = await open();
        const user = fullUser();
        const expected = structuredClone(user);
        await store.putUser(user);
        user.roles.push('OU');
        user.status = 'suspended';
        const got = await store.getUser(user.userId);
        got!.roles.length = 0;
        expect(await store.getUser(user.userId)).toStrictEqual(expected);
      });
    });

    describe('devices', () => {
      it('round-trip with every optional field, and absent fields stay absent', async () => {
        const store = await open();
        const full = fullDevice();
        const minimal = minimalDevice();
        await store.putDevice(full);
        await store.putDevice(minimal);
        expect(await store.getDevice(full.deviceId)).toStrictEqual(full);
        const got = await store.getDevice(minimal.deviceId);
        expect(got).toStrictEqual(minimal);
        expect(Object.keys(got!).sort()).toEqual(['deviceId', 'deviceType', 'generation', 'status']);
      });

      it('answer undefined for an unknown id', async () => {
        const store = await open();
        expect(await store.getDevice('no-such-device')).toBeUndefined();
      });

      it('read several at once in the order asked, undefined where unknown, a repeated id answered twice', async () => {
        const store = await open();
        const full = fullDevice();
        const minimal = minimalDevice();
        await store.putDevices([full, minimal]);
        expect(await store.getDevices([minimal.deviceId, 'no-such-device', full.deviceId, minimal.deviceId]))
          .toStrictEqual([minimal, undefined, full, minimal]);
        expect(await store.getDevices([])).toStrictEqual([]);
      });

      it('are stored as copies, not aliased with the caller', async () => {
        const store = await open();
        const device = fullDevice();
        const expected = structuredClone(device);
        await store.putDevice(device);
        device.status = 'Decommissioned';
        const got = await store.getDevice(device.deviceId);
        got!.importSupplier = 'someone else';
        expect(await store.getDevice(device.deviceId)).toStrictEqual(expected);
      });

      it('load 10,000 at once with putDevices', async () => {
        const store = await open();
        const devices = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? fullDevice(`bulk-${i}`) : minimalDevice(`bulk-${i}`)));
        await store.putDevices(devices);
        for (const i of [0, 1, 1_999, 2_000, 5_001, 9_998, 9_999]) {
          expect(await store.getDevice(`bulk-${i}`)).toStrictEqual(devices[i]);
        }
        expect(await store.getDevice('bulk-10000')).toBeUndefined();
      });

      it('change in place what the store holds now: a change made meanwhile stays, unknown ones are skipped, each change logged', async () => {
        const store = await open();
        const device = minimalDevice();
        await store.putDevice(device);
        const cursor = (await store.directoryChanges(undefined)).cursor;
        // Another writer's change, after whatever copy a caller holds: the update starts from it.
        await store.putDevice({ ...device, status: 'Decommissioned' });
        const updates = await store.updateDevices([device.deviceId, 'no-such-device'], (stored) => ({ ...stored, pendingFirmwareVersion: '9.9' }));
        const after: Device = { ...device, status: 'Decommissioned', pendingFirmwareVersion: '9.9' };
        expect(updates).toStrictEqual([{ before: { ...device, status: 'Decommissioned' }, after }]);
        expect(await store.getDevice(device.deviceId)).toStrictEqual(after);
        expect((await store.directoryChanges(cursor)).devices).toEqual([device.deviceId, device.deviceId]);
        // A change that answers undefined leaves it, and is not logged.
        const unchanged = (await store.directoryChanges(undefined)).cursor;
        expect(await store.updateDevices([device.deviceId], () => undefined)).toStrictEqual([]);
        expect(await store.getDevice(device.deviceId)).toStrictEqual(after);
        expect((await store.directoryChanges(unchanged)).devices).toEqual([]);
        expect(await store.updateDevices([], () => after)).toStrictEqual([]);
      });

      it('log the devices a change wrote even when it fails on another, and fail', async () => {
        const store = await open();
        const [written, failing] = [minimalDevice(), minimalDevice()];
        await store.putDevices([written, failing]);
        const cursor = (await store.directoryChanges(undefined)).cursor;
        await expect(store.updateDevices([written.deviceId, failing.deviceId], (device) => {
          if (device.deviceId === failing.deviceId) throw new Error('cannot change this one');
          return { ...device, pendingFirmwareVersion: '2.0' };
        })).rejects.toThrow('cannot change this one');
        expect(await store.getDevice(written.deviceId)).toStrictEqual({ ...written, pendingFirmwareVersion: '2.0' });
        expect(await store.getDevice(failing.deviceId)).toStrictEqual(failing);
        expect((await store.directoryChanges(cursor)).devices).toEqual([written.deviceId]);
      });

      it('change one device from many callers at once without losing any of their changes', async () => {
        const store = await open();
        const device = minimalDevice();
        await store.putDevice(device);
        const fields = ['importSupplier', 'exportSupplier', 'gasSupplier', 'electricityDistributor', 'gasTransporter', 'deviceModel', 'firmwareVersion'] as const;
        await Promise.all(fields.map((field) => store.updateDevices([device.deviceId], (stored) => ({ ...stored, [field]: `${field}-set` }))));
        expect(await store.getDevice(device.deviceId)).toStrictEqual({ ...device, ...Object.fromEntries(fields.map((field) => [field, `${field}-set`])) });
      });

      it('merge a bulk write with what the store holds when it writes, a device given twice following itself, each write logged', async () => {
        const store = await open();
        const [kept, fresh] = [minimalDevice(), minimalDevice()];
        await store.putDevice({ ...kept, pendingFirmwareVersion: '1.1' });
        const cursor = (await store.directoryChanges(undefined)).cursor;
        const keepPending = (written: Device, stored: Device | undefined): Device =>
          (stored?.pendingFirmwareVersion ? { ...written, pendingFirmwareVersion: stored.pendingFirmwareVersion } : written);
        const writes = await store.mergeDevices([{ ...kept, status: 'Suspended' }, fresh, { ...kept, status: 'Decommissioned' }], keepPending);
        expect(writes).toStrictEqual([
          { before: { ...kept, pendingFirmwareVersion: '1.1' }, after: { ...kept, status: 'Suspended', pendingFirmwareVersion: '1.1' } },
          { before: undefined, after: fresh },
          { before: { ...kept, status: 'Suspended', pendingFirmwareVersion: '1.1' }, after: { ...kept, status: 'Decommissioned', pendingFirmwareVersion: '1.1' } },
        ]);
        expect(await store.getDevices([kept.deviceId, fresh.deviceId])).toStrictEqual([writes[2].after, fresh]);
        expect(new Set((await store.directoryChanges(cursor)).devices)).toEqual(new Set([kept.deviceId, fresh.deviceId]));
        expect(await store.mergeDevices([], keepPending)).toStrictEqual([]);
      });

      it('merge a bulk write with a change another writer made between its read and its write, never overwriting it', async () => {
        const store = await open();
        const device = minimalDevice();
        await store.putDevice(device);
        let meanwhile: Promise<void> | undefined;
        const writes = await store.mergeDevices([{ ...device, status: 'Suspended' }], (written, stored) => {
          // Another writer's change after this write read the device (on Redis, sent ahead of its write).
          meanwhile ??= store.putDevice({ ...device, pendingFirmwareVersion: '9.9' });
          return stored?.pendingFirmwareVersion ? { ...written, pendingFirmwareVersion: stored.pendingFirmwareVersion } : written;
        });
        await meanwhile;
        const after: Device = { ...device, status: 'Suspended', pendingFirmwareVersion: '9.9' };
        expect(writes).toStrictEqual([{ before: { ...device, pendingFirmwareVersion: '9.9' }, after }]);
        expect(await store.getDevice(device.deviceId)).toStrictEqual(after);
      });

      it('accept an empty putDevices', async () => {
        const store = await open();
        await expect(store.putDevices([])).resolves.toBeUndefined();
      });
    });

    describe('devicesOfModel', () => {
      it('pages through every device of a model, whichever way it was written, and no other', async () => {
        const store = await open();
        const model = `MODEL-${randomUUID()}`;
        const ids = Array.from({ length: 25 }, (_, i) => `00-DB-12-34-56-78-${randomUUID().slice(0, 2).toUpperCase()}-${String(i).padStart(2, '0')}`);
        await store.putDevices(ids.slice(0, 20).map((deviceId) => ({ ...fullDevice(deviceId), deviceModel: model })));
        for (const deviceId of ids.slice(20)) await store.putDevice({ ...fullDevice(deviceId), deviceModel: model });
        await store.putDevice({ ...fullDevice(`00-DB-12-34-56-78-FF-${randomUUID().slice(0, 2).toUpperCase()}`), deviceModel: `${model}-other` });
        // One moved to another model since: no longer this model's.
        await store.putDevice({ ...fullDevice(ids[0]), deviceModel: `${model}-other` });
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.devicesOfModel(model, cursor, 7);
          seen.push(...page.devices.map((device) => device.deviceId));
          expect(page.devices.every((device) => device.deviceModel === model)).toBe(true);
          cursor = page.cursor;
        } while (cursor !== undefined && ++pages < 100);
        expect([...new Set(seen)].sort()).toEqual(ids.slice(1).sort());
      });
    });

    describe('devices by destination', () => {
      it('counts and samples the devices routed to a destination, whichever way written; one moved leaves its old one', async () => {
        const store = await open();
        const north = (deviceId: string) => ({ ...fullDevice(deviceId), generation: 'SMETS2+' as const, cspRegion: 'North' as const });
        const itron = (deviceId: string) => ({ ...fullDevice(deviceId), smets1Cohort: 'itron' as const });
        const ids = Array.from({ length: 12 }, (_, i) => `00-DB-12-34-56-78-AA-${String(i).padStart(2, '0')}`);
        await store.putDevices(ids.slice(0, 8).map(north));
        for (const deviceId of ids.slice(8, 10)) await store.putDevice(north(deviceId));
        await store.putDevices(ids.slice(10).map(itron));
        expect([await store.countDevicesAt('smets2/north'), await store.countDevicesAt('smets1/itron'), await store.countDevicesAt('smets2/south')]).toEqual([10, 2, 0]);
        const some = await store.sampleDevicesAt('smets2/north', 4);
        expect(some).toHaveLength(4);
        expect(new Set(some).size).toBe(4);
        expect(some.every((id) => ids.slice(0, 10).includes(id))).toBe(true);
        expect((await store.sampleDevicesAt('smets2/north', 100)).sort()).toEqual(ids.slice(0, 10));
        expect(await store.sampleDevicesAt('smets2/south', 5)).toEqual([]);
        // Moved to an S1SP: sampled there, never again at its old CSP (which counts it no more once sampled).
        await store.putDevice(itron(ids[0]));
        // A sample as large as what is still there is of exactly that, even when the draw first met the moved one.
        const nine = await store.sampleDevicesAt('smets2/north', 9);
        expect(nine.sort()).toEqual(ids.slice(1, 10));
        expect((await store.sampleDevicesAt('smets2/north', 100)).sort()).toEqual(ids.slice(1, 10));
        expect(await store.countDevicesAt('smets2/north')).toBe(9);
        expect((await store.sampleDevicesAt('smets1/itron', 100)).sort()).toEqual([ids[0], ...ids.slice(10)].sort());
      });

      it('leases a destination\'s rate alerts to one owner at a time, renewable, until it lapses', async () => {
        const store = await open();
        expect(await store.leaseAlerts('smets2/north', 'a', 200)).toBe(true);
        expect(await store.leaseAlerts('smets2/north', 'b', 200)).toBe(false);
        expect(await store.leaseAlerts('smets2/south', 'b', 200)).toBe(true);
        expect(await store.leaseAlerts('smets2/north', 'a', 200)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await store.leaseAlerts('smets2/north', 'b', 200)).toBe(true);
        expect(await store.leaseAlerts('smets2/north', 'a', 200)).toBe(false);
      });
    });

    describe('directoryChanges', () => {
      it('lists the Users and devices written after a cursor, oldest first, and moves the cursor on', async () => {
        const store = await open();
        const start = await store.directoryChanges(undefined);
        expect(start).toMatchObject({ users: [], devices: [], reset: false });
        const user = fullUser();
        const [a, b] = [fullDevice(), fullDevice()];
        await store.putUser(user);
        await store.putDevice(a);
        await store.putDevices([b]);
        const changes = await store.directoryChanges(start.cursor);
        expect(changes).toMatchObject({ users: [user.userId], devices: [a.deviceId, b.deviceId], reset: false });
        expect(await store.directoryChanges(changes.cursor)).toStrictEqual({ cursor: changes.cursor, users: [], devices: [], reset: false });
        // Without a cursor: where the log stands now, nothing listed.
        expect((await store.directoryChanges(undefined)).cursor).toBe(changes.cursor);
      });

      it('logs a bulk write as a reset rather than device by device', async () => {
        const store = await open();
        const { cursor } = await store.directoryChanges(undefined);
        await store.putDevices(Array.from({ length: 101 }, () => minimalDevice()));
        expect(await store.directoryChanges(cursor)).toMatchObject({ devices: [], reset: true });
      });

      it('answers reset to a cursor the trimmed log no longer reaches', async () => {
        const store = await open();
        const { cursor } = await store.directoryChanges(undefined);
        await store.putUser(fullUser());
        // Far more single changes than the log keeps.
        for (let i = 0; i < 12; i++) await store.putDevices(Array.from({ length: 100 }, () => minimalDevice()));
        for (let i = 0; i < 10_500; i += 500) await Promise.all(Array.from({ length: 500 }, () => store.putDevice(minimalDevice())));
        const changes = await store.directoryChanges(cursor, 100_000);
        expect(changes.reset).toBe(true);
      });
    });

    describe('loadContext', () => {
      it('returns nothing for a RequestID never acknowledged', async () => {
        const store = await open();
        expect(await store.loadContext(newRequestId(), 'single')).toStrictEqual({});
        expect(await store.loadContext(newRequestId(), 'signed')).toStrictEqual({});
      });

      it("reads a signed leg's transform leg and command, and a transform leg's own record", async () => {
        const store = await open();
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId });
        await store.recordAcceptance(requestId, transform);
        expect(await store.loadContext(requestId, 'signed')).toStrictEqual({
          transformLeg: transform.legRecord, transformCommand: { element: transform.record.bodyElement, value: transform.record.bodyValue }, transformState: 'transformed',
        });
        expect(await store.loadContext(requestId, 'transform')).toStrictEqual({ leg: transform.legRecord });
      });

      it("returns the leg's record, and no transform leg for a leg other than signed", async () => {
        const store = await open();
        const requestId = newRequestId();
        const single = acceptance('single', { requestId, bodyHash: hash('s') });
        await store.recordAcceptance(requestId, single);
        expect(await store.loadContext(requestId, 'single')).toStrictEqual({ leg: single.legRecord });
        expect(await store.loadContext(requestId, 'transform')).toStrictEqual({});
      });

      it('returns the signed leg and its transform leg for a signed leg', async () => {
        const store = await open();
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId, bodyHash: hash('t') });
        transform.legRecord.executionDateTime = 1_800_000_000_000;
        const signed = acceptance('signed', { requestId, bodyHash: hash('s') });
        await store.recordAcceptance(requestId, transform);
        // The transform leg's body: what the signed leg's Pre-Command commands.
        expect(await store.loadContext(requestId, 'signed'))
          .toStrictEqual({ transformLeg: transform.legRecord, transformCommand: { element: 'ReadInstantaneousImportRegisters', value: { leg: 'transform', bodyHash: hash('t') } }, transformState: 'transformed' });
        const command = { element: 'ReadInstantaneousImportRegisters', value: { leg: 'transform', bodyHash: hash('t') } };
        signed.record = { ...signed.record, command, firmwareVersion: '2.1' };
        expect(await store.recordAcceptance(requestId, signed)).toEqual({ outcome: 'recorded' });
        expect(await store.loadContext(requestId, 'signed'))
          .toStrictEqual({ leg: signed.legRecord, transformLeg: transform.legRecord });
        // The network gets them with the record.
        expect(await store.getRequest(requestId)).toMatchObject({ command, firmwareVersion: '2.1' });
      });

      it('returns copies', async () => {
        const store = await open();
        const requestId = newRequestId();
        const single = acceptance('single', { requestId });
        await store.recordAcceptance(requestId, single);
        const context = await store.loadContext(requestId, 'single');
        context.leg!.answer.status = 500;
        expect((await store.loadContext(requestId, 'single')).leg).toStrictEqual(single.legRecord);
      });
    });

    describe('recordAcceptance', () => {
      it('records a new leg, then answers duplicate with the first answer for the same body', async () => {
        const store = await open();
        const requestId = newRequestId();
        const first = acceptance('single', { requestId, bodyHash: hash('1'), status: 202 });
        expect(await store.recordAcceptance(requestId, first)).toEqual({ outcome: 'recorded' });
        const again = acceptance('single', { requestId, bodyHash: hash('1'), status: 299 });
        expect(await store.recordAcceptance(requestId, again)).toStrictEqual({ outcome: 'duplicate', answer: first.legRecord.answer });
      });

      it('gives back a plain I99 acknowledgement byte for byte, on a duplicate and to loadContext', async () => {
        const store = await open();
        const requestId = newRequestId();
        const plain = plainAcceptance(requestId);
        expect(await store.recordAcceptance(requestId, plain)).toEqual({ outcome: 'recorded' });
        expect(await store.recordAcceptance(requestId, plainAcceptance(requestId))).toStrictEqual({ outcome: 'duplicate', answer: plain.legRecord.answer });
        const context = await store.loadContext(requestId, 'single');
        expect(context.leg).toStrictEqual(plain.legRecord);
      });

      it('answers request_id_reused for the same leg with another body, and keeps the first', async () => {
        const store = await open();
        const requestId = newRequestId();
        const first = acceptance('single', { requestId, bodyHash: hash('1') });
        await store.recordAcceptance(requestId, first);
        expect(await store.recordAcceptance(requestId, acceptance('single', { requestId, bodyHash: hash('2'), srv: '4.1.2' })))
          .toEqual({ outcome: 'request_id_reused' });
        expect((await store.loadContext(requestId, 'single')).leg).toStrictEqual(first.legRecord);
        expect(await store.getRequest(requestId)).toStrictEqual(first.record);
      });

      it('answers transform_leg_missing for a signed leg without a transform leg, recording nothing', async () => {
        const store = await open();
        const requestId = newRequestId();
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId }))).toEqual({ outcome: 'transform_leg_missing' });
        expect(await store.getRequest(requestId)).toBeUndefined();
        expect(await store.loadContext(requestId, 'signed')).toStrictEqual({});
      });

      it('answers transform_leg_missing for a signed leg whose transform leg is for another SRV', async () => {
        const store = await open();
        const requestId = newRequestId();
        await store.recordAcceptance(requestId, acceptance('transform', { requestId, srv: '6.15.1' }));
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, srv: '6.15.2' })))
          .toEqual({ outcome: 'transform_leg_missing' });
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, srv: '6.15.1' })))
          .toEqual({ outcome: 'recorded' });
      });

      it('answers transform_leg_missing when a single leg, not a transform leg, was recorded', async () => {
        const store = await open();
        const requestId = newRequestId();
        await store.recordAcceptance(requestId, acceptance('single', { requestId, srv: '6.15.1' }));
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, srv: '6.15.1' })))
          .toEqual({ outcome: 'transform_leg_missing' });
      });

      it('judges a missing transform leg before a reused RequestID', async () => {
        const store = await open();
        const requestId = newRequestId();
        await store.recordAcceptance(requestId, acceptance('transform', { requestId, srv: '6.15.1', bodyHash: hash('t') }));
        const signed = acceptance('signed', { requestId, srv: '6.15.1', bodyHash: hash('s1') });
        expect(await store.recordAcceptance(requestId, signed)).toEqual({ outcome: 'recorded' });
        // A signed leg exists with another hash, and there is no transform leg for this SRV.
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, srv: '6.15.2', bodyHash: hash('s2') })))
          .toEqual({ outcome: 'transform_leg_missing' });
        // A transform leg for this SRV exists: now it is a reuse.
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, srv: '6.15.1', bodyHash: hash('s2') })))
          .toEqual({ outcome: 'request_id_reused' });
      });

      it('judges a same-body duplicate before everything else', async () => {
        const store = await open();
        const requestId = newRequestId();
        await store.recordAcceptance(requestId, acceptance('transform', { requestId, srv: '6.15.1', bodyHash: hash('t') }));
        const signed = acceptance('signed', { requestId, srv: '6.15.1', bodyHash: hash('s1') });
        await store.recordAcceptance(requestId, signed);
        // Same hash: a duplicate even though the SRV given has no transform leg.
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, srv: '6.15.2', bodyHash: hash('s1'), status: 500 })))
          .toStrictEqual({ outcome: 'duplicate', answer: signed.legRecord.answer });
      });

      it('keeps a RequestID to one request: a single leg\'s refuses a transform leg, and a pair\'s a single leg; each leg\'s duplicate answered as first', async () => {
        const store = await open();
        const requestId = newRequestId();
        const single = acceptance('single', { requestId, bodyHash: hash('1') });
        expect(await store.recordAcceptance(requestId, single)).toEqual({ outcome: 'recorded' });
        expect(await store.recordAcceptance(requestId, acceptance('transform', { requestId, bodyHash: hash('1'), srv: '1.1.1' })))
          .toEqual({ outcome: 'request_id_reused' });
        expect(await store.recordAcceptance(requestId, acceptance('single', { requestId, bodyHash: hash('1'), status: 500 })))
          .toStrictEqual({ outcome: 'duplicate', answer: single.legRecord.answer });
        expect(await store.getRequest(requestId)).toStrictEqual(single.record);

        const paired = newRequestId();
        const transform = acceptance('transform', { requestId: paired, bodyHash: hash('t'), srv: '1.1.1' });
        expect(await store.recordAcceptance(paired, transform)).toEqual({ outcome: 'recorded' });
        expect(await store.recordAcceptance(paired, acceptance('single', { requestId: paired, bodyHash: hash('1') })))
          .toEqual({ outcome: 'request_id_reused' });
        expect(await store.getRequest(paired)).toStrictEqual(transform.record);
        const signed = acceptance('signed', { requestId: paired, bodyHash: hash('s'), srv: '1.1.1' });
        expect(await store.recordAcceptance(paired, signed)).toEqual({ outcome: 'recorded' });
        expect(await store.recordAcceptance(paired, acceptance('single', { requestId: paired, bodyHash: hash('1') })))
          .toEqual({ outcome: 'request_id_reused' });
      });

      it.each(['quarantined', 'deleted'] as const)('answers transform_leg_missing for a signed leg whose transform leg was %s (it gave no Pre-Command), recording nothing', async (held) => {
        const store = await open();
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId, bodyHash: hash('t'), srv: '1.1.1' });
        transform.record.state = held;
        expect(await store.recordAcceptance(requestId, transform)).toEqual({ outcome: 'recorded' });
        expect((await store.loadContext(requestId, 'signed')).transformState).toBe(held);
        expect(await store.recordAcceptance(requestId, acceptance('signed', { requestId, bodyHash: hash('s'), srv: '1.1.1' })))
          .toEqual({ outcome: 'transform_leg_missing' });
        expect((await store.getRequest(requestId))?.state).toBe(held);
      });

      it('records exactly one of 50 concurrent identical acceptances; the others are duplicates with its answer', async () => {
        const store = await open();
        const requestId = newRequestId();
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
          store.recordAcceptance(requestId, acceptance('single', { requestId, bodyHash: hash('same'), status: 200 + i }))));
        const recorded = results.findIndex((result) => result.outcome === 'recorded');
        expect(recorded).toBeGreaterThanOrEqual(0);
        const firstAnswer = acceptance('single', { requestId, bodyHash: hash('same'), status: 200 + recorded }).legRecord.answer;
        expect(results.filter((result) => result.outcome === 'recorded')).toHaveLength(1);
        expect(results.filter((result) => result.outcome === 'duplicate')).toHaveLength(49);
        for (const result of results) {
          if (result.outcome === 'duplicate') expect(result.answer).toStrictEqual(firstAnswer);
        }
      });

      it("counts the User's thresholds in the same step: over a limit nothing is recorded or counted", async () => {
        const store = await open();
        const scope = `user-${randomUUID()}`;
        const at = Date.now();
        const rules = [{ key: '*', limit: 2, windowMs: 60_000 }, { key: '4.1.1', limit: 5, windowMs: 60_000 }];
        const counted = (requestId: string) => ({ ...acceptance('single', { requestId, bodyHash: hash(requestId) }), count: { scope, rules, at } });
        const [a, b, c] = [newRequestId(), newRequestId(), newRequestId()];
        expect(await store.recordAcceptance(a, counted(a))).toStrictEqual({ outcome: 'recorded', counts: [1, 1] });
        // A duplicate is judged before counting: it neither counts nor is refused by the limit.
        expect((await store.recordAcceptance(a, counted(a))).outcome).toBe('duplicate');
        expect(await store.recordAcceptance(b, counted(b))).toStrictEqual({ outcome: 'recorded', counts: [2, 2] });
        expect(await store.recordAcceptance(c, counted(c))).toStrictEqual({ outcome: 'over_limit', counts: [2, 2], breached: 0 });
        expect(await store.getRequest(c)).toBeUndefined();
        // Recorded without a count (as the caller does for a quarantined request), it is recorded.
        expect(await store.recordAcceptance(c, acceptance('single', { requestId: c, bodyHash: hash(c) }))).toStrictEqual({ outcome: 'recorded' });
        // Another User's counts are its own.
        const other = newRequestId();
        expect(await store.recordAcceptance(other, { ...counted(other), count: { scope: `${scope}-other`, rules, at } }))
          .toStrictEqual({ outcome: 'recorded', counts: [1, 1] });
      });

      it('records and counts an acceptance counted even in excess (a SMETS1 request, detected), in a call with others', async () => {
        const store = await open();
        const scope = `user-${randomUUID()}`;
        const at = Date.now();
        const rules = [{ key: '*', limit: 1, windowMs: 60_000 }];
        const send = (evenInExcess: boolean) => {
          const requestId = newRequestId();
          return store.recordAcceptance(requestId, { ...acceptance('single', { requestId, bodyHash: hash(requestId) }), count: { scope, rules, at, evenInExcess } });
        };
        expect(await send(false)).toStrictEqual({ outcome: 'recorded', counts: [1] });
        // Sent together: the plain one over the limit is refused, the one counted in excess recorded and counted.
        expect(await Promise.all([send(false), send(true), send(false)])).toStrictEqual([
          { outcome: 'over_limit', counts: [1], breached: 0 }, { outcome: 'recorded', counts: [2] }, { outcome: 'over_limit', counts: [2], breached: 0 },
        ]);
        expect(await send(true)).toStrictEqual({ outcome: 'recorded', counts: [3] });
      });

      it('judges and counts concurrent acceptances of one User one at a time', async () => {
        const store = await open();
        const scope = `user-${randomUUID()}`;
        const rules = [{ key: '*', limit: 10, windowMs: 60_000 }];
        const results = await Promise.all(Array.from({ length: 30 }, () => {
          const requestId = newRequestId();
          return store.recordAcceptance(requestId, { ...acceptance('single', { requestId, bodyHash: hash(requestId) }), count: { scope, rules, at: Date.now() } });
        }));
        expect(results.filter((r) => r.outcome === 'recorded')).toHaveLength(10);
        expect(results.filter((r) => r.outcome === 'over_limit')).toHaveLength(20);
      });

      it('counts many acceptances of one User sent together in order, as the window slides, and keeps the counts for the next', async () => {
        const store = await open();
        const scope = `user-${randomUUID()}`;
        const rules = [{ key: '*', limit: 6, windowMs: 60_000 }];
        const at = Date.now();
        const send = (times: number[]) => Promise.all(times.map((time) => {
          const requestId = newRequestId();
          return store.recordAcceptance(requestId, { ...acceptance('single', { requestId, bodyHash: hash(requestId) }), count: { scope, rules, at: time } });
        }));
        // Four in one window, then four a window and more later (the first four have left it), sent together.
        const first = await send([at, at, at, at, at + 61_000, at + 61_000, at + 61_000, at + 61_000]);
        expect(first).toStrictEqual([1, 2, 3, 4, 1, 2, 3, 4].map((n) => ({ outcome: 'recorded', counts: [n] })));
        // What they counted is kept: the next two fill the window, the one after is over the limit.
        const second = await send([at + 61_000, at + 61_000, at + 61_000]);
        expect(second).toStrictEqual([
          { outcome: 'recorded', counts: [5] }, { outcome: 'recorded', counts: [6] }, { outcome: 'over_limit', counts: [6], breached: 0 },
        ]);
      });

      it('judges each of acceptances sent together by its own rules: one counter under two limits, and another User\'s', async () => {
        const store = await open();
        const [user, other] = [`user-${randomUUID()}`, `user-${randomUUID()}`];
        const at = Date.now();
        // The operator raised the User's limit between its second and third request.
        const counts = [[user, 1], [user, 1], [user, 5], [other, 1]] as const;
        const results = await Promise.all(counts.map(([scope, limit]) => {
          const requestId = newRequestId();
          return store.recordAcceptance(requestId, { ...acceptance('single', { requestId, bodyHash: hash(requestId) }), count: { scope, rules: [{ key: '*', limit, windowMs: 60_000 }], at } });
        }));
        expect(results).toStrictEqual([
          { outcome: 'recorded', counts: [1] }, { outcome: 'over_limit', counts: [1], breached: 0 },
          { outcome: 'recorded', counts: [2] }, { outcome: 'recorded', counts: [1] },
        ]);
      });

      it('records exactly one of 50 concurrent acceptances with different bodies; the others are reuses', async () => {
        const store = await open();
        const requestId = newRequestId();
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
          store.recordAcceptance(requestId, acceptance('single', { requestId, bodyHash: hash(String(i)) }))));
        expect(results.filter((result) => result.outcome === 'recorded')).toHaveLength(1);
        expect(results.filter((result) => result.outcome === 'request_id_reused')).toHaveLength(49);
      });
    });

    describe('getRequest', () => {
      it('answers undefined for an unknown RequestID', async () => {
        const store = await open();
        expect(await store.getRequest(newRequestId())).toBeUndefined();
      });

      it('returns the record with its optional fields, absent ones absent', async () => {
        const store = await open();
        const requestId = newRequestId();
        const full = acceptance('single', { requestId });
        full.record = {
          ...full.record,
          generation: 'SMETS2+',
          trt: { class: 'smets2.onDemand', budgetMs: 30_000, startsAt: 1, deadline: 30_001 },
          responseCode: 'I0',
          state: 'responded',
        };
        await store.recordAcceptance(requestId, full);
        expect(await store.getRequest(requestId)).toStrictEqual(full.record);

        const otherId = newRequestId();
        const minimal = acceptance('single', { requestId: otherId });
        await store.recordAcceptance(otherId, minimal);
        const got = await store.getRequest(otherId);
        expect(got).toStrictEqual(minimal.record);
        expect('trt' in got!).toBe(false);
      });

      it("gives the signed leg's record once it replaces the transform leg's", async () => {
        const store = await open();
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId, srv: '6.15.1', bodyHash: hash('t') });
        const signed = acceptance('signed', { requestId, srv: '6.15.1', bodyHash: hash('s') });
        await store.recordAcceptance(requestId, transform);
        expect(await store.getRequest(requestId)).toStrictEqual(transform.record);
        await store.recordAcceptance(requestId, signed);
        expect(await store.getRequest(requestId)).toStrictEqual(signed.record);
      });

      it('returns copies', async () => {
        const store = await open();
        const requestId = newRequestId();
        const single = acceptance('single', { requestId });
        await store.recordAcceptance(requestId, single);
        (await store.getRequest(requestId))!.state = 'deleted';
        expect(await store.getRequest(requestId)).toStrictEqual(single.record);
      });
    });

    describe('retention', () => {
      it("forgets a request's records once the retention has passed", async () => {
        const store = await open({ requestRetentionSeconds: 1 });
        const requestId = newRequestId();
        await store.recordAcceptance(requestId, acceptance('single', { requestId, bodyHash: hash('1') }));
        expect(await store.getRequest(requestId)).toBeDefined();
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        expect(await store.getRequest(requestId)).toBeUndefined();
        expect(await store.loadContext(requestId, 'single')).toStrictEqual({});
        expect(await store.recordAcceptance(requestId, acceptance('single', { requestId, bodyHash: hash('2') }))).toEqual({ outcome: 'recorded' });
      });

      it('keeps a released request for the retention after its TRT is last judged, when that is later than the retention from its release', async () => {
        const store = await open({ requestRetentionSeconds: 1 });
        const requestId = newRequestId();
        const base = { ...acceptance('single', { requestId, bodyHash: hash(requestId) }), egress: {} };
        const quarantine = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: Date.now() + 500 };
        await store.recordAcceptance(requestId, { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, state: 'quarantined', quarantine }, quarantine });
        const at = Date.now();
        expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, breachCheckAt: at + 1_500, breachFinalAt: at + 2_500 })).toBe(true);
        // Past the retention from its release (1 s), before its final check (2.5 s).
        await new Promise((resolve) => setTimeout(resolve, 1_600));
        for (let i = 0; i < 3; i++) await store.recordAcceptance(newRequestId(), { ...acceptance('single', { requestId: newRequestId() }), egress: {} });
        expect((await store.getRequest(requestId))?.releasedAt).toBe(at);
      });

      it('keeps a request held for a later ExecutionDateTime, or quarantined, for the retention after it can next move', async () => {
        const store = await open({ requestRetentionSeconds: 2 });
        const [plain, held, quarantined, judgedLater] = [newRequestId(), newRequestId(), newRequestId(), newRequestId()];
        const now = Date.now();
        const deviceAcceptance = (requestId: string): Acceptance => ({ ...acceptance('single', { requestId, bodyHash: hash(requestId) }), egress: {} });
        await store.recordAcceptance(plain, deviceAcceptance(plain));
        await store.recordAcceptance(held, { ...deviceAcceptance(held), egress: { releaseAt: now + 4_000 } });
        // A SMETS1 TRT judged past the retention (overdue at 3 s, breached at 4 s without a response).
        await store.recordAcceptance(judgedLater, { ...deviceAcceptance(judgedLater), breachCheckAt: now + 3_000, breachFinalAt: now + 4_000 });
        const ref = quarantineRef(quarantined, randomUUID().replaceAll('-', ''));
        const base = deviceAcceptance(quarantined);
        await store.recordAcceptance(quarantined, {
          leg: base.leg, legRecord: base.legRecord,
          record: { ...base.record, state: 'quarantined', quarantine: { ref, breach: 'user', expiresAt: now + 2_000 } },
          quarantine: { ref, breach: 'user', expiresAt: now + 2_000 },
        });
        // Past the retention (2 s): the plain one is gone; the held one (till 4 s, then 2 more) and
        // the quarantined one (till 2 s, then 2 more) are not, nor the quarantine's ref.
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        // Others recorded meanwhile (the embedded store sweeps on each): the two outlive the plain one.
        for (let i = 0; i < 3; i++) await store.recordAcceptance(newRequestId(), deviceAcceptance(newRequestId()));
        expect(await store.getRequest(plain)).toBeUndefined();
        expect((await store.getRequest(held))?.state).toBe('accepted');
        expect((await store.getRequest(judgedLater))?.state).toBe('accepted');
        expect((await store.getRequest(quarantined))?.state).toBe('quarantined');
        expect(await store.findQuarantine(ref)).toBe(quarantined);
        // Released at 3 s, it is kept for the retention from then (to 5 s), past its first lifetime (4 s).
        await new Promise((resolve) => setTimeout(resolve, 500));
        const at = Date.now();
        expect(await store.releaseQuarantine(quarantined, { at, state: 'accepted', egress: true })).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect((await store.getRequest(quarantined))?.releasedAt).toBe(at);
      });
      it('finds a released request by its quarantine reference for as long as the request is kept', async () => {
        const store = await open({ requestRetentionSeconds: 1 });
        const now = Date.now();
        const requestId = newRequestId();
        const ref = quarantineRef(requestId, randomUUID().replaceAll('-', ''));
        const base = acceptance('single', { requestId, bodyHash: hash(requestId) });
        const quarantine = { ref, breach: 'user' as const, expiresAt: now + 500 };
        expect(await store.recordAcceptance(requestId, { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, state: 'quarantined', quarantine }, quarantine })).toEqual({ outcome: 'recorded' });
        const trt = { class: 'smets2.onDemand' as const, budgetMs: 4_000, startsAt: now, deadline: now + 4_000 };
        // Released with its TRT judged 4 s on: kept for the retention after that, its reference with it.
        expect(await store.releaseQuarantine(requestId, { at: now, ref, state: 'accepted', egress: true, trt, breachCheckAt: now + 4_000 })).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 2_200));
        expect((await store.getRequest(requestId))?.state).toBe('accepted');
        expect(await store.findQuarantine(ref)).toBe(requestId);
      });

      it("finds a request by its released transform leg's reference for as long as its signed leg, quarantined since, keeps it", async () => {
        const store = await open({ requestRetentionSeconds: 1 });
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId, bodyHash: hash('t') });
        const first = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'value' as const, expiresAt: Date.now() + 300 };
        await store.recordAcceptance(requestId, { ...transform, record: { ...transform.record, state: 'quarantined', quarantine: first }, quarantine: first });
        expect(await store.releaseQuarantine(requestId, { at: Date.now(), ref: first.ref, state: 'transformed', egress: false })).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 800));
        // The signed leg held until its own quarantine's expiry, 3 s on: the request is kept the retention after that.
        const signed = acceptance('signed', { requestId, bodyHash: hash('s') });
        const second = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: Date.now() + 3_000 };
        expect((await store.recordAcceptance(requestId, { ...signed, record: { ...signed.record, state: 'quarantined', quarantine: second }, quarantine: second })).outcome).toBe('recorded');
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect((await store.getRequest(requestId))?.state).toBe('quarantined');
        expect(await store.findQuarantine(first.ref)).toBe(requestId);
      });

      it("expires a signed leg quarantined after its transform leg's release at its own expiry, not at the transform leg's", async () => {
        const store = await open();
        const requestId = newRequestId();
        const now = Date.now();
        const transform = acceptance('transform', { requestId, bodyHash: hash('t') });
        const first = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'value' as const, expiresAt: now + 1_000 };
        await store.recordAcceptance(requestId, { ...transform, record: { ...transform.record, state: 'quarantined', quarantine: first }, quarantine: first });
        expect(await store.releaseQuarantine(requestId, { at: now, ref: first.ref, state: 'transformed', egress: false })).toBe(true);
        const signed = acceptance('signed', { requestId, bodyHash: hash('s') });
        const second = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: now + 3_600_000 };
        expect((await store.recordAcceptance(requestId, { ...signed, record: { ...signed.record, state: 'quarantined', quarantine: second }, quarantine: second })).outcome).toBe('recorded');
        expect((await store.expireQuarantined(now + 2_000, 100)).filter((id) => id === requestId)).toEqual([]);
        expect((await store.getRequest(requestId))?.state).toBe('quarantined');
        expect((await store.expireQuarantined(now + 3_600_000, 100)).filter((id) => id === requestId)).toEqual([requestId]);
      });
    });

    describe('DSP schedules', () => {
      const schedule = (deviceId = '00-DB-12-34-56-78-90-A0') => ({
        frequency: 'Daily' as const, startDate: '2026-12-01', executionStartTime: '02:30:00', srv: '4.6.1', deviceId,
        bodyElement: 'RetrieveImportDailyReadLog', bodyValue: { ReadLogPeriod: 1 },
      });

      /** A schedule stored under a new ID, as a 5.1 stores it: its ID. */
      const stored = async (store: StateStore, owner: string, given: ReturnType<typeof schedule>, firstDueAt: number, requestId: string) => {
        const id = await store.allocateScheduleId();
        expect(await store.createSchedule(owner, id, given, firstDueAt, requestId)).toBe(true);
        return id;
      };

      it('keeps a User\'s schedules by ID, its own only, and deletes them', async () => {
        const store = await open();
        const owner = `90-B3-D5-1F-30-0F-${randomUUID().slice(0, 2).toUpperCase()}-01`;
        const first = await stored(store, owner, schedule(), 1_000, `${owner}:00-DB-12-34-56-78-90-A0:1`);
        const second = await stored(store, owner, schedule('00-DB-12-34-56-78-90-A1'), 2_000, `${owner}:00-DB-12-34-56-78-90-A0:2`);
        expect(second).toBeGreaterThan(first);
        expect(await store.getSchedule(owner, first)).toEqual(schedule());
        expect(await store.getSchedule('90-B3-D5-1F-30-0F-FF-FF', first)).toBeUndefined();
        expect(await store.deleteSchedule(owner, first)).toBe(true);
        expect(await store.deleteSchedule(owner, first)).toBe(false);
        expect(await store.getSchedule(owner, first)).toBeUndefined();
      });

      it('lists a User\'s schedules on a device, until each is deleted or ends', async () => {
        const store = await open();
        const owner = `90-B3-D5-1F-30-0F-${randomUUID().slice(0, 2).toUpperCase()}-05`;
        const other = `90-B3-D5-1F-30-0F-${randomUUID().slice(0, 2).toUpperCase()}-06`;
        const base = 1_800_000_000_000;
        const [meter, another] = ['00-DB-12-34-56-78-90-A0', '00-DB-12-34-56-78-90-A1'];
        const first = await stored(store, owner, schedule(meter), base + 1_000, `${owner}:${ACB_FOR_SCHEDULES}:11`);
        const second = await stored(store, owner, schedule(meter), base + 2_000, `${owner}:${ACB_FOR_SCHEDULES}:12`);
        const elsewhere = await stored(store, owner, schedule(another), base + 1_000, `${owner}:${ACB_FOR_SCHEDULES}:13`);
        await stored(store, other, schedule(meter), base + 1_000, `${other}:${ACB_FOR_SCHEDULES}:11`);
        expect(await store.schedulesOnDevice(owner, meter)).toEqual([first, second]);
        expect(await store.schedulesOnDevice(owner, another)).toEqual([elsewhere]);
        expect(await store.schedulesOnDevice(owner, '00-DB-12-34-56-78-90-AF')).toEqual([]);
        expect(await store.deleteSchedule(owner, first)).toBe(true);
        expect(await store.schedulesOnDevice(owner, meter)).toEqual([second]);
        // Ended after its last occurrence: listed no more.
        const [claimed] = (await store.claimDueSchedules(base + 2_000, 100, 60_000)).filter((c) => c.originatorId === owner && c.scheduleId === second);
        expect(await store.rescheduleSchedule(claimed, undefined)).toBe(true);
        expect(await store.schedulesOnDevice(owner, meter)).toEqual([]);
        expect(await store.schedulesOnDevice(other, meter)).toHaveLength(1);
      });

      it('creates a schedule once per creating RequestID: a retry or a duplicate at the same moment stores nothing, even once it is deleted', async () => {
        const store = await open();
        const owner = `90-B3-D5-1F-30-0F-${randomUUID().slice(0, 2).toUpperCase()}-04`;
        const base = 1_800_000_000_000;
        const requestId = `${owner}:${ACB_FOR_SCHEDULES}:7`;
        const [first, other] = [await store.allocateScheduleId(), await store.allocateScheduleId()];
        expect(other).toBeGreaterThan(first);
        const created = await Promise.all([
          store.createSchedule(owner, first, schedule(), base + 1_000, requestId),
          store.createSchedule(owner, first, schedule(), base + 1_000, requestId),
        ]);
        expect(created.sort()).toEqual([false, true]);
        expect(await store.createSchedule(owner, other, schedule('00-DB-12-34-56-78-90-A1'), base + 5_000, requestId)).toBe(false);
        // One schedule stored, as first given: one occurrence due.
        const mine = (await store.claimDueSchedules(base + 10_000, 100, 60_000)).filter((c) => c.originatorId === owner);
        expect(mine.map((c) => [c.scheduleId, c.schedule])).toEqual([[first, schedule()]]);
        expect(await store.getSchedule(owner, other)).toBeUndefined();
        // Deleted, it is not brought back by its RequestID.
        expect(await store.deleteSchedule(owner, first)).toBe(true);
        expect(await store.createSchedule(owner, first, schedule(), base + 1_000, requestId)).toBe(false);
        expect(await store.getSchedule(owner, first)).toBeUndefined();
        // Another RequestID is another schedule.
        expect(await store.createSchedule(owner, other, schedule(), base + 1_000, `${owner}:${ACB_FOR_SCHEDULES}:8`)).toBe(true);
      });

      it('claims each due occurrence once under a lease, then its next; a stale lease cannot reschedule', async () => {
        const store = await open();
        const owner = `90-B3-D5-1F-30-0F-${randomUUID().slice(0, 2).toUpperCase()}-02`;
        const base = 1_800_000_000_000;
        const id = await stored(store, owner, schedule(), base + 1_000, `${owner}:${ACB_FOR_SCHEDULES}:1`);
        const mine = (claims: ClaimedSchedule[]) => claims.filter((c) => c.originatorId === owner && c.scheduleId === id);
        expect(mine(await store.claimDueSchedules(base, 100, 60_000))).toEqual([]);
        const [claimed, ...none] = mine(await store.claimDueSchedules(base + 1_000, 100, 60_000));
        expect(none).toEqual([]);
        expect(claimed).toEqual({ originatorId: owner, scheduleId: id, schedule: schedule(), dueAt: base + 1_000, leasedUntil: base + 61_000 });
        // Leased: no other claim takes it, until the lease ends.
        expect(mine(await store.claimDueSchedules(base + 2_000, 100, 60_000))).toEqual([]);
        expect(await store.rescheduleSchedule(claimed, base + 86_401_000)).toBe(true);
        expect(mine(await store.claimDueSchedules(base + 86_400_000, 100, 60_000))).toEqual([]);
        const [next] = mine(await store.claimDueSchedules(base + 86_401_000, 100, 60_000));
        expect(next.dueAt).toBe(base + 86_401_000);
        // The first claim's lease is long gone: it may not move the schedule.
        expect(await store.rescheduleSchedule(claimed, base + 1)).toBe(false);
        // Its claimer died: due again at the lease's end, for another claimer, as the same occurrence.
        const [again] = mine(await store.claimDueSchedules(next.leasedUntil, 100, 60_000));
        expect(again.dueAt).toBe(base + 86_401_000);
        // Ended: out of the index and gone.
        expect(await store.rescheduleSchedule(again, undefined)).toBe(true);
        expect(await store.getSchedule(owner, id)).toBeUndefined();
        expect(mine(await store.claimDueSchedules(base + 10 ** 12, 100, 60_000))).toEqual([]);
      });

      it('claims at most `max` in all, whatever partitions they are in, and each once', async () => {
        const store = await open();
        const base = 1_800_000_000_000;
        const owners = Array.from({ length: 40 }, (_, i) => `90-B3-D5-1F-30-0E-${randomUUID().slice(0, 2).toUpperCase()}-${i.toString(16).padStart(2, '0').toUpperCase()}`);
        for (const [i, owner] of owners.entries()) await stored(store, owner, schedule(), base + 1_000, `${owner}:${ACB_FOR_SCHEDULES}:${i + 1}`);
        const seen: string[] = [];
        for (let round = 0; round < 40; round++) {
          const claimed = (await store.claimDueSchedules(base + 2_000, 7, 60_000)).filter((c) => owners.includes(c.originatorId));
          expect(claimed.length).toBeLessThanOrEqual(7);
          if (claimed.length === 0) break;
          seen.push(...claimed.map((c) => c.originatorId));
        }
        expect(seen.sort()).toEqual([...owners].sort());
      });

      it('claims an occurrence left unrun again after each lease ends with its own due time, until it is rescheduled', async () => {
        const store = await open();
        const owner = `90-B3-D5-1F-30-0F-${randomUUID().slice(0, 2).toUpperCase()}-03`;
        const base = 1_800_000_000_000;
        const id = await stored(store, owner, schedule(), base + 1_000, `${owner}:${ACB_FOR_SCHEDULES}:1`);
        const mine = (claims: ClaimedSchedule[]) => claims.filter((c) => c.originatorId === owner && c.scheduleId === id);
        const [first] = mine(await store.claimDueSchedules(base + 1_000, 100, 60_000));
        // Not yet at the lease's end: nobody else takes it.
        expect(mine(await store.claimDueSchedules(first.leasedUntil - 1, 100, 60_000))).toEqual([]);
        // Its claimer left it (died, or was not admitted): twice over, the same occurrence, each under a new lease.
        const [second] = mine(await store.claimDueSchedules(first.leasedUntil, 100, 60_000));
        expect(second).toMatchObject({ dueAt: base + 1_000, leasedUntil: first.leasedUntil + 60_000 });
        const [third] = mine(await store.claimDueSchedules(second.leasedUntil + 5_000, 100, 60_000));
        expect(third).toMatchObject({ dueAt: base + 1_000, leasedUntil: second.leasedUntil + 65_000 });
        expect(await store.rescheduleSchedule(second, base + 86_401_000)).toBe(false);
        // Run at last: the next claim is of the next occurrence, not the one that ran.
        expect(await store.rescheduleSchedule(third, base + 86_401_000)).toBe(true);
        const [next] = mine(await store.claimDueSchedules(base + 86_401_000, 100, 60_000));
        expect(next.dueAt).toBe(base + 86_401_000);
        // Deleted while leased: never claimed again, even after the lease.
        expect(await store.deleteSchedule(owner, id)).toBe(true);
        expect(mine(await store.claimDueSchedules(next.leasedUntil + 10 ** 9, 100, 60_000))).toEqual([]);
      });
    });

    describe('settings', () => {
      it('round-trip JSON-able values and answer undefined for an unknown name', async () => {
        const store = await open();
        const budgets = { onDemand: 30_000, futureDated: { dsp: 60_000 }, classes: ['a', 'b'], off: null };
        await store.putSetting('trt-budgets', budgets);
        await store.putSetting('threshold', 42);
        await store.putSetting('label', 'text');
        expect(await store.getSetting('trt-budgets')).toStrictEqual(budgets);
        expect(await store.getSetting<number>('threshold')).toBe(42);
        expect(await store.getSetting<string>('label')).toBe('text');
        expect(await store.getSetting('unknown')).toBeUndefined();
      });

      it('are updated from what is stored, each of many concurrent changes kept; a change that answers undefined writes nothing', async () => {
        const store = await open();
        const added = await Promise.all(Array.from({ length: 20 }, (_, i) => store.updateSetting<string[]>('table', (current) => [...current ?? [], `entry-${i}`])));
        expect(added.every((value) => value !== undefined)).toBe(true);
        expect((await store.getSetting<string[]>('table'))!.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `entry-${i}`).sort());
        expect(await store.updateSetting<string[]>('table', () => undefined)).toBeUndefined();
        expect(await store.getSetting<string[]>('table')).toHaveLength(20);
        expect(await store.updateSetting<number>('fresh', (current) => (current ?? 0) + 1)).toBe(1);
      });

      it('are read several at once, in the order asked, undefined where never put', async () => {
        const store = await open();
        await store.putSetting('tad-user:U1', { rules: [{ srv: '*', limit: 5, windowSeconds: 60 }] });
        await store.putSetting('tad-dcc', { rules: [] });
        expect(await store.getSettings(['tad-dcc', 'never-put', 'tad-user:U1'])).toStrictEqual([
          { rules: [] }, undefined, { rules: [{ srv: '*', limit: 5, windowSeconds: 60 }] },
        ]);
        expect(await store.getSettings([])).toStrictEqual([]);
      });

      it('are replaced by a later put and stored as copies', async () => {
        const store = await open();
        const value = { limit: 1 };
        await store.putSetting('limits', value);
        value.limit = 2;
        expect(await store.getSetting('limits')).toStrictEqual({ limit: 1 });
        (await store.getSetting<{ limit: number }>('limits'))!.limit = 3;
        expect(await store.getSetting('limits')).toStrictEqual({ limit: 1 });
        await store.putSetting('limits', { limit: 4 });
        expect(await store.getSetting('limits')).toStrictEqual({ limit: 4 });
      });
    });

    describe('request lifecycle: egress, responses, TRT, outbox', () => {
      const ORIGINATOR = '90-B3-D5-1F-30-00-00-01';
      /** A device request as the pipeline records it: queued for egress, with a TRT. */
      function deviceAcceptance(requestId: string, options: { releaseAt?: number; startsAt?: number; budgetMs?: number; checkAt?: number; destination?: string } = {}): Acceptance {
        const base = acceptance('single', { requestId, bodyHash: hash(requestId) });
        const startsAt = options.startsAt ?? Date.now();
        const budgetMs = options.budgetMs ?? 30_000;
        base.record.destination = options.destination ?? 'smets2/central';
        base.record.trt = { class: 'smets2.onDemand', budgetMs, startsAt, deadline: startsAt + budgetMs };
        return { ...base, egress: { releaseAt: options.releaseAt }, breachCheckAt: options.checkAt ?? startsAt + budgetMs };
      }
      const destination = () => `smets2/test-${randomUUID()}`;
      /** The same request quarantined (a User-scope breach, an hour to its expiry), and its reference. */
      function quarantinedAcceptance(requestId: string, options: { destination?: string } = {}): { acceptance: Acceptance; ref: string; base: Acceptance } {
        const ref = quarantineRef(requestId, randomUUID().replaceAll('-', ''));
        const base = deviceAcceptance(requestId, options);
        const quarantine = { ref, breach: 'user' as const, expiresAt: Date.now() + 60_000 };
        return { ref, base, acceptance: { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, state: 'quarantined', quarantine }, quarantine } };
      }

      it('queues an accepted request for its destination, once per consumer until redelivery is due', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest }));
        expect((await store.getRequest(requestId))?.state).toBe('accepted');
        const claimedFrom = Date.now();
        const [item, ...rest] = await store.claimEgress([dest], 'router-a', 10);
        expect(rest).toEqual([]);
        // Claimed is handed over to its network: forwarded, in the same step.
        expect(item.record).toMatchObject({ requestId, state: 'forwarded', destination: dest });
        const { forwardedAt } = (await store.getRequest(requestId))!;
        expect(forwardedAt).toBeGreaterThanOrEqual(claimedFrom);
        expect(forwardedAt).toBeLessThanOrEqual(Date.now());
        expect(await store.claimEgress([dest], 'router-b', 10)).toEqual([]);
        expect(await store.reclaimEgress([dest], 'router-b', 10, 60_000)).toEqual([]);
        // A consumer that never settled it (a crash) loses it to another once redelivery is due.
        const [again] = await store.reclaimEgress([dest], 'router-b', 10, 0);
        expect(again.record).toMatchObject({ requestId, state: 'forwarded' });
        // Forwarded when first handed over, not again.
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'forwarded', forwardedAt });
        expect(await store.claimEgress(['smets2/other'], 'router-a', 10)).toEqual([]);
        expect(await store.reclaimEgress(['smets2/other'], 'router-a', 10, 0)).toEqual([]);
      });

      it('renews what a consumer still holds: a claimed entry (its own only) and a lease are not taken over until the delay has passed again', async () => {
        const store = await open();
        const dest = destination();
        const [queued, leased, other] = [newRequestId(), newRequestId(), newRequestId()];
        await store.recordAcceptance(queued, deviceAcceptance(queued, { destination: dest }));
        const handedOver = deviceAcceptance(leased, { destination: dest });
        handedOver.egress = { forwardedAt: Date.now() };
        await store.recordAcceptance(leased, handedOver);
        const claimed = await store.claimEgress([dest], 'router-a', 10);
        expect(claimed.map((item) => item.record.requestId)).toEqual([queued]);
        await store.recordAcceptance(other, deviceAcceptance(other, { destination: dest }));
        const [taken] = await store.claimEgress([dest], 'router-b', 10);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        // router-a renews its entry, the lease, and (not its own) router-b's entry.
        await store.renewEgress([...claimed, { destination: dest, entryId: '', record: handedOver.record }, taken], 'router-a');
        const overdue = await store.reclaimEgress([dest], 'router-c', 10, 1_000);
        expect(overdue.map((item) => item.record.requestId)).toEqual([other]);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        // Once the delay has passed again, each is taken over (router-c's own take of the other too).
        expect((await store.reclaimEgress([dest], 'router-c', 10, 1_000)).map((item) => item.record.requestId).sort()).toEqual([queued, leased, other].sort());
      });

      it('leases a request handed to its network at acceptance: forwarded at once, never queued, reclaimed while unanswered, settled by its response', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        const forwardedAt = Date.now();
        const accepted = deviceAcceptance(requestId, { destination: dest });
        accepted.egress = { forwardedAt };
        expect(await store.recordAcceptance(requestId, accepted)).toMatchObject({ outcome: 'recorded' });
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'forwarded', forwardedAt });
        // Not queued: no claim takes it; with its network, counted in the backlog until answered.
        expect(await store.claimEgress([dest], 'router-a', 10)).toEqual([]);
        expect(await store.egressBacklog([dest])).toEqual({ [dest]: 1 });
        expect(await store.reclaimEgress([dest], 'router-b', 10, 60_000)).toEqual([]);
        // Its router died before sending it, or the network lost it: another takes it over, leased again from then.
        const [again, ...rest] = await store.reclaimEgress([dest], 'router-b', 10, 0);
        expect(rest).toEqual([]);
        expect(again).toMatchObject({ destination: dest, entryId: '', record: { requestId, state: 'forwarded', destination: dest } });
        expect(await store.reclaimEgress([dest], 'router-c', 10, 60_000)).toEqual([]);
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'forwarded', forwardedAt });
        // Its response settles the lease and is judged as any other's; nothing is sent again.
        const at = Date.now();
        expect(await store.recordResponse({ requestId, destination: dest, responseCode: 'I0', at })).toMatchObject({ outcome: 'recorded', breached: false });
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded', respondedAt: at });
        expect(await store.reclaimEgress([dest], 'router-b', 10, 0)).toEqual([]);
        expect(await store.egressBacklog([dest])).toEqual({ [dest]: 0 });
      });

      it('leases a future-dated request its router handed over, though its release time is ahead of the store\'s clock: never held and sent again', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        // The router's clock, ahead of the store's, judged the release time reached and sent it.
        const releaseAt = Date.now() + 60_000;
        const forwardedAt = releaseAt;
        const accepted = deviceAcceptance(requestId, { destination: dest, releaseAt, startsAt: releaseAt });
        accepted.egress = { releaseAt, forwardedAt };
        expect(await store.recordAcceptance(requestId, accepted)).toMatchObject({ outcome: 'recorded' });
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'forwarded', forwardedAt });
        expect(await releaseHeld(store, releaseAt + 1_000, 100)).toEqual({ queued: 0, handedOver: [], more: false });
        expect(await store.claimEgress([dest], 'router-a', 10)).toEqual([]);
        expect(await store.egressBacklog([dest])).toEqual({ [dest]: 1 });
      });

      it('claims from several destinations at once, each item with its own destination', async () => {
        const store = await open();
        const [north, south] = [destination(), destination()];
        const ids = [newRequestId(), newRequestId(), newRequestId()];
        await store.recordAcceptance(ids[0], deviceAcceptance(ids[0], { destination: north }));
        await store.recordAcceptance(ids[1], deviceAcceptance(ids[1], { destination: south }));
        await store.recordAcceptance(ids[2], deviceAcceptance(ids[2], { destination: south }));
        const items = await store.claimEgress([north, south], 'router-a', 10);
        expect(items.map((i) => `${i.destination} ${i.record.requestId} ${i.record.destination}`).sort())
          .toEqual([`${north} ${ids[0]} ${north}`, `${south} ${ids[1]} ${south}`, `${south} ${ids[2]} ${south}`].sort());
        expect(items.every((i) => i.record.state === 'forwarded' && i.record.srv === '4.1.1')).toBe(true);
        expect(await store.claimEgress([north, south], 'router-a', 10)).toEqual([]);
      });

      it('records a response once: judged, queued for the User, its egress entry settled', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        const startsAt = Date.now() - 1000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, startsAt }));
        await store.claimEgress([dest], 'router-a', 10);
        const response = { requestId, destination: dest, responseCode: 'I0', at: startsAt + 800, body: { reading: 42 } };
        const first = await store.recordResponse(response);
        expect(first).toMatchObject({ outcome: 'recorded', breached: false });
        const [, target, counter] = requestId.split(':');
        const responseId = `${target}:${ORIGINATOR}:${counter}`;
        // The same response again (a retry of a call whose answer was lost) is answered as the first was; another is a duplicate.
        expect(await store.recordResponse(response)).toEqual(first);
        expect(await store.recordResponse({ ...response, at: response.at + 1 })).toEqual({ outcome: 'duplicate' });
        expect(await store.recordResponse({ ...response, responseCode: 'E4' })).toEqual({ outcome: 'duplicate' });
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded', responseCode: 'I0', responseId, elapsedMs: 800, breached: false, respondedAt: startsAt + 800 });
        expect(await store.reclaimEgress([dest], 'router-b', 10, 0)).toEqual([]);
        expect(await store.claimEgress([dest], 'router-b', 10)).toEqual([]);
        const items = await store.readOutbox(ORIGINATOR, undefined, 100);
        // Queued once, as the pull API and webhooks deliver it.
        expect(items.filter((i) => i.requestId === requestId)).toEqual([
          { cursor: expect.any(String), kind: 'response', requestId, responseId, responseCode: 'I0', body: { reading: 42 } },
        ]);
        expect(await store.readOutbox(ORIGINATOR, items[items.length - 1].cursor, 100)).toEqual([]);
        expect(await store.recordResponse({ ...response, requestId: newRequestId() })).toEqual({ outcome: 'unknown' });
        await store.markDelivered([requestId], Date.now());
        expect((await store.getRequest(requestId))!.state).toBe('delivered');
        expect(await store.recordResponse(response)).toEqual(first);
        expect(await store.recordResponse({ ...response, at: response.at + 1 })).toEqual({ outcome: 'duplicate' });
      });

      it('marks the responses a pull reads delivered in the same step, and only those', async () => {
        const store = await open();
        // A User of its own, so its outbox holds only this test's items.
        const originator = `90-B3-D5-1F-30-00-${randomBytes(2).toString('hex').toUpperCase().replace(/(..)(..)/, '$1-$2')}`;
        const dest = destination();
        const ids = [0, 1, 2].map(() => `${originator}:00-DB-12-34-56-78-90-A0:${randomUUID()}`);
        for (const requestId of ids) {
          const accepted = deviceAcceptance(requestId, { destination: dest });
          accepted.record.originatorId = originator;
          await store.recordAcceptance(requestId, accepted);
          await store.recordResponse({ requestId, destination: dest, responseCode: 'I0', at: Date.now() });
        }
        await store.enqueueOutbox(originator, { kind: 'dccAlert', alertCode: 'AD1', requestId: ids[0], body: { alert: 'AD1' } });
        const state = async () => Promise.all(ids.map(async (requestId) => (await store.getRequest(requestId))!.state));
        // Read without a delivery time (the webhook deliverer, the feed): nothing is marked.
        expect(await store.readOutbox(originator, undefined, 10)).toHaveLength(4);
        expect(await state()).toEqual(['responded', 'responded', 'responded']);
        const [first] = await store.readOutbox(originator, undefined, 1, Date.now());
        expect(first.requestId).toBe(ids[0]);
        expect(await state()).toEqual(['delivered', 'responded', 'responded']);
        const rest = await store.readOutbox(originator, first.cursor, 10, Date.now());
        expect(rest.map((item) => item.kind)).toEqual(['response', 'response', 'dccAlert']);
        expect(await state()).toEqual(['delivered', 'delivered', 'delivered']);
      });

      it('keeps the TRT-measured time in whole ms, judged before rounding, when the WAN time has a fraction', async () => {
        const store = await open();
        const dest = destination();
        const startsAt = Date.now() - 60_000;
        const [rounded, justOver] = [newRequestId(), newRequestId()];
        for (const requestId of [rounded, justOver]) await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, startsAt }));
        expect(await store.recordResponse({ requestId: rounded, destination: dest, responseCode: 'I0', at: startsAt + 1_000, wanMs: 12.4 }))
          .toMatchObject({ outcome: 'recorded', breached: false, elapsedMs: 988 });
        // 30,000.4 ms against a 30 s budget: over it, though kept as 30,000.
        expect(await store.recordResponse({ requestId: justOver, destination: dest, responseCode: 'I0', at: startsAt + 30_001, wanMs: 0.6 }))
          .toMatchObject({ outcome: 'recorded', breached: true, elapsedMs: 30_000 });
        expect(await store.getRequest(rounded)).toMatchObject({ elapsedMs: 988, wanMs: 12.4 });
      });

      it("adds what was attached at acceptance to the response's body, the attached fields winning", async () => {
        const store = await open();
        const dest = destination();
        const cases: [unknown, unknown][] = [
          [{ reading: 1, LocalCommand: 'from the device' }, { reading: 1, LocalCommand: 'LC' }],
          [{}, { LocalCommand: 'LC' }],
          [undefined, { LocalCommand: 'LC' }],
          ['text', { value: 'text', LocalCommand: 'LC' }],
          [[1, 2], { value: [1, 2], LocalCommand: 'LC' }],
        ];
        for (const [body, expected] of cases) {
          const requestId = newRequestId();
          const accepted = deviceAcceptance(requestId, { destination: dest });
          accepted.record.responseExtras = { LocalCommand: 'LC' };
          // A sequenced service's place in its sequence is kept with the record (DUIS XML and JSON headers).
          accepted.record.sequence = { firstInSequence: false, precedingRequestId: newRequestId() };
          await store.recordAcceptance(requestId, accepted);
          expect((await store.getRequest(requestId))?.sequence).toStrictEqual(accepted.record.sequence);
          const outcome = await store.recordResponse({ requestId, destination: dest, responseCode: 'I0', at: Date.now(), body });
          expect(outcome.outcome).toBe('recorded');
          const stored = (await store.readOutbox(ORIGINATOR, undefined, 10_000)).find((i) => i.requestId === requestId);
          expect(stored?.body).toStrictEqual(expected);
        }
      });

      it('claims requests of several partitions in one step, marking them forwarded; one answered before its claim is settled, not sent', async () => {
        const store = await open();
        const dest = destination();
        const ids = ['90-B3-D5-1F-30-00-00-01', '90-B3-D5-1F-30-00-00-02', '90-B3-D5-1F-30-00-00-03', '90-B3-D5-1F-30-00-00-04']
          .map((originator) => `${originator}:00-DB-12-34-56-78-90-A0:${randomUUID()}`);
        for (const requestId of ids) {
          const accepted = deviceAcceptance(requestId, { destination: dest });
          accepted.record.originatorId = requestId.split(':')[0];
          await store.recordAcceptance(requestId, accepted);
        }
        // A network may answer a request before this router claims it (sent by another, which died).
        await store.recordResponse({ requestId: ids[0], destination: dest, responseCode: 'I0', at: Date.now() });
        const items = await store.claimEgress([dest], 'router-a', 10);
        expect(items.map((item) => item.record.requestId).sort()).toEqual(ids.slice(1).sort());
        expect((await store.getRequest(ids[0]))?.state).toBe('responded');
        for (const requestId of ids.slice(1)) expect((await store.getRequest(requestId))?.state).toBe('forwarded');
        expect(await store.reclaimEgress([dest], 'router-b', 10, 0)).toHaveLength(3);
      });

      it('holds a DSP future-dated request until its release time', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        const releaseAt = Date.now() + 60_000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, releaseAt, startsAt: releaseAt }));
        expect(await store.claimEgress([dest], 'router-a', 10)).toEqual([]);
        expect(await releaseHeld(store, releaseAt - 1, 100)).toEqual({ queued: 0, handedOver: [], more: false });
        expect(await releaseHeld(store, releaseAt, 100)).toEqual({ queued: 1, handedOver: [], more: false });
        expect(await releaseHeld(store, releaseAt + 1, 100)).toEqual({ queued: 0, handedOver: [], more: false });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((i) => i.record.requestId)).toEqual([requestId]);
      });

      it('releases held requests earliest first, at most max at a time, leaving the rest held for their own time', async () => {
        const store = await open();
        const dest = destination();
        const releaseAt = Date.now() + 60_000;
        // Accepted out of their release order; two of them due an hour later.
        const times = [4, 0, 3_600_000, 2, 1, 3_600_001, 3].map((offset) => releaseAt + offset);
        const ids = times.map(() => newRequestId());
        for (const [i, requestId] of ids.entries()) {
          await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, releaseAt: times[i], startsAt: times[i] }));
        }
        const byTime = ids.map((requestId, i) => ({ requestId, at: times[i] })).sort((a, b) => a.at - b.at).map((each) => each.requestId);
        expect(await releaseHeld(store, releaseAt + 4, 3)).toEqual({ queued: 3, handedOver: [], more: true });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((i) => i.record.requestId)).toEqual(byTime.slice(0, 3));
        expect(await releaseHeld(store, releaseAt + 4, 3)).toEqual({ queued: 2, handedOver: [], more: false });
        expect(await releaseHeld(store, releaseAt + 4, 3)).toEqual({ queued: 0, handedOver: [], more: false });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((i) => i.record.requestId)).toEqual(byTime.slice(3, 5));
        expect(await releaseHeld(store, releaseAt + 3_600_001, 10)).toEqual({ queued: 2, handedOver: [], more: false });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((i) => i.record.requestId)).toEqual(byTime.slice(5));
      });

      it('leases due held requests to a releasing router that sends them itself, up to its max and for its destinations only', async () => {
        const store = await open();
        const [mine, other] = [destination(), destination()];
        const releaseAt = Date.now() + 60_000;
        const hold = async (dests: string[], from: number) => {
          const ids = dests.map(() => newRequestId());
          for (const [i, requestId] of ids.entries()) {
            await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dests[i], releaseAt: from + i, startsAt: from + i }));
          }
          return ids;
        };
        const first = await hold([mine, mine, other], releaseAt);
        const now = releaseAt + 10;
        // At most one for it to send: the earliest of its destination, forwarded now; the others queued.
        const release = await releaseHeld(store, now, 100, { destinations: [mine], max: 1 });
        expect(release.queued).toBe(2);
        expect(release.handedOver.map((item) => [item.destination, item.entryId, item.record.requestId, item.record.state, item.record.forwardedAt]))
          .toEqual([[mine, '', first[0], 'forwarded', now]]);
        expect(await store.getRequest(first[0])).toMatchObject({ state: 'forwarded', forwardedAt: now });
        expect((await store.claimEgress([mine, other], 'router-b', 10)).map((item) => item.record.requestId).sort()).toEqual([first[1], first[2]].sort());
        // With room for all, all of its destinations' (held for a moment only: leased as of the real time, they can be reclaimed below).
        const second = await hold([mine, mine], Date.now() + 50);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const releasedAt = Date.now();
        const released = await releaseHeld(store, releasedAt, 100, { destinations: [mine], max: 100 });
        expect(released.handedOver.map((item) => item.record.requestId)).toEqual(second);
        // Its answer lost, the caller finds them again by the release's time; at another, or for another destination, nothing.
        expect((await store.heldLeasedAt(releasedAt, [mine, other])).map((item) => [item.record.requestId, item.record.state, item.record.forwardedAt]).sort())
          .toEqual(second.map((requestId) => [requestId, 'forwarded', releasedAt]).sort());
        expect(await store.heldLeasedAt(releasedAt + 1, [mine])).toEqual([]);
        expect(await store.heldLeasedAt(releasedAt, [other])).toEqual([]);
        expect(await releaseHeld(store, Date.now(), 100, { destinations: [mine], max: 100 })).toEqual({ queued: 0, handedOver: [], more: false });
        // Leased, not queued: one answered is settled, one unanswered comes back once past the redelivery delay.
        await store.recordResponse({ requestId: first[0], destination: mine, responseCode: 'I0', at: Date.now() });
        expect(await store.getRequest(first[0])).toMatchObject({ state: 'responded' });
        const reclaimed = (await store.reclaimEgress([mine], 'router-c', 10, 0)).map((item) => item.record.requestId);
        expect(reclaimed).toEqual(expect.arrayContaining(second));
        expect(reclaimed).not.toContain(first[0]);
      });

      it('lets go of a held request answered before its time: nothing to queue or lease', async () => {
        const store = await open();
        const mine = destination();
        const requestId = newRequestId();
        const releaseAt = Date.now() + 60_000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: mine, releaseAt, startsAt: releaseAt }));
        // Its device answered it (a network's response may come before the DSP's time).
        expect(await store.recordResponse({ requestId, destination: mine, responseCode: 'I0', at: Date.now() })).toMatchObject({ outcome: 'recorded' });
        expect(await store.claimHeld(releaseAt, 100, releaseAt + 10_000)).toMatchObject({ claimed: [], more: false });
        expect(await releaseHeld(store, releaseAt + 10_000, 100, { destinations: [mine], max: 100 })).toEqual({ queued: 0, handedOver: [], more: false });
        expect(await store.claimEgress([mine], 'router-a', 10)).toEqual([]);
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded' });
      });

      it('claims due held requests for a time: claimed again once the claim runs out, the first claim then void, so each goes on once', async () => {
        const store = await open();
        const dest = destination();
        const requestId = newRequestId();
        const releaseAt = Date.now() + 60_000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, releaseAt, startsAt: releaseAt }));
        const first = await store.claimHeld(releaseAt, 100, releaseAt + 1_000);
        expect(first.claimed.map((record) => [record.requestId, record.state, record.destination])).toEqual([[requestId, 'accepted', dest]]);
        expect(await store.claimHeld(releaseAt + 999, 100, releaseAt + 2_000)).toMatchObject({ claimed: [], more: false });
        // Its claimer gone quiet past the claim: another claims it.
        const second = await store.claimHeld(releaseAt + 1_000, 100, releaseAt + 11_000);
        expect(second.claimed.map((record) => record.requestId)).toEqual([requestId]);
        // The first claimer, late: its claim is void.
        expect(await store.settleHeld(first, releaseAt + 1_001, first.claimed.map((record) => ({ record })), [], { destinations: [dest], max: 10 })).toEqual({ queued: 0, handedOver: [] });
        expect(await store.settleHeld(second, releaseAt + 1_002, second.claimed.map((record) => ({ record })), [])).toEqual({ queued: 1, handedOver: [] });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([requestId]);
        // Settled, a claim is not claimed again.
        expect(await store.claimHeld(releaseAt + 60_000, 100, releaseAt + 70_000)).toMatchObject({ claimed: [], more: false });
        expect(await store.settleHeld(second, releaseAt + 60_000, second.claimed.map((record) => ({ record })), [])).toEqual({ queued: 0, handedOver: [] });
      });

      it('holds again until the claim\'s end what was claimed but not judged, and lets go of what was answered meanwhile (refused at its release)', async () => {
        const store = await open();
        const dest = destination();
        const releaseAt = Date.now() + 60_000;
        const ids = [newRequestId(), newRequestId(), newRequestId()];
        for (const requestId of ids) await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, releaseAt, startsAt: releaseAt }));
        const claims = await store.claimHeld(releaseAt, 100, releaseAt + 1_000);
        expect(claims.claimed.map((record) => record.requestId).sort()).toEqual([...ids].sort());
        const [allowed, unjudged, refused] = ids.map((requestId) => claims.claimed.find((record) => record.requestId === requestId)!);
        expect(await store.recordResponse({ requestId: refused.requestId, destination: dest, responseCode: 'E4', at: releaseAt, body: { error: { reason: 'not_authorised_for_device' } } }))
          .toMatchObject({ outcome: 'recorded', breached: false });
        expect(await store.settleHeld(claims, releaseAt + 1, [{ record: allowed }], [unjudged.requestId])).toEqual({ queued: 1, handedOver: [] });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([allowed.requestId]);
        expect(await store.claimHeld(releaseAt + 999, 100, releaseAt + 2_000)).toMatchObject({ claimed: [], more: false });
        const again = await store.claimHeld(releaseAt + 1_000, 100, releaseAt + 11_000);
        expect(again.claimed.map((record) => record.requestId)).toEqual([unjudged.requestId]);
        expect(await store.getRequest(refused.requestId)).toMatchObject({ state: 'responded', responseCode: 'E4' });
        expect(await store.getRequest(unjudged.requestId)).toMatchObject({ state: 'accepted' });
      });

      it('records a response to a request not sent (unsent) only while it is accepted and not queued', async () => {
        const store = await open();
        const dest = destination();
        const releaseAt = Date.now() + 60_000;
        const [held, queued, forwarded] = [newRequestId(), newRequestId(), newRequestId()];
        await store.recordAcceptance(held, deviceAcceptance(held, { destination: dest, releaseAt, startsAt: releaseAt }));
        await store.recordAcceptance(queued, deviceAcceptance(queued, { destination: dest }));
        await store.recordAcceptance(forwarded, deviceAcceptance(forwarded, { destination: `${dest}-sent` }));
        await store.claimEgress([`${dest}-sent`], 'router-a', 10);
        const refusal = (requestId: string) => ({ requestId, destination: dest, responseCode: 'E4', at: Date.now(), unsent: true, body: { error: { reason: 'not_authorised_for_device' } } });
        expect(await store.recordResponse(refusal(queued))).toEqual({ outcome: 'unknown' });
        expect(await store.recordResponse(refusal(forwarded))).toEqual({ outcome: 'unknown' });
        expect(await store.recordResponse(refusal(held))).toMatchObject({ outcome: 'recorded' });
        expect(await store.getRequest(held)).toMatchObject({ state: 'responded', responseCode: 'E4' });
        expect(await store.getRequest(queued)).toMatchObject({ state: 'accepted' });
        expect(await store.getRequest(forwarded)).toMatchObject({ state: 'forwarded' });
      });

      it('claims again the requests of claims that ran out only where they fit, so no claim holds more than max', async () => {
        const store = await open();
        const dest = destination();
        const releaseAt = Date.now() + 60_000;
        const ids = Array.from({ length: 8 }, () => newRequestId());
        for (const [i, requestId] of ids.entries()) await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, releaseAt: releaseAt + i, startsAt: releaseAt }));
        // Two claims, of 3 and 5, both left to run out.
        expect((await store.claimHeld(releaseAt + 2, 3, releaseAt + 100)).claimed).toHaveLength(3);
        expect((await store.claimHeld(releaseAt + 7, 5, releaseAt + 100)).claimed).toHaveLength(5);
        const first = await store.claimHeld(releaseAt + 100, 5, releaseAt + 200);
        expect([first.claimed.length, first.more]).toEqual([3, true]);
        const second = await store.claimHeld(releaseAt + 100, 5, releaseAt + 200);
        expect(second.claimed.length).toBe(5);
        expect([...first.claimed, ...second.claimed].map((record) => record.requestId).sort()).toEqual([...ids].sort());
      });

      it('settles a claim with thousands held again or leased in one partition', async () => {
        const store = await open();
        const dest = destination();
        const releaseAt = Date.now() + 60_000;
        const ids = Array.from({ length: 4_500 }, () => newRequestId());
        for (const requestId of ids) await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: dest, releaseAt, startsAt: releaseAt }));
        const claims = await store.claimHeld(releaseAt, ids.length, releaseAt + 1_000);
        expect(claims.claimed).toHaveLength(ids.length);
        const [later, leased] = [claims.claimed.slice(0, 4_200), claims.claimed.slice(4_200)];
        const release = await store.settleHeld(claims, releaseAt, leased.map((record) => ({ record })), later.map((record) => record.requestId), { destinations: [dest], max: 10_000 * 16 });
        expect(release.handedOver).toHaveLength(leased.length);
        expect(await store.claimHeld(releaseAt + 999, ids.length, releaseAt + 2_000)).toMatchObject({ claimed: [] });
        const again = await store.claimHeld(releaseAt + 1_000, ids.length, releaseAt + 11_000);
        expect(again.claimed.map((record) => record.requestId).sort()).toEqual(later.map((record) => record.requestId).sort());
        const all = await store.settleHeld(again, releaseAt + 1_000, again.claimed.map((record) => ({ record })), [], { destinations: [dest], max: 10_000 * 16 });
        expect(all.handedOver).toHaveLength(later.length);
      });

      it('sends a held request on by its new route when its device moved while it was held: its record and queue are the new destination\'s', async () => {
        const store = await open();
        const [before, after] = [destination(), destination()];
        const requestId = newRequestId();
        const releaseAt = Date.now() + 60_000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { destination: before, releaseAt, startsAt: releaseAt }));
        const claims = await store.claimHeld(releaseAt, 100, releaseAt + 10_000);
        const route = { destination: after, generation: 'SMETS1' as const };
        expect(await store.settleHeld(claims, releaseAt, claims.claimed.map((record) => ({ record, route })), [])).toEqual({ queued: 1, handedOver: [] });
        expect(await store.claimEgress([before], 'router-a', 10)).toEqual([]);
        const [item] = await store.claimEgress([after], 'router-a', 10);
        const [claimed] = claims.claimed;
        expect(item).toMatchObject({ destination: after, record: { requestId, destination: after, generation: 'SMETS1', state: 'forwarded', srv: claimed.srv, bodyValue: claimed.bodyValue } });
        expect(await store.getRequest(requestId)).toMatchObject({ destination: after, generation: 'SMETS1', trt: claimed.trt });
        // Handed over to its sender by the new route too, and found again by the settle's time.
        const leasedId = newRequestId();
        await store.recordAcceptance(leasedId, deviceAcceptance(leasedId, { destination: before, releaseAt, startsAt: releaseAt }));
        const leased = await store.claimHeld(releaseAt, 100, releaseAt + 10_000);
        const release = await store.settleHeld(leased, releaseAt + 5, leased.claimed.map((record) => ({ record, route })), [], { destinations: [after], max: 10 });
        expect(release.handedOver.map((each) => [each.destination, each.record.requestId, each.record.destination, each.record.state, each.record.forwardedAt])).toEqual([[after, leasedId, after, 'forwarded', releaseAt + 5]]);
        expect((await store.heldLeasedAt(releaseAt + 5, [after])).map((each) => [each.record.requestId, each.record.destination])).toEqual([[leasedId, after]]);
      });

      it('marks a request past its check time breached once, alerts its User, and keeps the breach on a late response', async () => {
        const store = await open();
        const requestId = newRequestId();
        const startsAt = Date.now() - 40_000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { startsAt }));
        expect(await store.claimBreaches(startsAt + 29_999, 100, [50, 100, 5_000])).toEqual({ breaches: [], marked: [] });
        const claims = await store.claimBreaches(startsAt + 30_100, 100, [50, 100, 5_000]);
        const { breaches } = claims;
        expect(breaches).toEqual([{
          requestId, originatorId: ORIGINATOR, destination: 'smets2/central', trtClass: 'smets2.onDemand', checkAt: startsAt + 30_000, lagMs: expect.any(Number),
          ...(breaches[0]?.markedEarlier ? { markedEarlier: true } : {}),
        }]);
        // Counted once: named, or counted in a group marked in bulk (then named with its alert).
        if (breaches[0].markedEarlier) {
          expect(claims.marked).toEqual([{ trtClass: 'smets2.onDemand', destination: 'smets2/central', count: 1, lagCounts: [0, 1, 1] }]);
        } else {
          expect(claims.marked).toEqual([]);
        }
        // From its check time to the claim's answer, on the caller's clock.
        expect(breaches[0].lagMs).toBeGreaterThanOrEqual(100);
        expect(breaches[0].lagMs).toBeLessThan(5_100);
        expect(await claimed(store, Date.now(), 100)).toEqual([]);
        expect((await store.getRequest(requestId))!.breached).toBe(true);
        const alerts = (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        expect(alerts).toEqual([{
          cursor: expect.any(String), kind: 'dccAlert', alertCode: 'TRT', requestId,
          body: { alert: 'TRT', requestId, deadline: new Date(startsAt + 30_000).toISOString() },
        }]);
        const lateResponse = { requestId, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 35_000 };
        const late = await store.recordResponse(lateResponse);
        expect(late).toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: true, trtClass: 'smets2.onDemand', elapsedMs: 35_000 });
        // Repeated, it is still a breach counted when marked, not one the response reveals.
        expect(await store.recordResponse(lateResponse)).toEqual(late);
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded', breached: true, elapsedMs: 35_000 });
      });

      it('marks due deadlines apart from their alerts: each counted once, by a mark or a claim, and every one alerted by a claim', async () => {
        const store = await open();
        const dest = destination();
        const startsAt = Date.now();
        const ids = Array.from({ length: 5 }, () => newRequestId());
        for (const [i, id] of ids.entries()) await store.recordAcceptance(id, deviceAcceptance(id, { startsAt: startsAt + i, destination: dest }));
        expect(await store.markBreaches(startsAt + 29_999, [100])).toEqual([]);
        const marked = await store.markBreaches(startsAt + 30_002, [100, 60_000]);
        // Redis marks in bulk (the first three deadlines, their lags 2, 1 and 0 ms); the memory store's claims mark.
        expect(marked).toEqual(store.kind === 'redis' ? [{ trtClass: 'smets2.onDemand', destination: dest, count: 3, lagCounts: [3, 3] }] : []);
        // Marked already up to that time: nothing more.
        expect(await store.markBreaches(startsAt + 30_002, [100, 60_000])).toEqual([]);
        // Marked, yet named by no claim: no alert yet.
        expect((await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.alertCode === 'TRT' && ids.includes(i.requestId!))).toEqual([]);
        const claims = await store.claimBreaches(startsAt + 30_010, 100, [100, 60_000]);
        expect(claims.breaches.map((b) => b.requestId).sort()).toEqual([...ids].sort());
        const counted = [...marked, ...claims.marked].reduce((n, group) => n + group.count, 0) + claims.breaches.filter((b) => !b.markedEarlier).length;
        expect(counted).toBe(5);
        for (const id of ids) expect((await store.getRequest(id))!.breached).toBe(true);
        const alerts = (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.alertCode === 'TRT' && ids.includes(i.requestId!));
        expect(alerts.map((i) => i.requestId).sort()).toEqual([...ids].sort());
        expect(await store.markBreaches(Date.now() + 60_000, [100])).toEqual([]);
      });

      it('counts each destination\'s unanswered requests, and how far behind a User\'s delivery is', async () => {
        const store = await open();
        const dest = destination();
        const [first, second] = [newRequestId(), newRequestId()];
        await store.recordAcceptance(first, deviceAcceptance(first, { destination: dest }));
        await store.recordAcceptance(second, deviceAcceptance(second, { destination: dest }));
        expect(await store.egressBacklog([dest, 'smets2/none'])).toEqual({ [dest]: 2, 'smets2/none': 0 });
        await store.recordResponse({ requestId: first, destination: dest, responseCode: 'I0', at: Date.now() });
        expect(await store.egressBacklog([dest])).toEqual({ [dest]: 1 });

        const user = `00-DB-12-34-56-78-${randomUUID().slice(0, 2).toUpperCase()}-01`;
        expect(await store.outboxLag([user], Date.now())).toEqual({ [user]: 0 });
        const item = await store.enqueueOutbox(user, { kind: 'dccAlert', alertCode: 'TEST', body: {} });
        const lag = (await store.outboxLag([user], Date.now() + 5_000))[user];
        expect(lag).toBeGreaterThanOrEqual(5_000);
        expect(lag).toBeLessThan(10_000);
        await store.setDeliveryCursor(user, item.cursor);
        expect(await store.outboxLag([user], Date.now())).toEqual({ [user]: 0 });
      });

      it('tells the newest cursor of each User\'s outbox in one call, past every item read before it', async () => {
        const store = await open();
        const [quiet, busy] = [1, 2].map((n) => `00-DB-12-34-56-78-${randomUUID().slice(0, 2).toUpperCase()}-0${n}`);
        expect(await store.outboxHeads([])).toEqual([]);
        expect(await store.outboxHeads([quiet, busy])).toEqual([undefined, undefined]);
        const first = await store.enqueueOutbox(busy, { kind: 'dccAlert', alertCode: 'TEST', body: { n: 1 } });
        expect(await store.outboxHeads([quiet, busy])).toEqual([undefined, first.cursor]);
        await store.enqueueOutboxMany([{ userId: busy, item: { kind: 'dccAlert', alertCode: 'TEST', body: { n: 2 } } }]);
        const [, head] = await store.outboxHeads([quiet, busy]);
        const items = await store.readOutbox(busy, undefined, 10);
        expect(items.map((item) => item.body)).toEqual([{ n: 1 }, { n: 2 }]);
        // Past the first item, not past the last: a watcher of the first is woken, one of the last is not.
        expect(compareCursors(head!, first.cursor)).toBeGreaterThan(0);
        expect(compareCursors(head!, items[1].cursor)).toBe(0);
      });

      /** A SMETS1 request as the router accepts it (contract v1.1): overdue at checkAt, breached at finalAt without a response. */
      function smets1Acceptance(requestId: string, startsAt: number): Acceptance {
        const base = deviceAcceptance(requestId, { startsAt, budgetMs: 16_000, checkAt: startsAt + 16_000 + 60_000, destination: 'smets1/itron' });
        base.record.generation = 'SMETS1';
        base.record.trt = { ...base.record.trt!, class: 'smets1.response' };
        return { ...base, breachFinalAt: startsAt + 16_000 + 86_400_000 };
      }
      const trtAlerts = async (requestId: string) =>
        (await store0Outbox(requestId)).filter((item) => item.kind === 'dccAlert' && item.alertCode === 'TRT');
      let store0Outbox: (requestId: string) => Promise<{ kind: string; alertCode?: string; body?: unknown }[]>;

      it('SMETS1 (v1.1): past its check time only overdue, no alert; a response within budget without its WAN time is no breach', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const requestId = newRequestId();
        const startsAt = Date.now() - 100_000;
        await store.recordAcceptance(requestId, smets1Acceptance(requestId, startsAt));
        const overdue = await claimed(store, startsAt + 76_100, 100);
        expect(overdue).toEqual([{ requestId, originatorId: ORIGINATOR, destination: 'smets1/itron', trtClass: 'smets1.response', checkAt: startsAt + 76_000, lagMs: expect.any(Number), overdue: true }]);
        expect(await store.getRequest(requestId)).toMatchObject({ overdue: true });
        expect((await store.getRequest(requestId))!.breached).toBeUndefined();
        expect(await trtAlerts(requestId)).toEqual([]);
        // Claimed once as overdue: not again until its final time.
        expect(await claimed(store, startsAt + 80_000, 100)).toEqual([]);
        // 90 s end to end, 80 s of it on the WAN: 10 s against a 16 s budget.
        const outcome = await store.recordResponse({ requestId, destination: 'smets1/itron', responseCode: 'I0', at: startsAt + 90_000, wanMs: 80_000 });
        expect(outcome).toMatchObject({ outcome: 'recorded', breached: false, breachMarkedEarlier: false, elapsedMs: 10_000 });
        const record = (await store.getRequest(requestId))!;
        expect([record.state, record.breached, record.overdue]).toEqual(['responded', false, undefined]);
        expect(await trtAlerts(requestId)).toEqual([]);
        // Its final check never comes: the response took it out of the index.
        expect(await claimed(store, startsAt + 16_000 + 86_400_001, 100)).toEqual([]);
      });

      it('SMETS1 (v1.1): an overdue request whose response is over budget is breached by it, with its TRT alert then', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const requestId = newRequestId();
        const startsAt = Date.now() - 100_000;
        await store.recordAcceptance(requestId, smets1Acceptance(requestId, startsAt));
        expect((await claimed(store, startsAt + 76_100, 100))[0].overdue).toBe(true);
        const response = { requestId, destination: 'smets1/itron', responseCode: 'I0', at: startsAt + 90_000, wanMs: 1_000 };
        const outcome = await store.recordResponse(response);
        expect(outcome).toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: false, elapsedMs: 89_000 });
        // Repeated: the breach it revealed told again (the first answer may never have reached its caller), its alert not queued again.
        expect(await store.recordResponse(response)).toEqual(outcome);
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded', breached: true });
        expect(await trtAlerts(requestId)).toHaveLength(1);
      });

      it('SMETS1 (v1.1): one that never gets a response is breached at its final time, with its alert', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const requestId = newRequestId();
        const startsAt = Date.now() - 16_000 - 86_400_000 - 5_000;
        await store.recordAcceptance(requestId, smets1Acceptance(requestId, startsAt));
        const now = startsAt + 16_000 + 86_400_000 + 1_000;
        // Overdue first, then (in the same claim or the next) breached at its final time.
        const claims = [...await claimed(store, now, 100), ...await claimed(store, now, 100)];
        expect(claims.map((b) => b.overdue ?? false)).toEqual([true, false]);
        expect(claims[1]).toMatchObject({ requestId, checkAt: startsAt + 16_000 + 86_400_000 });
        const record = (await store.getRequest(requestId))!;
        expect([record.breached, record.overdue]).toEqual([true, undefined]);
        expect(await trtAlerts(requestId)).toHaveLength(1);
        expect(await claimed(store, now + 1_000_000, 100)).toEqual([]);
      });

      it('SMETS2+: a response after the deadline that the scan had not yet marked breaches it, with its TRT alert', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const requestId = newRequestId();
        const startsAt = Date.now() - 40_000;
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { startsAt }));
        expect(await store.recordResponse({ requestId, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 31_000 }))
          .toMatchObject({ breached: true, breachMarkedEarlier: false });
        const alerts = await trtAlerts(requestId);
        expect(alerts.map((alert) => alert.body)).toEqual([{ alert: 'TRT', requestId, deadline: new Date(startsAt + 30_000).toISOString() }]);
        expect(await claimed(store, Date.now(), 100)).toEqual([]);
      });

      it('takes back a mark whose response came in time but was recorded after the scan: not breached, no alert of its own, told again to a repeat', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const dest = destination();
        // Deadlines ahead (Redis indexes these in bulk) and one already past (its partition's own index).
        const startsAt = Date.now();
        const [ahead, past, late] = [newRequestId(), newRequestId(), newRequestId()];
        await store.recordAcceptance(ahead, deviceAcceptance(ahead, { startsAt, destination: dest }));
        await store.recordAcceptance(late, deviceAcceptance(late, { startsAt, destination: dest }));
        await store.recordAcceptance(past, deviceAcceptance(past, { startsAt: startsAt - 40_000, destination: dest }));
        await store.claimBreaches(startsAt + 30_100, 100);
        for (const id of [ahead, past, late]) expect((await store.getRequest(id))!.breached).toBe(true);
        // Answered 1 ms before the deadline (stamped by the router then), recorded now.
        for (const [id, deadline] of [[ahead, startsAt + 30_000], [past, startsAt - 10_000]] as const) {
          const response = { requestId: id, destination: dest, responseCode: 'I0', at: deadline - 1 };
          const outcome = await store.recordResponse(response);
          expect(outcome).toEqual({ outcome: 'recorded', breached: false, breachMarkedEarlier: true, breachRetracted: deadline, trtClass: 'smets2.onDemand', elapsedMs: 29_999 });
          expect(await store.recordResponse(response)).toEqual(outcome);
          expect(await store.getRequest(id)).toMatchObject({ state: 'responded', breached: false, elapsedMs: 29_999 });
          // The scan's alert went out with its mark; the response adds none.
          expect(await trtAlerts(id)).toHaveLength(1);
        }
        // At its deadline's ms it is still in time; 1 ms after it, the mark stands.
        expect(await store.recordResponse({ requestId: late, destination: dest, responseCode: 'I0', at: startsAt + 30_001 }))
          .toEqual({ outcome: 'recorded', breached: true, breachMarkedEarlier: true, trtClass: 'smets2.onDemand', elapsedMs: 30_001 });
      });

      it('a mark not yet alerted, taken back by a response in time, never gets its alert', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const dest = destination();
        const startsAt = Date.now();
        const requestId = newRequestId();
        await store.recordAcceptance(requestId, deviceAcceptance(requestId, { startsAt, destination: dest }));
        // Redis marks it in bulk here, its alert left to a claim; the memory store marks only by claims.
        await store.markBreaches(startsAt + 30_100, [100]);
        const outcome = await store.recordResponse({ requestId, destination: dest, responseCode: 'I0', at: startsAt + 30_000 });
        expect(outcome).toMatchObject({ outcome: 'recorded', breached: false, breachMarkedEarlier: store.kind === 'redis' });
        expect(await claimed(store, startsAt + 30_200, 100)).toEqual([]);
        expect(await trtAlerts(requestId)).toEqual([]);
        expect((await store.getRequest(requestId))!.breached).toBe(false);
      });

      it('SMETS1 (v1.1): a response by its final check within budget takes back the breach marked then; one over budget keeps it', async () => {
        const store = await open();
        store0Outbox = async (requestId) => (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        const finalAfter = 16_000 + 86_400_000;
        const startsAt = Date.now() - finalAfter - 5_000;
        const [inTime, overBudget] = [newRequestId(), newRequestId()];
        for (const id of [inTime, overBudget]) await store.recordAcceptance(id, smets1Acceptance(id, startsAt));
        const now = startsAt + finalAfter + 1_000;
        // Overdue, then breached at the final check, each with its claim.
        for (let i = 0; i < 4; i++) await claimed(store, now, 100);
        for (const id of [inTime, overBudget]) expect(await store.getRequest(id)).toMatchObject({ breached: true });
        // Both answered a second before the final check: one with nearly all of it on the WAN.
        const at = startsAt + finalAfter - 1_000;
        expect(await store.recordResponse({ requestId: inTime, destination: 'smets1/itron', responseCode: 'I0', at, wanMs: finalAfter - 16_000 }))
          .toEqual({ outcome: 'recorded', breached: false, breachMarkedEarlier: true, breachRetracted: startsAt + finalAfter, trtClass: 'smets1.response', elapsedMs: 15_000 });
        expect(await store.recordResponse({ requestId: overBudget, destination: 'smets1/itron', responseCode: 'I0', at, wanMs: 1_000 }))
          .toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: true });
        expect(await store.getRequest(inTime)).toMatchObject({ state: 'responded', breached: false });
        for (const id of [inTime, overBudget]) expect(await trtAlerts(id)).toHaveLength(1);
      });

      it('claims breaches in check-time order, at most max at a time, each once however many claims run at once', async () => {
        const store = await open();
        const startsAt = Date.now() - 60_000;
        // One originator: one partition, so `max` bounds each claim the same way on every store.
        const ids = Array.from({ length: 7 }, () => newRequestId());
        for (const [i, id] of ids.entries()) await store.recordAcceptance(id, deviceAcceptance(id, { startsAt, checkAt: startsAt + 1000 + i }));
        const answered = newRequestId();
        await store.recordAcceptance(answered, deviceAcceptance(answered, { startsAt, checkAt: startsAt + 1000 }));
        await store.recordResponse({ requestId: answered, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 500 });
        const first = await claimed(store, startsAt + 1002, 2);
        expect(first.map((b) => [b.requestId, b.checkAt])).toEqual([[ids[0], startsAt + 1000], [ids[1], startsAt + 1001]]);
        // The rest by several claims at once: each marked by exactly one of them.
        const rest = (await Promise.all(Array.from({ length: 6 }, () => claimed(store, Date.now(), 2)))).flat();
        expect(rest.map((b) => b.requestId).sort()).toEqual(ids.slice(2).sort());
        expect(await claimed(store, Date.now(), 100)).toEqual([]);
        const alerts = (await store.readOutbox(ORIGINATOR, undefined, 10_000)).filter((i) => i.alertCode === 'TRT' && [...ids, answered].includes(i.requestId!));
        expect(alerts.map((i) => i.requestId).sort()).toEqual([...ids].sort());
        for (const id of ids) expect((await store.getRequest(id))!.breached).toBe(true);
        expect(await store.getRequest(answered)).toMatchObject({ state: 'responded', breached: false });
      });

      it('gives each of many breaches at once its own TRT alert, read page by page from any cursor; a pull delivers only the responses it returns', async () => {
        const store = await open();
        const user = `90-B3-D5-1F-30-00-${randomUUID().slice(0, 2).toUpperCase()}-7A`;
        // Deadlines ahead, as the router makes them (RedisStore indexes near ones apart), claimed as if later.
        const startsAt = Date.now();
        const ids = Array.from({ length: 13 }, (_, i) => `${user}:00-DB-12-34-56-78-90-A0:${1_000 + i}`);
        const usersAcceptance = (id: string, options: Parameters<typeof deviceAcceptance>[1]) => {
          const made = deviceAcceptance(id, options);
          made.record.originatorId = user;
          return made;
        };
        for (const [i, id] of ids.entries()) await store.recordAcceptance(id, usersAcceptance(id, { startsAt: startsAt + i, destination: i % 3 === 0 ? 'smets2/north' : 'smets2/central' }));
        // Two claims, the second taking the rest: alerts written by different calls.
        const first = await store.claimBreaches(startsAt + 30_005, 100);
        expect(first.breaches.map((b) => b.requestId).sort()).toEqual(ids.slice(0, 6).sort());
        // A response queued between the two claims' alerts, to be delivered only when a pull returns it.
        const answered = `${user}:00-DB-12-34-56-78-90-A0:2000`;
        await store.recordAcceptance(answered, usersAcceptance(answered, { startsAt: startsAt + 60_000 }));
        await store.recordResponse({ requestId: answered, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 61_000 });
        const second = await store.claimBreaches(startsAt + 31_000, 100);
        const rest = second.breaches;
        expect(rest.map((b) => b.requestId).sort()).toEqual(ids.slice(6).sort());
        expect(rest.find((b) => b.requestId === ids[9])).toMatchObject({ destination: 'smets2/north', trtClass: 'smets2.onDemand', checkAt: startsAt + 30_009 });
        // Each counted once, by destination: named, or in a group marked in bulk.
        const counted = new Map<string, number>();
        for (const claims of [first, second]) {
          for (const group of claims.marked) counted.set(group.destination, (counted.get(group.destination) ?? 0) + group.count);
          for (const breach of claims.breaches) if (!breach.markedEarlier) counted.set(breach.destination, (counted.get(breach.destination) ?? 0) + 1);
        }
        expect(Object.fromEntries(counted)).toEqual({ 'smets2/north': 5, 'smets2/central': 8 });

        const all = await store.readOutbox(user, undefined, 100);
        // Queued in the order claimed; the alerts of one claim in any order.
        expect(all.slice(0, 6).map((i) => i.requestId).sort()).toEqual(ids.slice(0, 6).sort());
        expect(all[6]).toMatchObject({ kind: 'response', requestId: answered });
        expect(all.slice(7).map((i) => i.requestId).sort()).toEqual(ids.slice(6).sort());
        const alerts = all.filter((i) => i.alertCode === 'TRT');
        expect(alerts.map((i) => i.requestId).sort()).toEqual([...ids].sort());
        for (const alert of alerts) {
          const n = ids.indexOf(alert.requestId!);
          expect(alert).toEqual({ cursor: alert.cursor, kind: 'dccAlert', alertCode: 'TRT', requestId: ids[n], body: { alert: 'TRT', requestId: ids[n], deadline: new Date(startsAt + n + 30_000).toISOString() } });
        }
        // Every cursor is a cursor, each after the one before.
        expect(all.every((i) => isCursor(i.cursor))).toBe(true);
        for (let i = 1; i < all.length; i++) expect(compareCursors(all[i - 1].cursor, all[i].cursor)).toBeLessThan(0);

        // Pages of every size give the same items; a pull of the first 6 leaves the response undelivered.
        for (const size of [1, 2, 5, 7]) {
          const paged: typeof all = [];
          let after: string | undefined;
          for (let page = await store.readOutbox(user, after, size); page.length > 0; page = await store.readOutbox(user, after, size)) {
            expect(page.length).toBeLessThanOrEqual(size);
            paged.push(...page);
            after = page.at(-1)!.cursor;
          }
          expect(paged).toEqual(all);
        }
        expect(await store.readOutbox(user, undefined, 6, Date.now())).toEqual(all.slice(0, 6));
        expect((await store.getRequest(answered))!.state).toBe('responded');
        expect(await store.readOutbox(user, all[2].cursor, 5, Date.now())).toEqual(all.slice(3, 8));
        expect((await store.getRequest(answered))!.state).toBe('delivered');
        expect(await store.readOutbox(user, all.at(-1)!.cursor, 10)).toEqual([]);
        for (const id of ids) expect((await store.getRequest(id))!.breached).toBe(true);
        // Webhook delivery stopped inside an entry: its backlog and lag still see what is left.
        await store.putUser(fullUser(user));
        await store.setDeliveryCursor(user, all[2].cursor);
        expect(await store.webhookBacklog()).toContain(user);
        expect((await store.outboxLag([user], Date.now() + 5_000))[user]).toBeGreaterThanOrEqual(5_000);
        expect(await store.readOutbox(user, await store.deliveryCursor(user), 2)).toEqual(all.slice(3, 5));
        await store.setDeliveryCursor(user, all.at(-1)!.cursor);
        expect(await store.webhookBacklog()).not.toContain(user);
        expect(await store.outboxLag([user], Date.now())).toEqual({ [user]: 0 });
      });

      it('judges a request without a deadline index entry (TRT tracking off) on its response alone', async () => {
        const store = await open();
        const [inTime, late] = [newRequestId(), newRequestId()];
        const startsAt = Date.now() - 60_000;
        for (const requestId of [inTime, late]) {
          const { breachCheckAt: _none, ...untracked } = deviceAcceptance(requestId, { startsAt });
          await store.recordAcceptance(requestId, untracked);
        }
        // Another request's claim has moved its partition's marks past both deadlines.
        const other = newRequestId();
        await store.recordAcceptance(other, deviceAcceptance(other, { startsAt: Date.now() }));
        await store.claimBreaches(Date.now() + 31_000, 10);
        expect(await store.recordResponse({ requestId: inTime, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 1_000 }))
          .toMatchObject({ outcome: 'recorded', breached: false, breachMarkedEarlier: false });
        expect(await store.recordResponse({ requestId: late, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 31_000 }))
          .toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: false });
        expect(await trtAlertsOf(store, late)).toHaveLength(1);
        expect(await trtAlertsOf(store, inTime)).toEqual([]);
      });

      it('does not breach an answered request, and judges SMETS1 without its WAN share', async () => {
        const store = await open();
        const answered = newRequestId();
        const startsAt = Date.now() - 100_000;
        await store.recordAcceptance(answered, deviceAcceptance(answered, { startsAt, budgetMs: 16_000, checkAt: startsAt + 76_000 }));
        const outcome = await store.recordResponse({ requestId: answered, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 20_000, wanMs: 5_000 });
        expect(outcome).toMatchObject({ outcome: 'recorded', breached: false });
        expect(await store.getRequest(answered)).toMatchObject({ elapsedMs: 15_000, wanMs: 5_000, breached: false });
        expect(await claimed(store, Date.now(), 100)).toEqual([]);
        const slow = newRequestId();
        await store.recordAcceptance(slow, deviceAcceptance(slow, { startsAt, budgetMs: 16_000, checkAt: startsAt + 76_000 }));
        const judged = await store.recordResponse({ requestId: slow, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 30_000, wanMs: 10_000 });
        expect(judged).toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: false });
      });

      it('keeps each User\'s outbox apart, in order, readable from a cursor with a limit', async () => {
        const store = await open();
        const alice = `user-${randomUUID()}`;
        const bob = `user-${randomUUID()}`;
        const cursors: string[] = [];
        for (let i = 0; i < 5; i++) cursors.push((await store.enqueueOutbox(alice, { kind: 'deviceAlert', alertCode: `A${i}`, body: { i } })).cursor);
        await store.enqueueOutbox(bob, { kind: 'dccAlert', alertCode: 'AD1', body: {} });
        const all = await store.readOutbox(alice, undefined, 10);
        expect(all.map((i) => i.alertCode)).toEqual(['A0', 'A1', 'A2', 'A3', 'A4']);
        expect(all.map((i) => i.cursor)).toEqual(cursors);
        expect((await store.readOutbox(alice, cursors[1], 2)).map((i) => i.alertCode)).toEqual(['A2', 'A3']);
        expect(await store.readOutbox(alice, cursors[4], 10)).toEqual([]);
        expect((await store.readOutbox(bob, undefined, 10)).map((i) => i.alertCode)).toEqual(['AD1']);
        expect(await store.readOutbox(`user-${randomUUID()}`, undefined, 10)).toEqual([]);
      });

      it('takes a time in ms as a cursor: the items queued after it, none before, with or without marking delivered', async () => {
        const store = await open();
        const user = `user-${randomUUID()}`;
        await store.enqueueOutbox(user, { kind: 'deviceAlert', alertCode: 'OLD', body: {} });
        await new Promise((resolve) => setTimeout(resolve, 5));
        const since = String(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 5));
        const later = await store.enqueueOutbox(user, { kind: 'deviceAlert', alertCode: 'NEW', body: {} });
        expect((await store.readOutbox(user, since, 10)).map((i) => [i.alertCode, i.cursor])).toEqual([['NEW', later.cursor]]);
        expect((await store.readOutbox(user, since, 10, Date.now())).map((i) => i.alertCode)).toEqual(['NEW']);
        expect(await store.readOutbox(user, String(Date.now() + 60_000), 10)).toEqual([]);
      });

      it('appends many items to their Users\' outboxes in one call: after what they held, each User\'s in the order given, as given', async () => {
        const store = await open();
        const alice = fullUser();
        const bob = `user-${randomUUID()}`;
        await store.putUser(alice);
        const earlier = await store.enqueueOutbox(alice.userId, { kind: 'response', requestId: 'r0', responseCode: 'I0', body: { i: 0 } });
        await store.enqueueOutboxMany([]);
        expect(await store.webhookBacklog()).toContain(alice.userId);
        await store.setDeliveryCursor(alice.userId, earlier.cursor);
        expect(await store.webhookBacklog()).not.toContain(alice.userId);

        // Every field an item may carry, a counter past 2^53 kept as text, Users interleaved.
        const suspended: NewOutboxItem = { kind: 'dccAlert', alertCode: 'DEVICE_SUSPENDED', deviceId: 'd1', body: { alert: 'DEVICE_SUSPENDED', deviceId: 'd1', counter: '18446744073709551615' } };
        const raised: NewOutboxItem = { kind: 'deviceAlert', alertCode: '8F01', deviceId: 'd2', raisedAt: '2025-01-01T00:00:00.000Z', body: { alertCode: '8F01' } };
        const plan: NewOutboxItem = { kind: 'dccAlert', alertCode: 'CPA_REMEDIAL_PLAN', body: { devices: 2, nested: { list: [1, 'two', null] } } };
        const entries = [{ userId: alice.userId, item: suspended }, { userId: bob, item: raised }, { userId: alice.userId, item: plan }, { userId: bob, item: suspended }];
        await store.enqueueOutboxMany(entries);
        // What was given is not kept by reference: changing it afterwards changes nothing stored.
        (suspended.body as { deviceId: string }).deviceId = 'changed';
        const withoutCursor = (items: OutboxItem[]) => items.map(({ cursor: _cursor, ...item }) => item);
        const alices = await store.readOutbox(alice.userId, undefined, 10);
        const original = { ...suspended, body: { alert: 'DEVICE_SUSPENDED', deviceId: 'd1', counter: '18446744073709551615' } };
        expect(withoutCursor(alices)).toEqual([{ kind: 'response', requestId: 'r0', responseCode: 'I0', body: { i: 0 } }, original, plan]);
        expect(alices.map((i) => i.cursor)).toEqual([...alices.map((i) => i.cursor)].sort(compareCursors));
        expect(new Set(alices.map((i) => i.cursor)).size).toBe(3);
        expect(withoutCursor(await store.readOutbox(bob, undefined, 10))).toEqual([raised, original]);
        expect(withoutCursor(await store.readOutbox(alice.userId, earlier.cursor, 10))).toEqual([original, plan]);
        // Past the delivery cursor again: the webhook deliverer sees the new items.
        expect(await store.webhookBacklog()).toContain(alice.userId);
      });

      it('appends a large batch over many Users, every item once, in order per User', async () => {
        const store = await open();
        const users = Array.from({ length: 40 }, () => `user-${randomUUID()}`);
        const entries = Array.from({ length: 2_000 }, (_, i) => ({ userId: users[i % users.length], item: { kind: 'dccAlert' as const, alertCode: 'DEVICE_RESTORED', deviceId: `d${i}`, body: { i } } }));
        await store.enqueueOutboxMany(entries);
        const outboxes = await Promise.all(users.map((userId) => store.readOutbox(userId, undefined, 1_000)));
        expect(outboxes.map((items) => items.map((item) => item.deviceId)))
          .toEqual(users.map((_, u) => entries.filter((_, i) => i % users.length === u).map((entry) => entry.item.deviceId)));
      });

      it("queues a released request's own answer (a Pre-Command, a local command) for its User in the step that releases it, once", async () => {
        const store = await open();
        const requestId = newRequestId();
        const { acceptance: quarantined, base } = quarantinedAcceptance(requestId);
        await store.recordAcceptance(requestId, quarantined);
        const outbox = { kind: 'response' as const, requestId, responseCode: 'I0', body: { LocalCommand: { x: 1 } } };
        const release = { at: Date.now(), state: 'responded' as const, egress: false, outbox };
        expect(await store.releaseQuarantine(requestId, release)).toBe(true);
        // The same release again (a retry of a call whose answer was lost) is done, once; another is refused.
        expect(await store.releaseQuarantine(requestId, release)).toBe(true);
        expect(await store.releaseQuarantine(requestId, { ...release, at: release.at + 1 })).toBe(false);
        const queued = (await store.readOutbox(base.record.originatorId, undefined, 10_000)).filter((item) => item.requestId === requestId);
        expect(queued).toEqual([{ cursor: expect.any(String), ...outbox }]);
        expect((await store.getRequest(requestId))?.state).toBe('responded');
      });

      it('holds a quarantined request back until it is released, then queues it with a fresh TRT', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        const { acceptance: quarantined, ref } = quarantinedAcceptance(requestId, { destination: dest });
        expect(await store.recordAcceptance(requestId, quarantined)).toEqual({ outcome: 'recorded' });
        expect(await store.findQuarantine(ref)).toBe(requestId);
        expect(await store.findQuarantine(quarantineRef(requestId, 'f'.repeat(16)))).toBeUndefined();
        expect(await store.claimEgress([dest], 'router-a', 10)).toEqual([]);
        expect(await claimed(store, Date.now() + 3_600_000, 100)).toEqual([]);
        expect((await store.getRequest(requestId))!.state).toBe('quarantined');

        const at = Date.now();
        const trt = { class: 'smets2.onDemand' as const, budgetMs: 1000, startsAt: at, deadline: at + 1000 };
        expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, trt, breachCheckAt: at + 1000 })).toBe(true);
        expect(await store.releaseQuarantine(requestId, { at: at + 1, state: 'accepted', egress: true, trt, breachCheckAt: at + 1000 })).toBe(false);
        expect(await store.deleteQuarantined(requestId, at)).toBe(false);
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'accepted', releasedAt: at, trt, quarantine: { ref, breach: 'user' } });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((i) => i.record.requestId)).toEqual([requestId]);
        expect((await claimed(store, at + 1001, 100)).map((b) => b.requestId)).toEqual([requestId]);
        expect(await store.expireQuarantined(Date.now() + 120_000, 100)).toEqual([]);
      });

      it('sends a released request where it is routed now, its record saying so (its device moved while it was held)', async () => {
        const store = await open();
        const requestId = newRequestId();
        const [before, after] = [destination(), destination()];
        await store.recordAcceptance(requestId, quarantinedAcceptance(requestId, { destination: before }).acceptance);
        const at = Date.now();
        expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, route: { destination: after, generation: 'SMETS2+' } })).toBe(true);
        expect(await store.claimEgress([before], 'router-a', 10)).toEqual([]);
        const [taken] = await store.claimEgress([after], 'router-a', 10);
        expect(taken.record).toMatchObject({ requestId, destination: after, generation: 'SMETS2+' });
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'forwarded', destination: after, releasedAt: at });
      });

      it('holds a released request the DCC holds for its ExecutionDateTime until then, not queued at once', async () => {
        const store = await open();
        const requestId = newRequestId();
        const dest = destination();
        await store.recordAcceptance(requestId, quarantinedAcceptance(requestId, { destination: dest }).acceptance);
        const at = Date.now();
        const heldUntil = at + 60_000;
        const trt = { class: 'smets2.onDemand' as const, budgetMs: 30_000, startsAt: heldUntil, deadline: heldUntil + 30_000 };
        expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, heldUntil, trt, breachCheckAt: trt.deadline })).toBe(true);
        expect(await store.claimEgress([dest], 'router-a', 10)).toEqual([]);
        expect(await releaseHeld(store, heldUntil - 1, 100)).toEqual({ queued: 0, handedOver: [], more: false });
        expect(await releaseHeld(store, heldUntil, 100)).toEqual({ queued: 1, handedOver: [], more: false });
        expect((await store.claimEgress([dest], 'router-a', 10)).map((i) => i.record.requestId)).toEqual([requestId]);
        expect(await store.getRequest(requestId)).toMatchObject({ state: 'forwarded', releasedAt: at, trt });
      });

      it('judges released requests on an on-demand budget like any other: breached at the deadline unless answered, each once', async () => {
        // 30 s ahead: on Redis the deadline is indexed in bulk (by class and destination), as an acceptance's is.
        const store = await open();
        const dest = destination();
        const [late, answered] = [newRequestId(), newRequestId()];
        const at = Date.now();
        const trt = { class: 'smets2.onDemand' as const, budgetMs: 30_000, startsAt: at, deadline: at + 30_000 };
        for (const requestId of [late, answered]) {
          const base = deviceAcceptance(requestId, { destination: dest });
          const quarantine = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: at + 60_000 };
          await store.recordAcceptance(requestId, { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, state: 'quarantined', quarantine }, quarantine });
          expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, trt, breachCheckAt: trt.deadline })).toBe(true);
        }
        expect(await store.recordResponse({ requestId: answered, destination: dest, responseCode: 'I0', at: at + 29_000 }))
          .toMatchObject({ outcome: 'recorded', breached: false });
        expect(await claimed(store, at + 29_999, 100)).toEqual([]);
        expect((await store.getRequest(late))!.breached).toBeFalsy();
        expect((await claimed(store, at + 30_001, 100)).map((b) => b.requestId)).toEqual([late]);
        expect(await claimed(store, at + 60_000, 100)).toEqual([]);
        expect((await store.getRequest(late))!.breached).toBe(true);
        expect((await store.getRequest(answered))!.breached).toBe(false);
        expect(await trtAlertsOf(store, late)).toHaveLength(1);
        expect(await trtAlertsOf(store, answered)).toHaveLength(0);
      });

      it('gives a signed leg a record of its own: what the release of its quarantined transform leg wrote is not kept', async () => {
        const store = await open();
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId, bodyHash: hash('t') });
        const quarantine = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: Date.now() + 60_000 };
        await store.recordAcceptance(requestId, { ...transform, record: { ...transform.record, state: 'quarantined', quarantine }, quarantine });
        expect(await store.releaseQuarantine(requestId, { at: Date.now(), state: 'transformed', egress: false })).toBe(true);
        expect((await store.getRequest(requestId))?.releasedAt).toBeDefined();
        expect((await store.recordAcceptance(requestId, acceptance('signed', { requestId, bodyHash: hash('s') }))).outcome).toBe('recorded');
        const record = await store.getRequest(requestId);
        expect(record).toMatchObject({ state: 'accepted', commandVariant: 5 });
        expect(record?.releasedAt).toBeUndefined();
      });

      it("releases or deletes a request only by the quarantine event it is held under: its released transform leg's reference no longer does", async () => {
        const store = await open();
        const requestId = newRequestId();
        const transform = acceptance('transform', { requestId, bodyHash: hash('t') });
        const first = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'value' as const, expiresAt: Date.now() + 60_000 };
        await store.recordAcceptance(requestId, { ...transform, record: { ...transform.record, state: 'quarantined', quarantine: first }, quarantine: first });
        expect(await store.releaseQuarantine(requestId, { at: Date.now(), ref: first.ref, state: 'transformed', egress: false })).toBe(true);
        const signed = acceptance('signed', { requestId, bodyHash: hash('s') });
        const second = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: Date.now() + 60_000 };
        expect((await store.recordAcceptance(requestId, { ...signed, record: { ...signed.record, state: 'quarantined', quarantine: second }, quarantine: second })).outcome).toBe('recorded');
        expect(await store.findQuarantine(first.ref)).toBe(requestId);
        const at = Date.now();
        expect(await store.releaseQuarantine(requestId, { at, ref: first.ref, state: 'accepted', egress: true })).toBe(false);
        expect(await store.deleteQuarantined(requestId, at, first.ref)).toBe(false);
        expect((await store.getRequest(requestId))?.state).toBe('quarantined');
        expect(await store.deleteQuarantined(requestId, at, second.ref)).toBe(true);
        expect((await store.getRequest(requestId))?.state).toBe('deleted');
      });

      it('judges a released request with no deadline indexed (TRT tracking off) by its TRT: its class told, its alert naming the deadline', async () => {
        const store = await open();
        const dest = destination();
        const requestId = newRequestId();
        const at = Date.now();
        const trt = { class: 'smets2.onDemand' as const, budgetMs: 30_000, startsAt: at, deadline: at + 30_000 };
        const base = deviceAcceptance(requestId, { destination: dest });
        const quarantine = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt: at + 60_000 };
        // As the router records it: a quarantined request's TRT clock starts at its release.
        await store.recordAcceptance(requestId, { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, trt: undefined, state: 'quarantined', quarantine }, quarantine });
        expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, trt })).toBe(true);
        const response = { requestId, destination: dest, responseCode: 'I0', at: at + 31_000 };
        const outcome = await store.recordResponse(response);
        expect(outcome).toEqual({ outcome: 'recorded', breached: true, breachMarkedEarlier: false, trtClass: 'smets2.onDemand', elapsedMs: 31_000 });
        // Repeated, its class is still told (the release's TRT, not the record's, which has none).
        expect(await store.recordResponse(response)).toEqual(outcome);
        expect((await trtAlertsOf(store, requestId)).map((alert) => alert.body)).toEqual([{ alert: 'TRT', requestId, deadline: new Date(trt.deadline).toISOString() }]);
      });

      it("queues an acceptance's alert for its originator in the same step, once", async () => {
        const store = await open();
        const requestId = newRequestId();
        const alert = { kind: 'dccAlert' as const, alertCode: 'AD1', requestId, body: { alert: 'AD1', requestId } };
        const accepted = { ...deviceAcceptance(requestId), alert };
        expect(await store.recordAcceptance(requestId, accepted)).toEqual({ outcome: 'recorded' });
        expect((await store.recordAcceptance(requestId, accepted)).outcome).toBe('duplicate');
        const items = (await store.readOutbox(ORIGINATOR, undefined, 1000)).filter((i) => i.requestId === requestId);
        expect(items).toEqual([{ cursor: expect.any(String), ...alert }]);
      });

      it('deletes quarantined requests on demand and when they expire', async () => {
        const store = await open();
        const quarantine = (requestId: string, expiresAt: number): Acceptance => {
          const base = deviceAcceptance(requestId);
          const info = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'dcc' as const, expiresAt };
          return { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, state: 'quarantined', quarantine: info }, quarantine: info };
        };
        const deleted = newRequestId();
        const expiring = newRequestId();
        const now = Date.now();
        await store.recordAcceptance(deleted, quarantine(deleted, now + 60_000));
        await store.recordAcceptance(expiring, quarantine(expiring, now + 1_000));
        expect(await store.deleteQuarantined(deleted, now)).toBe(true);
        // The same deletion again is done; another refused, and a deleted request is not released.
        expect(await store.deleteQuarantined(deleted, now)).toBe(true);
        expect(await store.deleteQuarantined(deleted, now + 1)).toBe(false);
        expect(await store.releaseQuarantine(deleted, { at: now, state: 'accepted', egress: true })).toBe(false);
        expect((await store.getRequest(deleted))!.state).toBe('deleted');
        expect(await store.expireQuarantined(now + 999, 100)).toEqual([]);
        expect(await store.expireQuarantined(now + 70_000, 100)).toEqual([expiring]);
        expect((await store.getRequest(expiring))!.state).toBe('deleted');
        expect(await store.releaseQuarantine(expiring, { at: now, state: 'accepted', egress: true })).toBe(false);
      });

      it('adds up named statistics counters per set, each addition once by its name', async () => {
        const store = await open();
        const set = `month-${randomUUID()}`;
        const [first, second] = [randomUUID(), randomUUID()];
        await store.incrementStats(set, { 'a|b|responded': 1, 'a|b|b3': 2 }, first);
        await store.incrementStats(set, { 'a|b|responded': 4 }, second);
        // Sent again under its name (its outcome unknown to its sender): not added twice.
        await store.incrementStats(set, { 'a|b|responded': 1, 'a|b|b3': 2 }, first);
        expect(await store.readStats(set)).toEqual({ 'a|b|responded': 5, 'a|b|b3': 2 });
        expect(await store.readStats(`month-${randomUUID()}`)).toEqual({});
      });

      it('tracks webhook backlogs, leases, cursors and dead letters', async () => {
        const store = await open();
        const withEndpoint = fullUser();
        const without = minimalUser();
        await store.putUser(withEndpoint);
        await store.putUser(without);
        expect(await store.webhookBacklog()).not.toContain(withEndpoint.userId);
        const first = await store.enqueueOutbox(withEndpoint.userId, { kind: 'dccAlert', alertCode: 'TRT', body: {} });
        await store.enqueueOutbox(without.userId, { kind: 'dccAlert', alertCode: 'TRT', body: {} });
        expect(await store.webhookBacklog()).toContain(withEndpoint.userId);
        expect(await store.webhookBacklog()).not.toContain(without.userId);
        await store.setDeliveryCursor(withEndpoint.userId, first.cursor);
        expect(await store.webhookBacklog()).not.toContain(withEndpoint.userId);
        await store.enqueueOutbox(withEndpoint.userId, { kind: 'dccAlert', alertCode: 'TRT', body: {} });
        expect(await store.webhookBacklog()).toContain(withEndpoint.userId);
        await store.putUser({ ...withEndpoint, receiveEndpoint: undefined });
        expect(await store.webhookBacklog()).not.toContain(withEndpoint.userId);
        await store.putUser(withEndpoint);
        await store.setDeliveryCursor(withEndpoint.userId, '0-0');

        expect(await store.leaseDelivery(withEndpoint.userId, 'a', 200)).toBe(true);
        expect(await store.leaseDelivery(withEndpoint.userId, 'b', 200)).toBe(false);
        expect(await store.leaseDelivery(withEndpoint.userId, 'a', 200)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 250));
        expect(await store.leaseDelivery(withEndpoint.userId, 'b', 200)).toBe(true);
        // Given up by its owner, taken by another at once; another's release leaves it.
        await store.releaseDelivery(withEndpoint.userId, 'a');
        expect(await store.leaseDelivery(withEndpoint.userId, 'a', 60_000)).toBe(false);
        await store.releaseDelivery(withEndpoint.userId, 'b');
        expect(await store.leaseDelivery(withEndpoint.userId, 'a', 60_000)).toBe(true);
        await store.releaseDelivery(withEndpoint.userId, 'a');

        await store.setDeliveryCursor(withEndpoint.userId, '123-4');
        expect(await store.deliveryCursor(withEndpoint.userId)).toBe('123-4');
        const item = await store.enqueueOutbox(withEndpoint.userId, { kind: 'dccAlert', alertCode: 'TRT', body: { x: 1 } });
        const before = Date.now();
        await store.deadLetter(withEndpoint.userId, item, 'HTTP 500 after 5 attempts');
        const { items: [letter], next } = await store.listDeadLetters(withEndpoint.userId, undefined, 10);
        expect(letter).toEqual({ userId: withEndpoint.userId, id: expect.stringMatching(/^\d+-\d+$/), at: expect.any(Number), item, reason: 'HTTP 500 after 5 attempts' });
        expect(letter.at).toBeGreaterThanOrEqual(before - 1000);
        expect(next).toBeUndefined();
      });

      it('lists dead letters per User and for every User, page by page', async () => {
        const store = await open();
        const [alice, bob] = [`user-a-${randomUUID()}`, `user-b-${randomUUID()}`];
        const letters = new Map<string, OutboxItem[]>([[alice, []], [bob, []]]);
        for (const [userId, count] of [[alice, 3], [bob, 2]] as const) {
          for (let i = 0; i < count; i++) {
            const item = await store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: `A${i}`, body: { i, big: '18446744073709551615' } });
            await store.deadLetter(userId, item, `HTTP 50${i}`);
            letters.get(userId)!.push(item);
          }
        }
        const mine = await store.listDeadLetters(alice, undefined, 10);
        expect(mine.items.map((l) => [l.userId, l.item, l.reason])).toEqual(letters.get(alice)!.map((item, i) => [alice, item, `HTTP 50${i}`]));
        expect(mine.items.map((l) => l.id)).toEqual([...mine.items.map((l) => l.id)].sort(compareCursors));
        expect(mine.next).toBeUndefined();

        // Page by page, a User's and then everyone's: each once, Users in order, each one's oldest first.
        const pages = async (userId: string | undefined, limit: number) => {
          const all: DeadLetter[] = [];
          let after: string | undefined;
          for (let n = 0; n < 20; n++) {
            const page = await store.listDeadLetters(userId, after, limit);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            // One cursor format on every store, so the operators' API can check it.
            if (page.next) expect(page.next).toMatch(DEAD_LETTER_CURSOR);
            all.push(...page.items);
            if (!page.next) return all;
            after = page.next;
          }
          throw new Error('the pages never end');
        };
        expect((await pages(alice, 2)).map((l) => l.item)).toEqual(letters.get(alice));
        expect((await pages(undefined, 2)).map((l) => l.item)).toEqual([...letters.get(alice)!, ...letters.get(bob)!]);
        expect((await pages(undefined, 1)).map((l) => l.userId)).toEqual([alice, alice, alice, bob, bob]);
        expect(await store.listDeadLetters(`user-${randomUUID()}`, undefined, 10)).toEqual({ items: [] });
      });

      it('serves no outbox item past its retention, the User idle since or not', async () => {
        const store = await open({ outboxRetentionSeconds: 1 });
        const user = `user-${randomUUID()}`;
        const old = await store.enqueueOutbox(user, { kind: 'dccAlert', alertCode: 'TEST', body: { n: 1 } });
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        expect(await store.readOutbox(user, undefined, 10)).toEqual([]);
        expect(await store.readOutbox(user, '0', 10)).toEqual([]);
        // Nothing owed either: no head to wake a waiting pull, no lag.
        expect(await store.outboxHeads([user])).toEqual([undefined]);
        expect(await store.outboxLag([user], Date.now())).toEqual({ [user]: 0 });
        const fresh = await store.enqueueOutbox(user, { kind: 'dccAlert', alertCode: 'TEST', body: { n: 2 } });
        expect((await store.readOutbox(user, undefined, 10)).map((item) => item.body)).toEqual([{ n: 2 }]);
        expect((await store.readOutbox(user, old.cursor, 10)).map((item) => item.cursor)).toEqual([fresh.cursor]);
      });

      it('lists no dead letter past its retention, and drops those as the next is added, so a User whose endpoint stays broken does not fill the store', async () => {
        const store = await open({ deadLetterRetentionSeconds: 1 });
        const user = `user-${randomUUID()}`;
        const letter = (n: number): OutboxItem => ({ cursor: `${n}-0`, kind: 'dccAlert', alertCode: 'TEST', body: { n } });
        await store.deadLetter(user, letter(1), 'HTTP 500');
        await store.deadLetter(user, letter(2), 'HTTP 500');
        expect((await store.listDeadLetters(user, undefined, 10)).items.map((l) => l.item.body)).toEqual([{ n: 1 }, { n: 2 }]);
        const [first] = (await store.listDeadLetters(user, undefined, 10)).items;
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        // Nor redriven, one or all: as if gone.
        expect(await store.redriveDeadLetters(user, [first.id])).toEqual([]);
        expect(await store.redriveDeadLetters(user, 'all')).toEqual([]);
        expect(await store.readOutbox(user, undefined, 10)).toEqual([]);
        expect((await store.listDeadLetters(user, undefined, 10)).items).toEqual([]);
        await store.deadLetter(user, letter(3), 'HTTP 500');
        expect((await store.listDeadLetters(user, undefined, 10)).items.map((l) => l.item.body)).toEqual([{ n: 3 }]);
      });

      it("redrives a User's dead letters, one or all, each once, to the end of its outbox", async () => {
        const store = await open();
        const user = fullUser();
        await store.putUser(user);
        const items: OutboxItem[] = [];
        for (let i = 0; i < 3; i++) {
          const item = await store.enqueueOutbox(user.userId, { kind: 'response', requestId: `r${i}`, responseCode: 'I0', body: { i } });
          await store.deadLetter(user.userId, item, 'HTTP 500 after 8 attempts');
          items.push(item);
        }
        await store.setDeliveryCursor(user.userId, items[2].cursor);
        expect(await store.webhookBacklog()).not.toContain(user.userId);
        const letters = (await store.listDeadLetters(user.userId, undefined, 10)).items;

        const [one] = await store.redriveDeadLetters(user.userId, [letters[1].id]);
        expect(one.id).toBe(letters[1].id);
        const { cursor: _old, ...second } = items[1];
        expect((await store.readOutbox(user.userId, items[2].cursor, 10))).toEqual([{ ...second, cursor: one.cursor, redrivenFrom: items[1].cursor }]);
        // Queued after the delivery cursor: the webhook delivers it again.
        expect(await store.webhookBacklog()).toContain(user.userId);
        expect(await store.redriveDeadLetters(user.userId, [letters[1].id])).toEqual([]);
        expect(await store.redriveDeadLetters(user.userId, ['1-0'])).toEqual([]);
        expect((await store.listDeadLetters(user.userId, undefined, 10)).items.map((l) => l.id)).toEqual([letters[0].id, letters[2].id]);

        // All of them, at once from two callers: each is queued once.
        const both = await Promise.all([store.redriveDeadLetters(user.userId, 'all'), store.redriveDeadLetters(user.userId, 'all')]);
        expect(both.flat().map((r) => r.id).sort()).toEqual([letters[0].id, letters[2].id].sort());
        expect((await store.listDeadLetters(user.userId, undefined, 10)).items).toEqual([]);
        const requeued = await store.readOutbox(user.userId, one.cursor, 10);
        expect(requeued.map((i) => [i.requestId, i.redrivenFrom])).toEqual([['r0', items[0].cursor], ['r2', items[2].cursor]]);
        expect(await store.redriveDeadLetters(user.userId, 'all')).toEqual([]);
        expect(await store.redriveDeadLetters(`user-${randomUUID()}`, 'all')).toEqual([]);

        // Dead-lettered again after its redrive and redriven again: it still names the cursor it was first queued with.
        const again = requeued.find((i) => i.requestId === 'r0')!;
        await store.deadLetter(user.userId, again, 'HTTP 500 after 8 attempts');
        const [twice] = await store.redriveDeadLetters(user.userId, 'all');
        expect((await store.readOutbox(user.userId, again.cursor, 10)).find((i) => i.cursor === twice.cursor)?.redrivenFrom).toBe(items[0].cursor);
      });

      it('lists quarantined requests per User and for every User, page by page, and no longer once released or deleted', async () => {
        const store = await open();
        const alice = '90-B3-D5-1F-30-0A-00-01';
        // Another User of Alice's partition, and one of another partition.
        const users = ['90-B3-D5-1F-30-0A-00-02', '90-B3-D5-1F-30-0A-00-03', '90-B3-D5-1F-30-0A-00-04', '90-B3-D5-1F-30-0A-00-05'];
        const neighbour = users.find((u) => partitionOf(u) === partitionOf(alice)) ?? alice.replace(/01$/, '11');
        const stranger = users.find((u) => partitionOf(u) !== partitionOf(alice))!;
        const quarantine = async (userId: string, expiresAt: number) => {
          const requestId = `${userId}:00-DB-12-34-56-78-90-A0:${randomUUID()}`;
          const base = deviceAcceptance(requestId);
          base.record.originatorId = userId;
          const info = { ref: quarantineRef(requestId, randomUUID().replaceAll('-', '')), breach: 'user' as const, expiresAt };
          expect(await store.recordAcceptance(requestId, { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, state: 'quarantined', quarantine: info }, quarantine: info })).toEqual({ outcome: 'recorded' });
          return requestId;
        };
        const now = Date.now() + 60_000;
        const aliceIds = [await quarantine(alice, now + 3), await quarantine(alice, now + 1), await quarantine(alice, now + 1), await quarantine(alice, now + 2)];
        const neighbourIds = [await quarantine(neighbour, now + 1), await quarantine(neighbour, now + 5)];
        const strangerIds = [await quarantine(stranger, now)];
        const accepted = newRequestId();
        await store.recordAcceptance(accepted, deviceAcceptance(accepted));

        const pages = async (userId: string | undefined, limit: number) => {
          const all: RequestRecord[] = [];
          let after: string | undefined;
          for (let n = 0; n < 50; n++) {
            const page = await store.listQuarantined(userId, after, limit);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            if (page.next) expect(page.next).toMatch(QUARANTINE_CURSOR);
            all.push(...page.items);
            if (!page.next) return all;
            after = page.next;
          }
          throw new Error('the pages never end');
        };
        const mine = await pages(alice, 2);
        expect(mine.map((r) => r.requestId).sort()).toEqual([...aliceIds].sort());
        // Soonest expiry first.
        expect(mine.map((r) => r.quarantine!.expiresAt)).toEqual([now + 1, now + 1, now + 2, now + 3]);
        expect(mine.every((r) => r.state === 'quarantined' && r.originatorId === alice && r.quarantine!.breach === 'user')).toBe(true);
        expect((await pages(alice, 100)).map((r) => r.requestId)).toEqual(mine.map((r) => r.requestId));
        for (const limit of [1, 3, 100]) {
          const everyone = (await pages(undefined, limit)).map((r) => r.requestId);
          expect(everyone.sort(), `limit ${limit}`).toEqual([...aliceIds, ...neighbourIds, ...strangerIds].sort());
        }
        expect((await pages(stranger, 1)).map((r) => r.requestId)).toEqual(strangerIds);

        await store.deleteQuarantined(aliceIds[0], Date.now());
        const at = Date.now();
        await store.releaseQuarantine(aliceIds[1], { at, state: 'accepted', egress: true });
        expect((await pages(alice, 10)).map((r) => r.requestId).sort()).toEqual([aliceIds[2], aliceIds[3]].sort());
        expect(await store.listQuarantined('90-B3-D5-1F-30-0A-0F-0F', undefined, 10)).toEqual({ items: [] });
      });
    });
  });
}
