import type { Device, ResponsibleParty } from '../types/index.ts';

/**
 * Device alerts the simulated networks raise, and which of a device's responsible Users each
 * reaches: supply events also reach the network operator of the supply (the electricity
 * distributor or gas transporter), the rest the supplier(s) alone.
 */
export const DEVICE_ALERTS = {
  POWER_OUTAGE: 'supply',
  POWER_RESTORED: 'supply',
  TAMPER: 'supplier',
  LOW_CREDIT: 'supplier',
  CREDIT_BELOW_DISABLEMENT: 'supplier',
  FIRMWARE_ACTIVATED: 'supplier',
} as const satisfies Record<string, 'supply' | 'supplier'>;

export type DeviceAlertCode = keyof typeof DEVICE_ALERTS;

export function isDeviceAlertCode(code: string): code is DeviceAlertCode {
  return Object.hasOwn(DEVICE_ALERTS, code);
}

const SUPPLIERS: readonly ResponsibleParty[] = ['importSupplier', 'exportSupplier', 'gasSupplier'];
const NETWORK_OPERATORS: readonly ResponsibleParty[] = ['electricityDistributor', 'gasTransporter'];

/** The Users an alert of this code from this device reaches, each once, in a fixed order. */
export function alertRecipients(alertCode: DeviceAlertCode, device: Device): string[] {
  const parties = DEVICE_ALERTS[alertCode] === 'supply' ? [...SUPPLIERS, ...NETWORK_OPERATORS] : SUPPLIERS;
  return [...new Set(parties.map((party) => device[party]).filter((userId): userId is string => userId !== undefined))];
}
