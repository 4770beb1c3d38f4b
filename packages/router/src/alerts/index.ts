import { ALERT_CODE, alertRecipients, destinationOf } from '@dccrouter/domain';
import type { NewOutboxItem, StateStore } from '@dccrouter/state';
import type { AlertSink } from '@dccrouter/simulators';
import { throttledWarn, type Logger } from '../log/index.ts';

/** Devices looked up at a time while routing a storm of alerts. */
const CHUNK = 2_000;

export interface RaisedAlerts {
  /** Devices the alert came from that are in the inventory. */
  devices: number;
  /** Outbound items queued (one per responsible User of each device). */
  queued: number;
  /** Device IDs not in the inventory (nothing queued for them). */
  unknown: string[];
  /** Device IDs in the inventory but routed to another network than the one raising (nothing queued for them). */
  elsewhere: string[];
}

/**
 * Routes device alerts to each device's responsible Users (contract v1.1, "Alerts"): outbox items
 * of kind `deviceAlert`, delivered like responses (webhook, pull, gRPC feed). Devices are read a
 * chunk at a time and each chunk's items go in one round trip. Raised by a network (`from`), a
 * device routed to another is not its to speak for: named, nothing queued.
 */
export async function raiseDeviceAlerts(store: StateStore, alertCode: string, deviceIds: readonly string[], raisedAt: number, from?: string): Promise<RaisedAlerts> {
  if (!ALERT_CODE.test(alertCode)) throw new RangeError(`device alert code ${JSON.stringify(alertCode)} is not letters, digits and "_"`);
  const result: RaisedAlerts = { devices: 0, queued: 0, unknown: [], elsewhere: [] };
  const at = new Date(raisedAt).toISOString();
  for (let start = 0; start < deviceIds.length; start += CHUNK) {
    const chunk = deviceIds.slice(start, start + CHUNK);
    const devices = await store.getDevices(chunk);
    const entries: { userId: string; item: NewOutboxItem }[] = [];
    devices.forEach((device, i) => {
      if (!device) {
        result.unknown.push(chunk[i]);
        return;
      }
      if (from !== undefined && destinationOf(device) !== from) {
        result.elsewhere.push(chunk[i]);
        return;
      }
      result.devices++;
      for (const userId of alertRecipients(device)) {
        entries.push({ userId, item: { kind: 'deviceAlert', alertCode, deviceId: device.deviceId, raisedAt: at, body: { alertCode, deviceId: device.deviceId } } });
      }
    });
    await store.enqueueOutboxMany(entries);
    result.queued += entries.length;
  }
  return result;
}

/** The simulated networks' alerts, routed through the store. */
export function deviceAlertSink(store: StateStore, log: Logger): AlertSink {
  // At most a line every 10 s per alert code: with the store away, every batch of alerts fails alike.
  const warn = throttledWarn(log);
  return async (alertCode, deviceIds, raisedAt) => {
    try {
      await raiseDeviceAlerts(store, alertCode, deviceIds, raisedAt);
    } catch (error) {
      warn(alertCode, { err: error, alertCode, devices: deviceIds.length }, 'device alerts not routed');
      throw error;
    }
  };
}
