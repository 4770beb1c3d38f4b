import { RESPONSIBLE_PARTIES, type Device } from '../types/index.ts';

/** Device alerts the simulated devices raise of themselves. */
export const DEVICE_ALERTS = ['POWER_OUTAGE', 'POWER_RESTORED', 'TAMPER', 'LOW_CREDIT', 'CREDIT_BELOW_DISABLEMENT', 'FIRMWARE_ACTIVATED'] as const;

/** What an alert code may be: letters, digits and "_", as the table's names and GBCS's hex codes are. */
export const ALERT_CODE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The Users a device alert reaches, each once, in a fixed order: every party registered on the
 * device, whatever the code (contract: "Device alerts reach the device's responsible Users").
 */
export function alertRecipients(device: Device): string[] {
  return [...new Set(RESPONSIBLE_PARTIES.map((party) => device[party]).filter((userId): userId is string => userId !== undefined))];
}
