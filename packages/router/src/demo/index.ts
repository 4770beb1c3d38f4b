import type { Device, User } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';

/**
 * A small demo inventory so a newcomer can send a request at once (`npm run send`). Every demo
 * User shares one key, whose private half is packages/client/demo/demo-user.key.pem. It is a
 * public demo key: never seed it into a store that serves real traffic.
 */
export const DEMO_PUBLIC_KEY_PEM = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/MohCDjmqJyF1eSSPhBJASZ2f2Ce\nzKaBonFW6q7juPn2wlVzFsTKwu3UTXWdI/6TnI8MvBq96qnxuZllM80z8g==\n-----END PUBLIC KEY-----\n";

export const DEMO_SUPPLIER = '90-B3-D5-1F-30-01-00-00';
export const DEMO_SECOND_SUPPLIER = '90-B3-D5-1F-30-03-00-00';
export const DEMO_NETWORK_OPERATOR = '90-B3-D5-1F-30-02-00-00';
export const DEMO_OTHER_USER = '00-DB-12-34-56-78-00-04';

export const DEMO_USERS: User[] = [
  { userId: DEMO_SUPPLIER, roles: ['IS', 'GS'], status: 'active', publicKeyPem: DEMO_PUBLIC_KEY_PEM },
  { userId: DEMO_SECOND_SUPPLIER, roles: ['IS', 'ES', 'GS'], status: 'active', publicKeyPem: DEMO_PUBLIC_KEY_PEM },
  { userId: DEMO_NETWORK_OPERATOR, roles: ['ED', 'GT'], status: 'active', publicKeyPem: DEMO_PUBLIC_KEY_PEM },
  { userId: DEMO_OTHER_USER, roles: ['OU'], status: 'active', publicKeyPem: DEMO_PUBLIC_KEY_PEM },
];

const electricity = { importSupplier: DEMO_SUPPLIER, electricityDistributor: DEMO_NETWORK_OPERATOR };
const gas = { gasSupplier: DEMO_SUPPLIER, gasTransporter: DEMO_NETWORK_OPERATOR };
const both = { ...electricity, ...gas };

export const DEMO_DEVICES: Device[] = [
  // The DCC test suite's devices, SMETS2+ in the North region.
  { deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...electricity },
  { deviceId: '00-DB-12-34-56-78-90-A1', deviceType: 'GSME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...gas },
  { deviceId: '00-DB-12-34-56-78-90-A2', deviceType: 'CHF', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...both },
  { deviceId: '00-DB-12-34-56-78-90-A3', deviceType: 'GPF', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...gas },
  { deviceId: '00-DB-12-34-56-78-90-A4', deviceType: 'PPMID', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...both },
  { deviceId: '00-DB-12-34-56-78-90-A5', deviceType: 'PPMID', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...both },
  { deviceId: '00-DB-12-34-56-78-90-A6', deviceType: 'HCALCS', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...electricity },
  // One electricity meter per other destination, so every route can be tried.
  { deviceId: '00-DB-12-34-56-78-91-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', ...electricity },
  { deviceId: '00-DB-12-34-56-78-92-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', ...electricity },
  { deviceId: '00-DB-12-34-56-78-93-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: '4G North', ...electricity },
  { deviceId: '00-DB-12-34-56-78-94-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: '4G Central', ...electricity },
  { deviceId: '00-DB-12-34-56-78-95-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: '4G South', ...electricity },
  { deviceId: '00-DB-12-34-56-78-A1-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'aclara', ...electricity },
  { deviceId: '00-DB-12-34-56-78-A2-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'honeywell-elster', ...electricity },
  { deviceId: '00-DB-12-34-56-78-A3-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron', ...electricity },
  { deviceId: '00-DB-12-34-56-78-A4-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'landis-gyr', ...electricity },
  { deviceId: '00-DB-12-34-56-78-A5-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'secure', ...electricity },
  { deviceId: '00-DB-12-34-56-78-A6-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'edmi', ...electricity },
];

export async function seedDemo(store: StateStore): Promise<void> {
  for (const user of DEMO_USERS) await store.putUser(user);
  await store.putDevices(DEMO_DEVICES);
}
