import type { DeviceType, SmiStatus } from '../types/index.ts';
import { SRV_DEFINITIONS } from '../catalogue/index.ts';

/**
 * Policy tables that the reference marks as "policy default": shipped as the defaults of
 * configuration an operator can change, never as constants inside the checks.
 */
export interface Policy {
  /** Per SMI status, the SRVs it admits: "all" or an explicit list. */
  statusAdmission: Record<SmiStatus, 'all' | readonly string[]>;
  /** SRVs not available for SMETS1 devices. */
  smets1UnavailableSrvs: readonly string[];
  /** Command variants not available for SMETS1 devices (local delivery). */
  smets1UnavailableCommandVariants: readonly number[];
  /** Device types each SRV may target, beyond its catalogue example types. */
  extraDeviceTypes: Record<string, readonly DeviceType[]>;
}

const INSTALLATION_SRVS = ['8.1.1', '8.7.1', '8.7.2', '8.8.1', '8.8.2', '8.9', '8.11', '6.15.1', '6.15.2', '6.21', '6.23', '11.2'];
// Contract v1.1: a Suspended device passes firmware requests only (11.4 targets a PPMID alone).
const FIRMWARE_SRVS = ['11.1', '11.2', '11.3', '11.4'];
const METERING_DEVICE_TYPES: DeviceType[] = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS'];

export function defaultPolicy(): Policy {
  return {
    statusAdmission: {
      Commissioned: 'all',
      Recovered: 'all',
      Pending: INSTALLATION_SRVS,
      Whitelisted: INSTALLATION_SRVS,
      InstalledNotCommissioned: INSTALLATION_SRVS,
      Suspended: FIRMWARE_SRVS,
      Decommissioned: [],
      Withdrawn: [],
      Recovery: [],
    },
    smets1UnavailableSrvs: ['6.28', '6.29', '6.30', '6.31', '6.32', '8.12.1', '8.12.2', '7.12', '7.13', '7.14', '7.15', '7.16'],
    smets1UnavailableCommandVariants: [2, 3, 6, 7],
    extraDeviceTypes: { '11.2': METERING_DEVICE_TYPES, '11.3': METERING_DEVICE_TYPES },
  };
}

/** Precomputed lookups over a Policy, so the per-request checks are set look-ups. */
export interface CompiledPolicy {
  readonly policy: Policy;
  statusAdmits(status: SmiStatus, srv: string): boolean;
  deviceTypeAdmits(srv: string, deviceType: DeviceType): boolean;
  smets1Admits(srv: string, commandVariant: number): boolean;
}

export function compilePolicy(policy: Policy = defaultPolicy()): CompiledPolicy {
  const statusSets = new Map<SmiStatus, 'all' | Set<string>>();
  for (const [status, admitted] of Object.entries(policy.statusAdmission) as [SmiStatus, 'all' | readonly string[]][]) {
    statusSets.set(status, admitted === 'all' ? 'all' : new Set(admitted));
  }
  const deviceTypes = new Map<string, Set<DeviceType>>();
  for (const def of SRV_DEFINITIONS) {
    deviceTypes.set(def.srv, new Set([...def.exampleTargetDeviceTypes, ...(policy.extraDeviceTypes[def.srv] ?? [])]));
  }
  const smets1Srvs = new Set(policy.smets1UnavailableSrvs);
  const smets1Cvs = new Set(policy.smets1UnavailableCommandVariants);
  return {
    policy,
    statusAdmits(status, srv) {
      const admitted = statusSets.get(status);
      return admitted === 'all' || (admitted !== undefined && admitted.has(srv));
    },
    deviceTypeAdmits(srv, deviceType) {
      return deviceTypes.get(srv)?.has(deviceType) ?? false;
    },
    smets1Admits(srv, commandVariant) {
      return !smets1Srvs.has(srv) && !smets1Cvs.has(commandVariant);
    },
  };
}
