import type { CspRegion, Device, Generation, SrvDefinition } from '../types/index.ts';

export interface Route {
  generation?: Generation;
  destination: string;
}

/** The router itself serves non-device (CV 8) requests. */
export const DSP_DESTINATION = 'dsp';

const CSP_DESTINATIONS: Record<CspRegion, string> = {
  North: 'smets2/north',
  Central: 'smets2/central',
  South: 'smets2/south',
  '4G North': 'smets2/4g-north',
  '4G Central': 'smets2/4g-central',
  '4G South': 'smets2/4g-south',
};

export const ALL_DESTINATIONS: readonly string[] = [
  ...Object.values(CSP_DESTINATIONS),
  ...['aclara', 'honeywell-elster', 'itron', 'landis-gyr', 'secure', 'edmi'].map((cohort) => `smets1/${cohort}`),
];

/**
 * SMETS2+ goes to the CSP of the device's region; SMETS1 through the DCO to its cohort's S1SP.
 * The inventory guarantees the region or cohort (the operators' API refuses a device without it).
 */
export function routeFor(srv: SrvDefinition, device: Device | undefined): Route {
  if (srv.nonDevice || !device) return { destination: DSP_DESTINATION };
  const destination = destinationOf(device);
  if (!destination) throw new Error(`${device.generation} device ${device.deviceId} has no ${device.generation === 'SMETS1' ? 'cohort' : 'CSP region'}`);
  return { generation: device.generation === 'SMETS1' ? 'SMETS1' : 'SMETS2+', destination };
}

/** The network a device's requests go to (and its alerts come from); undefined without its region or cohort. */
export function destinationOf(device: Device): string | undefined {
  if (device.generation === 'SMETS1') return device.smets1Cohort && `smets1/${device.smets1Cohort}`;
  return device.cspRegion && CSP_DESTINATIONS[device.cspRegion];
}
