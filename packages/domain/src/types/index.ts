export const ROLES = ['IS', 'ES', 'GS', 'RSA', 'ED', 'GT', 'OU'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['active', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const DEVICE_TYPES = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS', 'IHD', 'CAD'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const SMI_STATUSES = [
  'Pending', 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned', 'Decommissioned',
  'Withdrawn', 'Suspended', 'Recovery', 'Recovered',
] as const;
export type SmiStatus = (typeof SMI_STATUSES)[number];

export const GENERATIONS = ['SMETS1', 'SMETS2+'] as const;
export type Generation = (typeof GENERATIONS)[number];

export const CSP_REGIONS = ['North', 'Central', 'South', '4G North', '4G Central', '4G South'] as const;
export type CspRegion = (typeof CSP_REGIONS)[number];

export const SMETS1_COHORTS = ['aclara', 'honeywell-elster', 'itron', 'landis-gyr', 'secure', 'edmi'] as const;
export type Smets1Cohort = (typeof SMETS1_COHORTS)[number];

export type CommandVariant = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export type FutureDating = null | 'dsp' | 'device' | 'dsp+device';

export interface SrvDefinition {
  srv: string;
  serviceReference: string;
  name: string;
  bodyElement: string;
  critical: boolean;
  onDemand: boolean;
  futureDated: FutureDating;
  dccScheduledEligible: boolean;
  nonDevice: boolean;
  eligibleRoles: Role[];
  commandVariants: CommandVariant[];
  exampleTargetDeviceTypes: DeviceType[];
  gbcsUseCases: string[];
}

export interface User {
  userId: string;
  roles: Role[];
  status: UserStatus;
  publicKeyPem: string;
  receiveEndpoint?: string;
  /** PEM X.509 certificate of the User's P-256 key: DUIS XML requests' signatures are checked against it. */
  certificatePem?: string;
  /** How asynchronous responses and alerts reach receiveEndpoint: JSON (the default) or signed DUIS XML. */
  receiveFormat?: ReceiveFormat;
}

export const RECEIVE_FORMATS = ['json', 'xml'] as const;
export type ReceiveFormat = (typeof RECEIVE_FORMATS)[number];

/**
 * The DCC User Interface's three web services (DUIS XML ingress): Send Command (S), Non-Device
 * (D) and Transform (T), and the command variants each takes.
 */
export const DUIS_WEB_SERVICES = { S: [1, 3, 5, 7], D: [2, 6, 8], T: [4] } as const satisfies Record<string, readonly CommandVariant[]>;
export type DuisWebService = keyof typeof DUIS_WEB_SERVICES;

/** Responsible parties registered against a device, each a User ID. */
export const RESPONSIBLE_PARTIES = [
  'importSupplier', 'exportSupplier', 'gasSupplier', 'electricityDistributor', 'gasTransporter',
] as const;
export type ResponsibleParty = (typeof RESPONSIBLE_PARTIES)[number];
/**
 * The suppliers a SMETS1 installation's enrolment is owed by: a change of one is an acquisition
 * (`acquiredAt`), which starts its deadline anew; an export supplier's change moves no deadline.
 */
export const ENROLLING_SUPPLIERS = ['importSupplier', 'gasSupplier'] as const satisfies readonly ResponsibleParty[];

export interface Device extends Partial<Record<ResponsibleParty, string>> {
  deviceId: string;
  deviceType: DeviceType;
  status: SmiStatus;
  generation: Generation;
  cspRegion?: CspRegion;
  smets1Cohort?: Smets1Cohort;
  deviceModel?: string;
  firmwareVersion?: string;
  /** The version an 11.1 UpdateFirmware distributed, which the device's next confirmed 11.3 activates. */
  pendingFirmwareVersion?: string;
  /** When that 11.1 was served (RFC 3339): an 11.3 accepted before then was not sent for it. */
  pendingFirmwareAt?: string;
  /**
   * When an 11.1 last named a version for the device (RFC 3339), kept through its activation: a
   * resubmitted 11.1 answered before then has been applied, or overtaken, and changes nothing.
   */
  firmwareNamedAt?: string;
  /** SMETS1: the installation it belongs to (SEC H5.8 enrolment eligibility is per installation). */
  installationId?: string;
  /** When the current supplier acquired the device (RFC 3339), set at a change of supplier. */
  acquiredAt?: string;
}
