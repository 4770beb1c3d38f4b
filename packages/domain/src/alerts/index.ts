import { RESPONSIBLE_PARTIES, SUPPLIER_PARTIES, type Device, type ResponsibleParty } from '../types/index.ts';

/**
 * Device alerts the simulated networks raise, and which of a device's responsible Users each
 * reaches: supply events also reach the network operator of the supply (the electricity
 * distributor or gas transporter), the rest the supplier(s) alone. Any other code (a GBCS alert
 * code such as 8F3E) reaches every responsible User, as the contract says of device alerts.
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

/** What an alert code may be: letters, digits and "_", as the table's names and GBCS's hex codes are. */
export const ALERT_CODE = /^[A-Za-z0-9_]{1,64}$/;

const NETWORK_OPERATORS: readonly ResponsibleParty[] = ['electricityDistributor', 'gasTransporter'];

/** The Users an alert of this code from this device reaches, each once, in a fixed order. */
export function alertRecipients(alertCode: string, device: Device): string[] {
  const routing = isDeviceAlertCode(alertCode) ? DEVICE_ALERTS[alertCode] : 'all';
  const parties = routing === 'supplier' ? SUPPLIER_PARTIES : routing === 'supply' ? [...SUPPLIER_PARTIES, ...NETWORK_OPERATORS] : RESPONSIBLE_PARTIES;
  return [...new Set(parties.map((party) => device[party]).filter((userId): userId is string => userId !== undefined))];
}
