import { RESPONSIBLE_PARTIES, withCplStatus, type CplEntry, type CplIndex, type Device } from '@dccrouter/domain';
import type { NewOutboxItem, StateStore } from '@dccrouter/state';
import type { Logger } from '../log/index.ts';

/** Devices read at a time while telling Users of a CPL change. */
const PAGE = 2_000;

/**
 * After each page, a pause as long as the page took: the notices of a change reaching a million
 * devices take at most half of this process's time (and of Redis's), leaving the rest to the
 * request path, which the change itself reached at once (the CPL is looked up in memory).
 */
const yieldAsLongAs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function responsibleUsers(device: Device): string[] {
  return [...new Set(RESPONSIBLE_PARTIES.map((party) => device[party]).filter((userId): userId is string => userId !== undefined))];
}

/** `DEVICE_SUSPENDED` or `DEVICE_RESTORED` for each User responsible for the device. */
function statusAlerts(device: Device, suspended: boolean): { userId: string; item: NewOutboxItem }[] {
  const alertCode = suspended ? 'DEVICE_SUSPENDED' : 'DEVICE_RESTORED';
  const body = { alert: alertCode, deviceId: device.deviceId, deviceModel: device.deviceModel, firmwareVersion: device.firmwareVersion };
  return responsibleUsers(device).map((userId) => ({ userId, item: { kind: 'dccAlert', alertCode, deviceId: device.deviceId, body } }));
}

const servedSuspended = (device: Device, cpl: CplIndex) => withCplStatus(device, cpl).status === 'Suspended';

/**
 * A device rewritten under an unchanged CPL (its firmware activated, an operator's update): its
 * responsible Users are told when that changes whether it is served Suspended, as for a CPL change.
 * A device new to the inventory was never in service, so nothing is said of it.
 */
export async function noticeDeviceChange(store: StateStore, cpl: CplIndex, before: Device | undefined, after: Device): Promise<'suspended' | 'restored' | undefined> {
  const { suspended, restored } = await noticeDeviceChanges(store, cpl, [before], [after]);
  return suspended > 0 ? 'suspended' : restored > 0 ? 'restored' : undefined;
}

/** As noticeDeviceChange for many devices rewritten at once (an import): `before[i]` is `after[i]` as it was, all alerts queued together. */
export async function noticeDeviceChanges(store: StateStore, cpl: CplIndex, before: readonly (Device | undefined)[], after: readonly Device[]): Promise<{ suspended: number; restored: number }> {
  const result = { suspended: 0, restored: 0 };
  const items: { userId: string; item: NewOutboxItem }[] = [];
  after.forEach((device, i) => {
    const was = before[i];
    if (!was) return;
    const is = servedSuspended(device, cpl);
    if (servedSuspended(was, cpl) === is) return;
    if (is) result.suspended++;
    else result.restored++;
    items.push(...statusAlerts(device, is));
  });
  if (items.length > 0) await store.enqueueOutboxMany(items);
  return result;
}

/**
 * Tells the Users responsible for the devices a CPL change affects (contract v1.1): each device
 * it suspends or restores (`DEVICE_SUSPENDED` / `DEVICE_RESTORED` dcc alerts naming the device),
 * and, for a remedial plan, one `CPA_REMEDIAL_PLAN` alert per User naming the model, the firmware
 * and how many of its devices. Runs after the change, a page of the model's devices at a time.
 */
export async function noticeCplChange(store: StateStore, log: Logger, before: CplIndex, after: CplIndex, entry: CplEntry): Promise<{ suspended: number; restored: number; planNotices: number }> {
  const result = { suspended: 0, restored: 0, planNotices: 0 };
  const remedial = entry.status === 'remedialPlan' && before.get(entry.deviceModel)?.get(entry.firmwareVersion) !== 'remedialPlan';
  const onPlan = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const pageStarted = performance.now();
    const page = await store.devicesOfModel(entry.deviceModel, cursor, PAGE);
    cursor = page.cursor;
    const items: { userId: string; item: NewOutboxItem }[] = [];
    for (const device of page.devices) {
      const is = servedSuspended(device, after);
      if (servedSuspended(device, before) !== is) {
        if (is) result.suspended++;
        else result.restored++;
        items.push(...statusAlerts(device, is));
      }
      if (remedial && device.firmwareVersion === entry.firmwareVersion) {
        for (const userId of responsibleUsers(device)) onPlan.set(userId, (onPlan.get(userId) ?? 0) + 1);
      }
    }
    await store.enqueueOutboxMany(items);
    if (cursor !== undefined) await yieldAsLongAs(performance.now() - pageStarted);
  } while (cursor !== undefined);
  const plan = [...onPlan].map(([userId, devices]) => ({
    userId,
    item: {
      kind: 'dccAlert' as const, alertCode: 'CPA_REMEDIAL_PLAN',
      body: { alert: 'CPA_REMEDIAL_PLAN', deviceModel: entry.deviceModel, firmwareVersion: entry.firmwareVersion, devices, reason: entry.sscDecision?.reason },
    },
  }));
  await store.enqueueOutboxMany(plan);
  result.planNotices = plan.length;
  log.info({ deviceModel: entry.deviceModel, firmwareVersion: entry.firmwareVersion, status: entry.status, ...result }, 'CPL change told to the responsible Users');
  return result;
}
