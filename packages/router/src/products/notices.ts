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
      const was = withCplStatus(device, before).status === 'Suspended';
      const is = withCplStatus(device, after).status === 'Suspended';
      if (was !== is) {
        const alertCode = is ? 'DEVICE_SUSPENDED' : 'DEVICE_RESTORED';
        if (is) result.suspended++;
        else result.restored++;
        for (const userId of responsibleUsers(device)) {
          items.push({ userId, item: { kind: 'dccAlert', alertCode, deviceId: device.deviceId, body: { alert: alertCode, deviceId: device.deviceId, deviceModel: entry.deviceModel, firmwareVersion: device.firmwareVersion } } });
        }
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
