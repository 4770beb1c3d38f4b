import { isDeepStrictEqual } from 'node:util';
import { withFirmwareActivated, type CplIndex } from '@dccrouter/domain';
import type { DeviceUpdate, StateStore } from '@dccrouter/state';
import { LOOK_AGAIN_GAPS_MS, retryAfterGaps } from '../background/index.ts';
import type { Logger } from '../log/index.ts';
import { storedCpl } from './cpl.ts';
import { ofInstallations, recordInstallations } from './installations.ts';
import { storedJudge } from './registers.ts';
import { noticeDeviceChange } from './notices.ts';

/**
 * Records an activation answered I0 (recordFirmware), after the response: at once, and again after
 * each of `gapsMs` while it fails (Redis unreachable for a moment), so a passing failure does not
 * leave the inventory on the old version. Each attempt reads the device afresh: a repeat of a
 * device write that landed unconfirmed finds it as that write left it, and tells of that write's
 * change (notices whose append landed unconfirmed are sent twice).
 */
export function recordActivatedFirmware(store: StateStore, requestId: string, log: Logger, gapsMs: readonly number[] = LOOK_AGAIN_GAPS_MS): void {
  let failures = 0;
  // The device's change once written: an attempt that failed after it goes on from there, so the
  // installation and the Users' notices follow the change rather than a repeat that changes nothing.
  const written: ActivationWrites = {};
  const attempt = async () => {
    try {
      await recordFirmware(store, requestId, written);
      return true;
    } catch (error) {
      if (++failures > gapsMs.length) log.warn({ err: error, requestId }, 'activated firmware not recorded in the inventory: every attempt failed');
      throw error;
    }
  };
  void attempt().catch(() => retryAfterGaps(gapsMs, attempt));
}

/**
 * The device's firmware version as its activation set it: the version its 11.3 was sent for, the
 * one the last 11.1 before the 11.3's acceptance pended. That is the device's pending version as
 * the store holds it when it was pended by then (the router that accepted the 11.3 may not have
 * seen an 11.1 served by another a moment before); else the one the accepting router knew (kept
 * in the request's record); without an 11.1 before it, nothing changes (an 11.1 served while the
 * 11.3 distributes stays pending). A version on the CPL restores a suspended
 * device, one off it suspends it: its Users are told.
 */
async function recordFirmware(store: StateStore, requestId: string, written: ActivationWrites): Promise<void> {
  // Read from the store, not a refreshed table: this may run in the networks process, which keeps none.
  const cpl = await storedCpl(store);
  if (written.update === undefined) {
    const tried = written.tried;
    // The last attempt's write landed though its answer was lost: the device is as it left it, and
    // that change is the one to tell of. Not written again: the accepting router's version, which a
    // repeat would take now the device's pending one is gone, may be older than the one activated.
    if (tried !== undefined && isDeepStrictEqual(await store.getDevice(tried.before.deviceId), tried.after)) written.update = tried;
    else written.update = await activate(store, requestId, cpl, (change) => { written.tried = change; }) ?? null;
  }
  const update = written.update;
  if (!update) return;
  // A SMETS1 installation's eligibility follows its devices' firmware (an upgrade may make it eligible).
  if (ofInstallations([update.before, update.after]).length > 0) {
    await recordInstallations(store, await storedJudge(store), [update.after], [update.before], Date.now());
  }
  await noticeDeviceChange(store, cpl, update.before, update.after);
}

/**
 * What the attempts wrote: `update` once a write is confirmed (null: nothing to activate);
 * `tried`, the change the last attempt asked for, confirmed or not.
 */
interface ActivationWrites {
  update?: DeviceUpdate | null;
  tried?: DeviceUpdate;
}

/** The device changed to its activated version, as the store holds it; undefined when there is none to activate. */
async function activate(store: StateStore, requestId: string, cpl: CplIndex, trying: (change: DeviceUpdate) => void): Promise<DeviceUpdate | undefined> {
  const request = await store.getRequest(requestId);
  // Changed as the store holds the device, so an operator's change made meanwhile stays.
  const [update] = await store.updateDevices([requestId.split(':')[1]], (device) => {
    const pendedAt = device.pendingFirmwareAt === undefined ? undefined : Date.parse(device.pendingFirmwareAt);
    const pendedBefore = request !== undefined && pendedAt !== undefined && pendedAt <= request.acceptedAt;
    // A device pended before its time was kept (pendedAt undefined): its pending version, as before.
    const version = pendedBefore ? device.pendingFirmwareVersion : request?.firmwareVersion ?? (pendedAt === undefined ? device.pendingFirmwareVersion : undefined);
    if (version === undefined) return undefined;
    const activated = withFirmwareActivated(device, version, cpl);
    trying({ before: device, after: activated });
    return activated;
  });
  return update;
}
