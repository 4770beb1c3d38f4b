import { describe, it, expect } from 'vitest';
import { findSrv, SIGNED_PRE_COMMAND, SRV_DEFINITIONS } from '../catalogue/index.ts';
import { ACCESS_CONTROL_BROKER } from '../identifiers/index.ts';
import { compilePolicy, defaultPolicy, updatePolicy, type CompiledPolicy } from '../policy/index.ts';
import { buildServiceRequest, decodeJsonRequest, type ServiceRequest } from '../request/index.ts';
import { applyCplUpdate, indexCpl, withCplStatus } from '../products/index.ts';
import {
  DEVICE_TYPES, RESPONSIBLE_PARTIES, ROLES, SMI_STATUSES,
  type Device, type DeviceType, type ResponsibleParty, type Role, type SmiStatus, type User, type UserStatus,
} from '../types/index.ts';
import { checkAgainstDevice, checkAgainstUser, isAuthorisedForDevice, SIGNED_LEG_VARIANTS, type Checked } from './index.ts';

const NOW = Date.UTC(2026, 11, 1, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const USER = '90-B3-D5-1F-30-01-00-00';
const OTHER_SUPPLIER = '90-B3-D5-1F-30-03-00-00';
const NETWORK = '90-B3-D5-1F-30-02-00-00';
const ESME_ID = '00-DB-12-34-56-78-90-A0';
const GSME_ID = '00-DB-12-34-56-78-90-A1';
const CHF_ID = '00-DB-12-34-56-78-90-A2';

const DEFAULT_POLICY = compilePolicy();

function user(roles: Role[], status: UserStatus = 'active', userId = USER): User {
  return { userId, roles, status, publicKeyPem: '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n' };
}

interface RequestOptions {
  originator?: string;
  target?: string;
  serviceReference?: string;
  bodyElement?: string;
  bodyValue?: Record<string, unknown> | '';
}

/** A well-formed request (rows 1 to 5 passed) for an SRV and command variant, correct unless told otherwise. */
function request(srv: string, cv: number, options: RequestOptions = {}): ServiceRequest {
  const def = findSrv(srv);
  const bodyElement = options.bodyElement ?? (SIGNED_LEG_VARIANTS.has(cv) ? SIGNED_PRE_COMMAND : def?.bodyElement ?? 'Unknown');
  const decoded = buildServiceRequest({
    originatorId: options.originator ?? USER,
    targetId: options.target ?? (def?.nonDevice ? ACCESS_CONTROL_BROKER : ESME_ID),
    counter: '1',
    commandVariant: cv,
    serviceReference: options.serviceReference ?? def?.serviceReference ?? srv.split('.').slice(0, 2).join('.'),
    serviceReferenceVariant: srv,
    bodyElement,
    bodyValue: options.bodyValue ?? (bodyElement === SIGNED_PRE_COMMAND ? { GBCSPayload: 'AA==' } : {}),
  });
  if (!decoded.ok) throw new Error(`fixture is malformed: ${decoded.refusal.message}`);
  return decoded.value;
}

const outcome = (checked: Checked) => (checked.ok ? 'ok' : checked.refusal.reason);
const message = (checked: Checked) => (checked.ok ? '' : checked.refusal.message);
const allRoles = () => user([...ROLES]);
const futureDated = (at: number) => ({ ExecutionDateTime: iso(at) });

function device(overrides: Partial<Device> = {}): Device {
  return { deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...overrides };
}

function smets1(overrides: Partial<Device> = {}): Device {
  return { deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'aclara', ...overrides };
}

/** Rows 13 to 17 alone, with the eligible roles given (OU needs no registration). */
function deviceCheck(srv: string, cv: number, target: Device | undefined, eligibleRoles: Role[] = ['OU'], policy: CompiledPolicy = DEFAULT_POLICY): string {
  const req = request(srv, cv, { target: target?.deviceId ?? ESME_ID });
  return checkAgainstDevice(req, findSrv(srv)!, eligibleRoles, target, policy)?.reason ?? 'ok';
}

/** Rows 6 to 17 in sequence, as the router runs them. */
function pipeline(srv: string, cv: number, roles: Role[], target: Device | undefined, originator = USER, policy = DEFAULT_POLICY): string {
  const req = request(srv, cv, { originator, target: target?.deviceId ?? ESME_ID });
  const checked = checkAgainstUser(req, user(roles, 'active', originator), NOW);
  if (!checked.ok) return checked.refusal.reason;
  return checkAgainstDevice(req, checked.srv, checked.eligibleRoles, target, policy)?.reason ?? 'ok';
}

/** The first command variant of an SRV that a SMETS1 device may receive, for tests of other rows. */
const wanVariant = (srv: string) => findSrv(srv)!.commandVariants.find((cv) => [1, 4, 5, 8].includes(cv))!;
const firstType = (srv: string) => findSrv(srv)!.exampleTargetDeviceTypes[0];

describe('checkAgainstUser: a valid request', () => {
  it('passes and returns the SRV and the eligible roles', () => {
    const checked = checkAgainstUser(request('4.1.1', 1), user(['IS']), NOW);
    expect(checked).toStrictEqual({ ok: true, srv: findSrv('4.1.1'), eligibleRoles: ['IS'] });
  });

  it('passes the contract example decoded from JSON', () => {
    const decoded = decodeJsonRequest(new TextEncoder().encode(JSON.stringify({
      header: {
        requestId: { originatorId: USER, targetId: ESME_ID, counter: '1000' },
        commandVariant: 1, serviceReference: '4.1', serviceReferenceVariant: '4.1.1',
      },
      body: { ReadInstantaneousImportRegisters: { ExecutionDateTime: '2027-01-15T09:00:00Z' } },
    })));
    if (!decoded.ok) throw new Error(decoded.refusal.message);
    expect(outcome(checkAgainstUser(decoded.value, user(['IS']), NOW))).toBe('ok');
  });
});

describe('row 6: user_not_active', () => {
  it('refuses a suspended User', () => {
    const checked = checkAgainstUser(request('4.1.1', 1), user(['IS'], 'suspended'), NOW);
    expect(outcome(checked)).toBe('user_not_active');
    expect(message(checked)).toBe(`User ${USER} is suspended`);
  });

  it('refuses any non-active status', () => {
    expect(outcome(checkAgainstUser(request('4.1.1', 1), { ...user(['IS']), status: 'revoked' as UserStatus }, NOW))).toBe('user_not_active');
  });
});

describe('row 7: unknown_service_request (SRV)', () => {
  it.each(['4.1.9', '99.1', '4.1', '0.0.0', 'SignedPreCommand'])('refuses the unknown SRV %s', (srv) => {
    const checked = checkAgainstUser(request(srv, 1, { serviceReference: '4.1', bodyElement: 'ReadInstantaneousImportRegisters' }), allRoles(), NOW);
    expect(outcome(checked)).toBe('unknown_service_request');
    expect(message(checked)).toBe(`${srv} is not a DUIS Service Reference Variant`);
  });

  it.each([
    ['4.1.1', '4.2'],
    ['4.1.1', '4.1.1'],
    ['4.2', '4.1'],
    ['8.14.4', '8.14.4'],
    ['1.1.1', '1'],
  ])('refuses SRV %s with serviceReference %s', (srv, serviceReference) => {
    const checked = checkAgainstUser(request(srv, wanVariant(srv), { serviceReference }), allRoles(), NOW);
    expect(outcome(checked)).toBe('unknown_service_request');
    expect(message(checked)).toBe(`serviceReference ${serviceReference} does not match SRV ${srv} (expected ${findSrv(srv)!.serviceReference})`);
  });

  it.each(SRV_DEFINITIONS.map((def) => [def.srv, def.serviceReference]))('accepts %s with its serviceReference %s', (srv) => {
    const checked = checkAgainstUser(request(srv, findSrv(srv)!.commandVariants[0]), allRoles(), NOW);
    expect(['ok', 'role_not_eligible']).toContain(outcome(checked));
  });
});

describe('row 8: command_variant_not_allowed, every SRV and every variant', () => {
  it.each(SRV_DEFINITIONS.map((def) => [def.srv, def] as const))('%s', (srv, def) => {
    for (const cv of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const checked = checkAgainstUser(request(srv, cv), allRoles(), NOW);
      if (!def.commandVariants.includes(cv as never)) {
        expect(outcome(checked), `${srv} CV ${cv}`).toBe('command_variant_not_allowed');
        expect(message(checked)).toBe(`command variant ${cv} is not allowed for SRV ${srv} (allowed: ${def.commandVariants.join(', ')})`);
      } else {
        // 7.16, 8.5 and 8.6 have no eligible User role
        expect(outcome(checked), `${srv} CV ${cv}`).toBe(def.eligibleRoles.length ? 'ok' : 'role_not_eligible');
      }
    }
  });

  it.each([
    ['4.1.1', 4], ['4.1.1', 5], ['4.1.1', 8], ['1.1.1', 1], ['1.1.1', 2], ['1.1.1', 8], ['8.1.1', 6], ['8.1.1', 7],
    ['8.5', 2], ['8.5', 3], ['8.2', 1], ['8.2', 4], ['11.1', 1],
  ])('refuses %s with CV %i', (srv, cv) => {
    expect(outcome(checkAgainstUser(request(srv, cv), allRoles(), NOW))).toBe('command_variant_not_allowed');
  });
});

describe('row 9: unknown_service_request (body element)', () => {
  it('refuses the body element of another SRV', () => {
    const checked = checkAgainstUser(request('4.1.1', 1, { bodyElement: 'ReadInstantaneousExportRegisters' }), user(['IS']), NOW);
    expect(outcome(checked)).toBe('unknown_service_request');
    expect(message(checked)).toBe('body element ReadInstantaneousExportRegisters is not ReadInstantaneousImportRegisters, expected for SRV 4.1.1 with command variant 1');
  });

  it('is case-sensitive', () => {
    expect(outcome(checkAgainstUser(request('4.1.1', 1, { bodyElement: 'readInstantaneousImportRegisters' }), user(['IS']), NOW))).toBe('unknown_service_request');
  });

  it.each(SRV_DEFINITIONS.filter((def) => def.critical).map((def) => [def.srv, def] as const))(
    'critical %s: SRV element for CV 4, SignedPreCommand for CV 5, 6, 7',
    (srv, def) => {
      const roles = allRoles();
      const expectOk = def.eligibleRoles.length ? 'ok' : 'role_not_eligible';
      expect(outcome(checkAgainstUser(request(srv, 4), roles, NOW))).toBe(expectOk);
      expect(outcome(checkAgainstUser(request(srv, 4, { bodyElement: SIGNED_PRE_COMMAND }), roles, NOW))).toBe('unknown_service_request');
      for (const cv of def.commandVariants.filter((v) => v !== 4)) {
        expect(outcome(checkAgainstUser(request(srv, cv), roles, NOW)), `CV ${cv}`).toBe(expectOk);
        const checked = checkAgainstUser(request(srv, cv, { bodyElement: def.bodyElement }), roles, NOW);
        expect(outcome(checked), `CV ${cv}`).toBe('unknown_service_request');
        expect(message(checked)).toBe(`body element ${def.bodyElement} is not SignedPreCommand, expected for SRV ${srv} with command variant ${cv}`);
      }
    },
  );

  it.each(SRV_DEFINITIONS.filter((def) => !def.critical).map((def) => [def.srv, def] as const))(
    'non-critical %s: SignedPreCommand or a wrong element is refused for each of its variants',
    (srv, def) => {
      for (const cv of def.commandVariants) {
        expect(outcome(checkAgainstUser(request(srv, cv, { bodyElement: SIGNED_PRE_COMMAND }), allRoles(), NOW))).toBe('unknown_service_request');
        expect(outcome(checkAgainstUser(request(srv, cv, { bodyElement: 'ReadInventoryX' }), allRoles(), NOW))).toBe('unknown_service_request');
      }
    },
  );

  it('refuses SignedPreCommand with CV 1 (4.1.1) and the SRV element with CV 5 (1.1.1)', () => {
    expect(outcome(checkAgainstUser(request('4.1.1', 1, { bodyElement: SIGNED_PRE_COMMAND }), user(['IS']), NOW))).toBe('unknown_service_request');
    expect(outcome(checkAgainstUser(request('1.1.1', 5, { bodyElement: 'UpdateImportTariffPrimaryElement' }), user(['IS']), NOW))).toBe('unknown_service_request');
    expect(outcome(checkAgainstUser(request('1.1.1', 5, { bodyElement: SIGNED_PRE_COMMAND }), user(['IS']), NOW))).toBe('ok');
  });

  it('SIGNED_LEG_VARIANTS is exactly CV 5, 6, 7', () => {
    expect([...SIGNED_LEG_VARIANTS].sort()).toEqual([5, 6, 7]);
  });
});

describe('row 10: wrong_target', () => {
  it.each(SRV_DEFINITIONS.filter((def) => def.nonDevice).map((def) => [def.srv]))('non-device %s must target the Access Control Broker', (srv) => {
    const checked = checkAgainstUser(request(srv, 8, { target: ESME_ID }), allRoles(), NOW);
    expect(outcome(checked)).toBe('wrong_target');
    expect(message(checked)).toBe(`SRV ${srv} is a non-device request and must target the Access Control Broker 90-B3-D5-1F-30-00-00-02`);
    expect(outcome(checkAgainstUser(request(srv, 8, { target: ACCESS_CONTROL_BROKER }), allRoles(), NOW))).toBe(
      findSrv(srv)!.eligibleRoles.length ? 'ok' : 'role_not_eligible',
    );
  });

  it.each(SRV_DEFINITIONS.filter((def) => !def.nonDevice).map((def) => [def.srv]))('device SRV %s cannot target the Access Control Broker', (srv) => {
    const checked = checkAgainstUser(request(srv, wanVariant(srv), { target: ACCESS_CONTROL_BROKER }), allRoles(), NOW);
    expect(outcome(checked)).toBe('wrong_target');
    expect(message(checked)).toBe(`SRV ${srv} is a device request and cannot target the Access Control Broker`);
  });

  it('recognises the broker written in lower case (canonicalised by decoding)', () => {
    const lower = ACCESS_CONTROL_BROKER.toLowerCase();
    expect(outcome(checkAgainstUser(request('8.2', 8, { target: lower }), user(['IS']), NOW))).toBe('ok');
    expect(outcome(checkAgainstUser(request('4.1.1', 1, { target: lower }), user(['IS']), NOW))).toBe('wrong_target');
  });

  it('does not take a near-broker EUI for the broker', () => {
    expect(outcome(checkAgainstUser(request('8.2', 8, { target: '90-B3-D5-1F-30-00-00-03' }), user(['IS']), NOW))).toBe('wrong_target');
  });
});

describe('row 11: role_not_eligible, every SRV and every role', () => {
  it.each(SRV_DEFINITIONS.map((def) => [def.srv, def] as const))('%s', (srv, def) => {
    for (const role of ROLES) {
      const checked = checkAgainstUser(request(srv, def.commandVariants[0]), user([role]), NOW);
      if (def.eligibleRoles.includes(role)) {
        expect(checked, `${srv} ${role}`).toStrictEqual({ ok: true, srv: def, eligibleRoles: [role] });
      } else {
        expect(outcome(checked), `${srv} ${role}`).toBe('role_not_eligible');
        expect(message(checked)).toBe(`none of roles ${role} may send SRV ${srv} (eligible: ${def.eligibleRoles.join(', ')})`);
      }
    }
  });

  it('passes a multi-role User when only one of its roles is eligible, and returns only that role', () => {
    expect(checkAgainstUser(request('4.2', 1), user(['IS', 'GS', 'ES']), NOW)).toMatchObject({ ok: true, eligibleRoles: ['ES'] });
    expect(checkAgainstUser(request('4.1.1', 1), user(['OU', 'RSA', 'GT']), NOW)).toMatchObject({ ok: true, eligibleRoles: ['GT'] });
  });

  it('returns every eligible role of the User, in the User\'s order', () => {
    expect(checkAgainstUser(request('4.1.1', 1), user(['GT', 'ES', 'IS', 'OU']), NOW)).toMatchObject({ ok: true, eligibleRoles: ['GT', 'IS'] });
  });

  it('refuses a multi-role User none of whose roles is eligible', () => {
    const checked = checkAgainstUser(request('4.1.1', 1), user(['ES', 'RSA', 'OU']), NOW);
    expect(outcome(checked)).toBe('role_not_eligible');
    expect(message(checked)).toBe('none of roles ES, RSA, OU may send SRV 4.1.1 (eligible: IS, GS, ED, GT)');
  });

  it('refuses a User with no roles', () => {
    expect(outcome(checkAgainstUser(request('11.2', 1), user([]), NOW))).toBe('role_not_eligible');
  });

  it('refuses every role for 7.16 (no eligible User role)', () => {
    expect(outcome(checkAgainstUser(request('7.16', 4), allRoles(), NOW))).toBe('role_not_eligible');
  });
});

describe('row 12: future_dating_not_allowed', () => {
  const future = NOW + 86_400_000;

  it.each(SRV_DEFINITIONS.filter((def) => def.eligibleRoles.length > 0).map((def) => [def.srv, def.futureDated, def] as const))(
    '%s (futureDated %s) with a future ExecutionDateTime',
    (srv, futureDating, def) => {
      const cv = def.commandVariants[0]; // CV 4 for critical SRVs: the leg that carries the SRV's body
      const checked = checkAgainstUser(request(srv, cv, { bodyValue: futureDated(future) }), allRoles(), NOW);
      if (futureDating === null) {
        expect(outcome(checked)).toBe('future_dating_not_allowed');
        expect(message(checked)).toBe(`SRV ${srv} cannot be future-dated`);
      } else {
        expect(outcome(checked)).toBe('ok');
      }
    },
  );

  it.each([
    ['dsp', '4.1.1', 1],
    ['device', '1.1.1', 4],
    ['dsp+device', '6.23', 1],
  ])('accepts a future date on a %s SRV (%s)', (_kind, srv, cv) => {
    expect(outcome(checkAgainstUser(request(srv, cv, { bodyValue: futureDated(NOW + 1) }), allRoles(), NOW))).toBe('ok');
  });

  it.each([
    ['null: 1.5 Update Meter Balance', '1.5', 4],
    ['null: 3.3 Clear Event Log', '3.3', 1],
    ['null: 2.2 Top Up Device', '2.2', 1],
    ['null: non-device 8.2', '8.2', 8],
  ])('refuses a future date on an SRV with futureDated %s', (_label, srv, cv) => {
    expect(outcome(checkAgainstUser(request(srv, cv, { bodyValue: futureDated(future) }), allRoles(), NOW))).toBe('future_dating_not_allowed');
  });

  it.each([
    ['now', NOW],
    ['1 ms ago', NOW - 1],
    ['a day ago', NOW - 86_400_000],
    ['the epoch', 0],
  ])('refuses an ExecutionDateTime %s on a dsp SRV', (_label, at) => {
    const checked = checkAgainstUser(request('4.1.1', 1, { bodyValue: futureDated(at) }), user(['IS']), NOW);
    expect(outcome(checked)).toBe('future_dating_not_allowed');
    expect(message(checked)).toBe('ExecutionDateTime is not in the future');
  });

  it('refuses a future date the DCC would hold on a command for local delivery (CV 2), which is answered at once', () => {
    const local = checkAgainstUser(request('4.1.1', 2, { bodyValue: futureDated(future) }), user(['IS']), NOW);
    expect(outcome(local)).toBe('future_dating_not_allowed');
    expect(message(local)).toBe('SRV 4.1.1 is future-dated by the DCC holding it, which a command for local delivery (command variant 2), answered at once, cannot be');
    // CV 3 (both deliveries) is held and sent: taken.
    expect(outcome(checkAgainstUser(request('4.1.1', 3, { bodyValue: futureDated(future) }), user(['IS']), NOW))).toBe('ok');
  });

  it('accepts an ExecutionDateTime 1 ms in the future', () => {
    expect(outcome(checkAgainstUser(request('4.1.1', 1, { bodyValue: futureDated(NOW + 1) }), user(['IS']), NOW))).toBe('ok');
  });

  it('refuses a past date on an SRV that cannot be future-dated with the "cannot be future-dated" message', () => {
    const checked = checkAgainstUser(request('3.3', 1, { bodyValue: futureDated(NOW - 1000) }), user(['IS']), NOW);
    expect(message(checked)).toBe('SRV 3.3 cannot be future-dated');
  });

  it('accepts an SRV that cannot be future-dated when it carries no ExecutionDateTime, or a "" value', () => {
    expect(outcome(checkAgainstUser(request('3.3', 1, { bodyValue: {} }), user(['IS']), NOW))).toBe('ok');
    expect(outcome(checkAgainstUser(request('3.3', 1, { bodyValue: '' }), user(['IS']), NOW))).toBe('ok');
  });
});

describe('rows 6 to 12: order (the first failing row wins)', () => {
  it('peels off one failing row at a time', () => {
    const future = { ExecutionDateTime: iso(NOW + 60_000) };
    // 1.5 Update Meter Balance: critical, cannot be future-dated, IS/GS
    const steps: [string, ServiceRequest, User, string, RegExp][] = [
      ['all seven rows fail', request('1.5', 1, { serviceReference: '1.6', bodyElement: 'Foo', target: ACCESS_CONTROL_BROKER, bodyValue: future }), user(['ES'], 'suspended'), 'user_not_active', /suspended/],
      ['row 6 fixed', request('1.5', 1, { serviceReference: '1.6', bodyElement: 'Foo', target: ACCESS_CONTROL_BROKER, bodyValue: future }), user(['ES']), 'unknown_service_request', /^serviceReference 1\.6/],
      ['row 7 fixed', request('1.5', 1, { bodyElement: 'Foo', target: ACCESS_CONTROL_BROKER, bodyValue: future }), user(['ES']), 'command_variant_not_allowed', /^command variant 1/],
      ['row 8 fixed', request('1.5', 4, { bodyElement: 'Foo', target: ACCESS_CONTROL_BROKER, bodyValue: future }), user(['ES']), 'unknown_service_request', /^body element Foo/],
      ['row 9 fixed', request('1.5', 4, { target: ACCESS_CONTROL_BROKER, bodyValue: future }), user(['ES']), 'wrong_target', /cannot target/],
      ['row 10 fixed', request('1.5', 4, { bodyValue: future }), user(['ES']), 'role_not_eligible', /^none of roles ES/],
      ['row 11 fixed', request('1.5', 4, { bodyValue: future }), user(['IS']), 'future_dating_not_allowed', /cannot be future-dated/],
    ];
    for (const [label, req, sender, reason, text] of steps) {
      const checked = checkAgainstUser(req, sender, NOW);
      expect(outcome(checked), label).toBe(reason);
      expect(message(checked), label).toMatch(text);
    }
    expect(outcome(checkAgainstUser(request('1.5', 4), user(['IS']), NOW))).toBe('ok');
  });

  it.each([
    ['6 before 7', request('99.9', 1, { serviceReference: '99.9' }), user(['IS'], 'suspended'), 'user_not_active'],
    ['7 before 8', request('4.1.9', 8, { serviceReference: '4.1' }), user(['IS']), 'unknown_service_request'],
    ['8 before 9', request('4.1.1', 4, { bodyElement: 'Nope' }), user(['IS']), 'command_variant_not_allowed'],
    ['8 before 10', request('4.1.1', 8, { target: ACCESS_CONTROL_BROKER }), user(['IS']), 'command_variant_not_allowed'],
    ['9 before 10', request('8.2', 8, { bodyElement: 'Nope', target: ESME_ID }), user(['IS']), 'unknown_service_request'],
    ['10 before 11', request('8.2', 8, { target: ESME_ID }), user(['ED']), 'wrong_target'],
    ['11 before 12', request('3.3', 1, { bodyValue: { ExecutionDateTime: iso(NOW + 1000) } }), user(['OU']), 'role_not_eligible'],
  ] as const)('row %s', (_label, req, sender, reason) => {
    expect(outcome(checkAgainstUser(req, sender, NOW))).toBe(reason);
  });
});

describe('row 13: device_not_found', () => {
  it('refuses a target that is not in the inventory', () => {
    const refusal = checkAgainstDevice(request('4.1.1', 1), findSrv('4.1.1')!, ['IS'], undefined, DEFAULT_POLICY);
    expect(refusal).toStrictEqual({ reason: 'device_not_found', message: `device ${ESME_ID} is not in the inventory` });
  });
});

describe('row 14: not_authorised_for_device', () => {
  const SUPPLIER_ROLES: [Role, string, DeviceType, ResponsibleParty][] = [
    ['IS', '4.1.3', 'ESME', 'importSupplier'],
    ['ES', '4.2', 'ESME', 'exportSupplier'],
    ['GS', '4.1.4', 'GSME', 'gasSupplier'],
    ['ED', '4.2', 'ESME', 'electricityDistributor'],
    ['GT', '14.1', 'GSME', 'gasTransporter'],
  ];

  describe.each(SUPPLIER_ROLES)('%s sending %s to a %s must be its %s', (role, srv, deviceType, party) => {
    const target = (parties: Partial<Record<ResponsibleParty, string>>) => device({ deviceId: GSME_ID, deviceType, ...parties });

    it('passes when registered as that party', () => {
      expect(pipeline(srv, 1, [role], target({ [party]: USER }))).toBe('ok');
    });

    it('is refused when another User is that party', () => {
      expect(pipeline(srv, 1, [role], target({ [party]: OTHER_SUPPLIER }))).toBe('not_authorised_for_device');
    });

    it('is refused when the device has no such party', () => {
      expect(pipeline(srv, 1, [role], target({}))).toBe('not_authorised_for_device');
    });

    it('is refused when registered as every other party but that one', () => {
      const others = Object.fromEntries(RESPONSIBLE_PARTIES.filter((p) => p !== party).map((p) => [p, USER]));
      expect(pipeline(srv, 1, [role], target({ ...others, [party]: OTHER_SUPPLIER }))).toBe('not_authorised_for_device');
    });

    it('passes when the request names the User in lower case', () => {
      expect(pipeline(srv, 1, [role], target({ [party]: USER }), USER.toLowerCase())).toBe('ok');
    });
  });

  it('names the User, device and roles in the message', () => {
    const req = request('4.1.1', 1);
    const refusal = checkAgainstDevice(req, findSrv('4.1.1')!, ['IS', 'GS'], device({ importSupplier: OTHER_SUPPLIER }), DEFAULT_POLICY);
    expect(refusal).toStrictEqual({
      reason: 'not_authorised_for_device',
      message: `User ${USER} is not registered against device ${ESME_ID} in role IS or GS`,
    });
  });

  it.each([
    ['OU: 9.1 on an ESME', '9.1', 'ESME' as DeviceType, ['OU'] as Role[]],
    ['OU: 11.2 on a GPF', '11.2', 'GPF' as DeviceType, ['OU'] as Role[]],
    ['OU: 8.9 on a CHF', '8.9', 'CHF' as DeviceType, ['OU'] as Role[]],
    ['RSA: 6.30 on a CHF', '6.30', 'CHF' as DeviceType, ['RSA'] as Role[]],
    ['RSA: 11.2 on a PPMID', '11.2', 'PPMID' as DeviceType, ['RSA'] as Role[]],
  ])('%s passes without any registration', (_label, srv, deviceType, roles) => {
    const target = device({ deviceId: CHF_ID, deviceType, importSupplier: OTHER_SUPPLIER, gasSupplier: OTHER_SUPPLIER });
    expect(pipeline(srv, 1, roles, target)).toBe('ok');
  });

  it.each([
    ['IS+ES on 4.1.3 (IS, ED), registered only as exporter', '4.1.3', ['IS', 'ES'], 'ESME', { exportSupplier: USER, importSupplier: OTHER_SUPPLIER }, 'not_authorised_for_device'],
    ['IS+ES on 4.2 (ES, ED), registered as exporter', '4.2', ['IS', 'ES'], 'ESME', { exportSupplier: USER, importSupplier: OTHER_SUPPLIER }, 'ok'],
    ['ES+GS on 4.1.1, gas supplier of the GSME', '4.1.1', ['ES', 'GS'], 'GSME', { gasSupplier: USER }, 'ok'],
    ['ES+GS on 4.1.1, export supplier of the ESME', '4.1.1', ['ES', 'GS'], 'ESME', { exportSupplier: USER, importSupplier: OTHER_SUPPLIER }, 'not_authorised_for_device'],
    ['IS+OU on 8.9 (IS, GS, OU), not registered', '8.9', ['IS', 'OU'], 'CHF', { importSupplier: OTHER_SUPPLIER }, 'ok'],
    ['IS+OU on 4.1.1 (OU not eligible), not registered', '4.1.1', ['IS', 'OU'], 'ESME', { importSupplier: OTHER_SUPPLIER }, 'not_authorised_for_device'],
    ['RSA+IS on 4.1.1 (RSA not eligible), not registered', '4.1.1', ['RSA', 'IS'], 'ESME', {}, 'not_authorised_for_device'],
    ['ED+GT on 4.1.1, distributor of the ESME', '4.1.1', ['ED', 'GT'], 'ESME', { electricityDistributor: USER }, 'ok'],
    ['ED+GT on 4.1.1, transporter of the GSME', '4.1.1', ['ED', 'GT'], 'GSME', { gasTransporter: USER }, 'ok'],
    ['ED on 4.1.1, registered only as gas transporter of an ESME', '4.1.1', ['ED'], 'ESME', { gasTransporter: USER }, 'not_authorised_for_device'],
    ['IS+GS on 4.1.1, neither registered', '4.1.1', ['IS', 'GS'], 'ESME', { importSupplier: OTHER_SUPPLIER, gasSupplier: NETWORK }, 'not_authorised_for_device'],
  ] as const)('multi-role %s → %s', (_label, srv, roles, deviceType, parties, expected) => {
    expect(pipeline(srv, 1, [...roles], device({ deviceType, ...parties }))).toBe(expected);
  });

  it('judges each device by its own registered parties', () => {
    const gsme = device({ deviceId: GSME_ID, deviceType: 'GSME', gasSupplier: USER });
    const esme = device({ deviceId: ESME_ID, deviceType: 'ESME', importSupplier: OTHER_SUPPLIER });
    expect(pipeline('4.1.1', 1, ['GS'], gsme)).toBe('ok');
    expect(pipeline('4.1.1', 1, ['GS'], esme)).toBe('not_authorised_for_device');
  });

  it('isAuthorisedForDevice: party roles need the matching registration, OU and RSA none', () => {
    const target = device({ importSupplier: USER, gasTransporter: NETWORK });
    expect(isAuthorisedForDevice(USER, ['IS'], target)).toBe(true);
    expect(isAuthorisedForDevice(USER, ['GS', 'ES', 'ED', 'GT'], target)).toBe(false);
    expect(isAuthorisedForDevice(NETWORK, ['GT'], target)).toBe(true);
    expect(isAuthorisedForDevice(NETWORK, ['ED'], target)).toBe(false);
    expect(isAuthorisedForDevice(OTHER_SUPPLIER, ['OU'], target)).toBe(true);
    expect(isAuthorisedForDevice(OTHER_SUPPLIER, ['RSA'], target)).toBe(true);
    expect(isAuthorisedForDevice(USER, [], target)).toBe(false);
  });
});

describe('row 15: device_type_incompatible', () => {
  const admitted = (srv: string, type: DeviceType) =>
    findSrv(srv)!.exampleTargetDeviceTypes.includes(type) ||
    ((srv === '11.2' || srv === '11.3') && ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS'].includes(type));

  it.each(SRV_DEFINITIONS.filter((def) => !def.nonDevice).map((def) => [def.srv]))('%s against every device type', (srv) => {
    for (const deviceType of DEVICE_TYPES) {
      const result = deviceCheck(srv, wanVariant(srv), device({ deviceType }));
      expect(result, `${srv} → ${deviceType}`).toBe(admitted(srv, deviceType) ? 'ok' : 'device_type_incompatible');
    }
  });

  it.each([
    ['11.2', 'ESME', 'ok'], ['11.2', 'GSME', 'ok'], ['11.2', 'CHF', 'ok'], ['11.2', 'GPF', 'ok'], ['11.2', 'PPMID', 'ok'], ['11.2', 'HCALCS', 'ok'],
    ['11.2', 'IHD', 'device_type_incompatible'], ['11.2', 'CAD', 'device_type_incompatible'],
    ['11.3', 'ESME', 'ok'], ['11.3', 'GSME', 'ok'], ['11.3', 'CHF', 'ok'], ['11.3', 'GPF', 'ok'], ['11.3', 'PPMID', 'ok'], ['11.3', 'HCALCS', 'ok'],
    ['11.3', 'IHD', 'device_type_incompatible'], ['11.3', 'CAD', 'device_type_incompatible'],
    ['4.1.1', 'ESME', 'ok'], ['4.1.1', 'GPF', 'ok'], ['4.1.1', 'GSME', 'ok'], ['4.1.1', 'CHF', 'device_type_incompatible'], ['4.1.1', 'IHD', 'device_type_incompatible'],
    ['4.2', 'GSME', 'device_type_incompatible'], ['6.30', 'CHF', 'ok'], ['6.30', 'ESME', 'device_type_incompatible'],
  ] as const)('%s on a %s → %s', (srv, deviceType, expected) => {
    expect(deviceCheck(srv, wanVariant(srv), device({ deviceType }))).toBe(expected);
  });

  it('never admits an IHD', () => {
    for (const def of SRV_DEFINITIONS.filter((d) => !d.nonDevice)) {
      expect(deviceCheck(def.srv, wanVariant(def.srv), device({ deviceType: 'IHD' })), def.srv).toBe('device_type_incompatible');
    }
  });

  it('says which SRV and type', () => {
    const refusal = checkAgainstDevice(request('4.2', 1), findSrv('4.2')!, ['OU'], device({ deviceType: 'GSME' }), DEFAULT_POLICY);
    expect(refusal).toStrictEqual({ reason: 'device_type_incompatible', message: 'SRV 4.2 cannot target a GSME' });
  });

  it('follows an operator policy that extends the table', () => {
    const policy = compilePolicy({ ...defaultPolicy(), extraDeviceTypes: { ...defaultPolicy().extraDeviceTypes, '4.1.1': ['IHD'] } });
    expect(deviceCheck('4.1.1', 1, device({ deviceType: 'IHD' }), ['OU'], policy)).toBe('ok');
    expect(deviceCheck('4.1.2', 1, device({ deviceType: 'IHD' }), ['OU'], policy)).toBe('device_type_incompatible');
  });
});

describe('row 16: not_available_for_smets1', () => {
  const UNAVAILABLE = ['6.28', '6.29', '6.30', '6.31', '6.32', '8.12.1', '8.12.2', '7.12', '7.13', '7.14', '7.15', '7.16'];

  it.each(UNAVAILABLE.map((srv) => [srv]))('%s is refused for SMETS1 and admitted for SMETS2+', (srv) => {
    const cv = wanVariant(srv);
    const deviceType = firstType(srv);
    expect(deviceCheck(srv, cv, smets1({ deviceType }))).toBe('not_available_for_smets1');
    expect(deviceCheck(srv, cv, device({ deviceType }))).toBe('ok');
  });

  it('refuses every request to a cohort the operators switched off, naming it, and serves the others', () => {
    const policy = compilePolicy(updatePolicy(defaultPolicy(), { smets1Cohorts: { itron: false } }));
    expect(deviceCheck('4.1.1', 1, smets1({ smets1Cohort: 'itron' }), ['OU'], policy)).toBe('not_available_for_smets1');
    expect(checkAgainstDevice(request('4.1.1', 1), findSrv('4.1.1')!, ['OU'], smets1({ smets1Cohort: 'itron' }), policy)?.message)
      .toBe('the DCC does not serve the itron SMETS1 cohort now (switched off by the operators)');
    expect(deviceCheck('4.1.1', 1, smets1({ smets1Cohort: 'aclara' }), ['OU'], policy)).toBe('ok');
    expect(deviceCheck('4.1.1', 1, device(), ['OU'], policy)).toBe('ok');
  });

  it('says which SRV and variant', () => {
    const refusal = checkAgainstDevice(request('6.30', 1), findSrv('6.30')!, ['OU'], smets1({ deviceType: 'CHF' }), DEFAULT_POLICY);
    expect(refusal).toStrictEqual({
      reason: 'not_available_for_smets1',
      message: 'SRV 6.30 with command variant 1 is not available for a SMETS1 device',
    });
  });

  it.each([
    ['4.1.1', 1, 'ok'], ['4.1.1', 2, 'not_available_for_smets1'], ['4.1.1', 3, 'not_available_for_smets1'],
    ['1.1.1', 4, 'ok'], ['1.1.1', 5, 'ok'], ['1.1.1', 6, 'not_available_for_smets1'], ['1.1.1', 7, 'not_available_for_smets1'],
    ['11.3', 4, 'ok'], ['11.3', 5, 'ok'], ['11.3', 6, 'not_available_for_smets1'], ['11.3', 7, 'not_available_for_smets1'],
    ['11.2', 2, 'not_available_for_smets1'], ['8.1.1', 5, 'ok'],
  ] as const)('SMETS1: %s with CV %i → %s', (srv, cv, expected) => {
    expect(deviceCheck(srv, cv, smets1({ deviceType: firstType(srv) }))).toBe(expected);
  });

  it.each([['4.1.1', 2], ['4.1.1', 3], ['1.1.1', 6], ['1.1.1', 7], ['11.3', 6], ['11.3', 7]] as const)(
    'SMETS2+: %s with local-delivery CV %i is admitted',
    (srv, cv) => {
      expect(deviceCheck(srv, cv, device({ deviceType: firstType(srv) }))).toBe('ok');
    },
  );

  it('admits every other device SRV on its WAN variants (1, 4, 5) for SMETS1', () => {
    for (const def of SRV_DEFINITIONS.filter((d) => !d.nonDevice && !UNAVAILABLE.includes(d.srv))) {
      for (const cv of def.commandVariants.filter((v) => [1, 4, 5].includes(v))) {
        expect(deviceCheck(def.srv, cv, smets1({ deviceType: def.exampleTargetDeviceTypes[0] })), `${def.srv} CV ${cv}`).toBe('ok');
      }
    }
  });
});

describe('row 17: device_status_incompatible', () => {
  // [srv, cv] for an installation SRV, the two firmware SRVs and ordinary SRVs, all on an ESME
  const SRVS = [['8.1.1', 4], ['6.15.1', 4], ['11.2', 1], ['11.3', 4], ['4.1.1', 1], ['1.1.1', 5]] as const;
  const EXPECTED: Record<SmiStatus, Record<string, boolean>> = {
    Commissioned: { '8.1.1': true, '6.15.1': true, '11.2': true, '11.3': true, '4.1.1': true, '1.1.1': true },
    Recovered: { '8.1.1': true, '6.15.1': true, '11.2': true, '11.3': true, '4.1.1': true, '1.1.1': true },
    Pending: { '8.1.1': true, '6.15.1': true, '11.2': true, '11.3': false, '4.1.1': false, '1.1.1': false },
    Whitelisted: { '8.1.1': true, '6.15.1': true, '11.2': true, '11.3': false, '4.1.1': false, '1.1.1': false },
    InstalledNotCommissioned: { '8.1.1': true, '6.15.1': true, '11.2': true, '11.3': false, '4.1.1': false, '1.1.1': false },
    Suspended: { '8.1.1': false, '6.15.1': false, '11.2': true, '11.3': true, '4.1.1': false, '1.1.1': false },
    Decommissioned: { '8.1.1': false, '6.15.1': false, '11.2': false, '11.3': false, '4.1.1': false, '1.1.1': false },
    Withdrawn: { '8.1.1': false, '6.15.1': false, '11.2': false, '11.3': false, '4.1.1': false, '1.1.1': false },
    Recovery: { '8.1.1': false, '6.15.1': false, '11.2': false, '11.3': false, '4.1.1': false, '1.1.1': false },
  };

  it('covers all nine statuses', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SMI_STATUSES].sort());
  });

  it.each(SMI_STATUSES.flatMap((status) => SRVS.map(([srv, cv]) => [status, srv, cv, EXPECTED[status][srv]] as const)))(
    '%s device, SRV %s (CV %i): admitted %s',
    (status, srv, cv, admits) => {
      expect(deviceCheck(srv, cv, device({ status }))).toBe(admits ? 'ok' : 'device_status_incompatible');
      expect(deviceCheck(srv, cv, smets1({ status }))).toBe(admits ? 'ok' : 'device_status_incompatible');
    },
  );

  it.each(['8.1.1', '8.7.1', '8.7.2', '8.8.1', '8.8.2', '8.9', '8.11', '6.15.1', '6.15.2', '6.21', '6.23', '11.2'].map((srv) => [srv]))(
    'installation SRV %s is admitted for a Pending device, not for a Suspended one (except 11.2)',
    (srv) => {
      const deviceType = firstType(srv);
      expect(deviceCheck(srv, wanVariant(srv), device({ deviceType, status: 'Pending' }))).toBe('ok');
      expect(deviceCheck(srv, wanVariant(srv), device({ deviceType, status: 'Suspended' }))).toBe(srv === '11.2' ? 'ok' : 'device_status_incompatible');
    },
  );

  it('says which device, status and SRV', () => {
    const refusal = checkAgainstDevice(request('4.1.1', 1), findSrv('4.1.1')!, ['OU'], device({ status: 'Suspended' }), DEFAULT_POLICY);
    expect(refusal).toStrictEqual({
      reason: 'device_status_incompatible',
      message: `device ${ESME_ID} is Suspended, which does not admit SRV 4.1.1`,
    });
  });

  it('says why when the CPL suspends the device, which the inventory holds in service', () => {
    const listed = (status: 'valid' | 'expired', firmwareVersion = '1.0') => indexCpl([applyCplUpdate(undefined, 'M1', firmwareVersion, { deviceType: 'ESME', certificates: { other: status } }, new Date())]);
    const meter = (firmwareVersion?: string) => device({ status: 'Commissioned', deviceModel: 'M1', firmwareVersion });
    const messageFor = (served: Device) => checkAgainstDevice(request('4.1.1', 1), findSrv('4.1.1')!, ['OU'], served, DEFAULT_POLICY)?.message;
    expect(messageFor(withCplStatus(meter('0.9'), listed('valid'))))
      .toBe(`device ${ESME_ID} is served as Suspended (the Central Products List does not list M1 at firmware 0.9), which does not admit SRV 4.1.1`);
    expect(messageFor(withCplStatus(meter('1.0'), listed('expired'))))
      .toBe(`device ${ESME_ID} is served as Suspended (the Central Products List has removed M1 at firmware 1.0), which does not admit SRV 4.1.1`);
    expect(messageFor(withCplStatus(meter(undefined), listed('valid'))))
      .toBe(`device ${ESME_ID} is served as Suspended (its firmware version is not known, and the Central Products List lists M1 only at named versions), which does not admit SRV 4.1.1`);
  });

  it('follows an operator policy that changes a status row', () => {
    const base = defaultPolicy();
    const policy = compilePolicy({ ...base, statusAdmission: { ...base.statusAdmission, Suspended: ['11.2', '11.3', '4.1.1'] } });
    expect(deviceCheck('4.1.1', 1, device({ status: 'Suspended' }), ['OU'], policy)).toBe('ok');
    expect(deviceCheck('4.1.2', 1, device({ status: 'Suspended' }), ['OU'], policy)).toBe('device_status_incompatible');
  });
});

