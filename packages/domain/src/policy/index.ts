import { z } from 'zod';
import { objectError } from '../input/index.ts';
import { DEVICE_TYPES, SMETS1_COHORTS, SMI_STATUSES, type DeviceType, type Smets1Cohort, type SmiStatus } from '../types/index.ts';
import { findSrv, SRV_DEFINITIONS } from '../catalogue/index.ts';

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
  /**
   * The SMETS1 service providers' cohorts the DCC serves now: a cohort switched off has its
   * devices refused (row 16). The seed requires Aclara, Honeywell Elster, Itron and Landis+Gyr;
   * Secure and EDMI were still to be consulted on: all six on unless an operator says otherwise.
   */
  smets1Cohorts: Record<Smets1Cohort, boolean>;
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
    smets1Cohorts: Object.fromEntries(SMETS1_COHORTS.map((cohort) => [cohort, true])) as Record<Smets1Cohort, boolean>,
  };
}

// Each one of the catalogue's: a misspelt SRV would otherwise be kept and switch nothing.
const SRV = z.string({ error: 'must be a Service Reference Variant' })
  .refine((srv) => findSrv(srv) !== undefined, { error: (issue) => `${JSON.stringify(issue.input)} is not one of the ${SRV_DEFINITIONS.length} Service Reference Variants` });
const SRV_LIST = z.array(SRV, { error: 'must be an array of Service Reference Variants' });

/** `PUT /v1/admin/policy`: any of the run-time tables; the others stay as they are. */
export const policyUpdateSchema = z.strictObject({
  statusAdmission: z.partialRecord(z.enum(SMI_STATUSES), z.union([z.literal('all'), SRV_LIST]), { error: `must map SMI statuses (${SMI_STATUSES.join(', ')}) to "all" or SRVs` }).optional(),
  smets1UnavailableSrvs: SRV_LIST.optional(),
  smets1UnavailableCommandVariants: z.array(z.number().int().min(1).max(8), { error: 'must be an array of command variants 1 to 8' }).optional(),
  extraDeviceTypes: z.record(SRV, z.array(z.enum(DEVICE_TYPES)), { error: 'must map Service Reference Variants of the catalogue to device types' }).optional(),
  smets1Cohorts: z.partialRecord(z.enum(SMETS1_COHORTS), z.boolean({ error: 'must be true or false' }), { error: `must map cohorts (${SMETS1_COHORTS.join(', ')}) to true or false` }).optional(),
}, objectError('must be a JSON object', 'is not a policy table')).meta({ id: 'PolicyUpdate', example: { smets1Cohorts: { secure: false } } });

export type PolicyUpdate = z.infer<typeof policyUpdateSchema>;

/** A partial update laid over the current tables. */
export function updatePolicy(current: Policy, update: PolicyUpdate): Policy {
  return {
    statusAdmission: { ...current.statusAdmission, ...update.statusAdmission } as Policy['statusAdmission'],
    smets1UnavailableSrvs: update.smets1UnavailableSrvs ?? current.smets1UnavailableSrvs,
    smets1UnavailableCommandVariants: update.smets1UnavailableCommandVariants ?? current.smets1UnavailableCommandVariants,
    // By SRV, as the other tables by key: extending one SRV keeps the others' (the firmware SRVs' defaults); [] removes an SRV's.
    extraDeviceTypes: { ...current.extraDeviceTypes, ...update.extraDeviceTypes },
    smets1Cohorts: { ...current.smets1Cohorts, ...update.smets1Cohorts } as Policy['smets1Cohorts'],
  };
}

/** Precomputed lookups over a Policy, so the per-request checks are set look-ups. */
export interface CompiledPolicy {
  readonly policy: Policy;
  statusAdmits(status: SmiStatus, srv: string): boolean;
  deviceTypeAdmits(srv: string, deviceType: DeviceType): boolean;
  smets1Admits(srv: string, commandVariant: number): boolean;
  /** Whether the DCC serves a SMETS1 cohort now (switched at run time). */
  smets1CohortLive(cohort: string | undefined): boolean;
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
    smets1CohortLive(cohort) {
      return cohort === undefined || policy.smets1Cohorts?.[cohort as Smets1Cohort] !== false;
    },
  };
}
