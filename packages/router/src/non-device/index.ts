import { parseEui, refuse, type Refusal, type ServiceRequest, type SrvDefinition } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';

export type NonDeviceResult = { ok: true; responseCode: 'I0' | 'I99'; body?: unknown } | { ok: false; refusal: Refusal };

/**
 * Non-device requests (CV 8) are served by the router itself. 8.2 Read Inventory answers from the
 * inventory; the others are acknowledged without data (I99), as DUIS answers them.
 */
export async function serveNonDevice(request: ServiceRequest, srv: SrvDefinition, store: StateStore): Promise<NonDeviceResult> {
  if (srv.srv !== '8.2') return { ok: true, responseCode: 'I99' };
  const value = request.bodyValue;
  const deviceId = value === '' ? null : parseEui(value.DeviceID);
  if (!deviceId) {
    return { ok: false, refusal: refuse('malformed_request', 'ReadInventory needs DeviceID, an EUI-64') };
  }
  const device = await store.getDevice(deviceId);
  return { ok: true, responseCode: 'I0', body: { ReadInventory: { Devices: device ? [device] : [] } } };
}