describe('rows 13 to 17: order (the first failing row wins)', () => {
  it('peels off one failing row at a time', () => {
    // 6.30 Read CHF Sub GHz Configuration: CHF only, not for SMETS1, IS/GS/RSA
    const steps: [string, Device | undefined, string][] = [
      ['no device', undefined, 'device_not_found'],
      ['rows 14 to 17 fail', smets1({ deviceType: 'ESME', status: 'Decommissioned', importSupplier: OTHER_SUPPLIER }), 'not_authorised_for_device'],
      ['row 14 fixed', smets1({ deviceType: 'ESME', status: 'Decommissioned', importSupplier: USER }), 'device_type_incompatible'],
      ['row 15 fixed', smets1({ deviceType: 'CHF', status: 'Decommissioned', importSupplier: USER }), 'not_available_for_smets1'],
      ['row 16 fixed', device({ deviceType: 'CHF', status: 'Decommissioned', importSupplier: USER }), 'device_status_incompatible'],
      ['row 17 fixed', device({ deviceType: 'CHF', status: 'Commissioned', importSupplier: USER }), 'ok'],
    ];
    for (const [label, target, reason] of steps) {
      expect(pipeline('6.30', 1, ['IS'], target), label).toBe(reason);
    }
  });

  it.each([
    ['14 before 15', device({ deviceType: 'IHD' }), 'not_authorised_for_device'],
    ['14 before 16', smets1({ deviceType: 'CHF' }), 'not_authorised_for_device'],
    ['14 before 17', device({ deviceType: 'CHF', status: 'Withdrawn' }), 'not_authorised_for_device'],
    ['15 before 16', smets1({ deviceType: 'IHD', importSupplier: USER }), 'device_type_incompatible'],
    ['15 before 17', device({ deviceType: 'IHD', status: 'Recovery', importSupplier: USER }), 'device_type_incompatible'],
    ['16 before 17', smets1({ deviceType: 'CHF', status: 'Pending', importSupplier: USER }), 'not_available_for_smets1'],
  ] as const)('row %s', (_label, target, reason) => {
    expect(pipeline('6.30', 1, ['IS'], target)).toBe(reason);
  });

  it('rows 6 to 12 come before the device rows', () => {
    expect(pipeline('6.30', 1, ['OU'], undefined)).toBe('role_not_eligible');
  });
});

describe('row 10: the DUIS web service a DUIS XML request was sent to (E13)', () => {
  it('takes each command variant on its own service only', () => {
    const on = (cv: number, webService: 'S' | 'D' | 'T', srv = '1.1.1') => outcome(checkAgainstUser({ ...request(srv, cv), webService }, user(['IS']), NOW));
    expect(on(1, 'S', '4.1.1')).toBe('ok');
    expect(on(2, 'D', '4.1.1')).toBe('ok');
    expect(on(4, 'T')).toBe('ok');
    expect(on(5, 'S')).toBe('ok');
    expect(on(1, 'D', '4.1.1')).toBe('wrong_target');
    expect(on(1, 'T', '4.1.1')).toBe('wrong_target');
    expect(on(4, 'S')).toBe('wrong_target');
    expect(on(6, 'T')).toBe('wrong_target');
    // Rows before 10 still win: a command variant the SRV does not allow is row 8 on any service.
    expect(on(8, 'S', '4.1.1')).toBe('command_variant_not_allowed');
  });
});
