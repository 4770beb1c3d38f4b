import { findSrv, SIGNED_PRE_COMMAND } from '../catalogue/index.ts';
import { ACCESS_CONTROL_BROKER } from '../identifiers/index.ts';
import type { CompiledPolicy } from '../policy/index.ts';
import { refuse, type Refusal } from '../refusals/index.ts';
import { servedStatusRefuses } from '../products/index.ts';
import type { ServiceRequest } from '../request/index.ts';
import { DUIS_WEB_SERVICES, type Device, type ResponsibleParty, type Role, type SrvDefinition, type User } from '../types/index.ts';

/** Command variants that carry the signed Pre-Command of a critical request. */
export const SIGNED_LEG_VARIANTS: ReadonlySet<number> = new Set([5, 6, 7]);

/** Local delivery only (CV 2 and 6): answered at once with the command for the User to deliver. */
export const LOCAL_ONLY_VARIANTS: ReadonlySet<number> = new Set([2, 6]);

export type Checked = { ok: true; srv: SrvDefinition; eligibleRoles: Role[] } | { ok: false; refusal: Refusal };

/**
 * Rows 6 to 12 of the refusal table: what can be judged from the request and its User alone.
 * `now` is epoch milliseconds, for the future-dating check.
 */
export function checkAgainstUser(request: ServiceRequest, user: User, now: number): Checked {
  if (user.status !== 'active') {
    return { ok: false, refusal: refuse('user_not_active', `User ${user.userId} is ${user.status}`) };
  }
  const srv = findSrv(request.serviceReferenceVariant);
  if (!srv) {
    return { ok: false, refusal: refuse('unknown_service_request', `${request.serviceReferenceVariant} is not a DUIS Service Reference Variant`) };
  }
  if (srv.serviceReference !== request.serviceReference) {
    return {
      ok: false,
      refusal: refuse('unknown_service_request', `serviceReference ${request.serviceReference} does not match SRV ${srv.srv} (expected ${srv.serviceReference})`),
    };
  }
  if (!srv.commandVariants.includes(request.commandVariant)) {
    return {
      ok: false,
      refusal: refuse('command_variant_not_allowed', `command variant ${request.commandVariant} is not allowed for SRV ${srv.srv} (allowed: ${srv.commandVariants.join(', ')})`),
    };
  }
  const expectedElement = SIGNED_LEG_VARIANTS.has(request.commandVariant) ? SIGNED_PRE_COMMAND : srv.bodyElement;
  if (request.bodyElement !== expectedElement) {
    return {
      ok: false,
      refusal: refuse('unknown_service_request', `body element ${request.bodyElement} is not ${expectedElement}, expected for SRV ${srv.srv} with command variant ${request.commandVariant}`),
    };
  }
  if (request.webService && !(DUIS_WEB_SERVICES[request.webService] as readonly number[]).includes(request.commandVariant)) {
    const takes = Object.entries(DUIS_WEB_SERVICES).find(([, variants]) => (variants as readonly number[]).includes(request.commandVariant))?.[0];
    return {
      ok: false,
      refusal: refuse('wrong_target', `command variant ${request.commandVariant} is not valid for the service${request.webService} web service (send it to /api/v1/service${takes})`),
    };
  }
  const targetsBroker = request.requestId.targetId === ACCESS_CONTROL_BROKER;
  if (srv.nonDevice !== targetsBroker) {
    const message = srv.nonDevice
      ? `SRV ${srv.srv} is a non-device request and must target the Access Control Broker ${ACCESS_CONTROL_BROKER}`
      : `SRV ${srv.srv} is a device request and cannot target the Access Control Broker`;
    return { ok: false, refusal: refuse('wrong_target', message) };
  }
  const eligibleRoles = eligibleRolesOf(user, srv);
  if (eligibleRoles.length === 0) {
    return {
      ok: false,
      refusal: refuse('role_not_eligible', `none of roles ${user.roles.join(', ')} may send SRV ${srv.srv} (eligible: ${srv.eligibleRoles.join(', ')})`),
    };
  }
  if (request.executionDateTime !== undefined) {
    if (srv.futureDated === null) {
      return { ok: false, refusal: refuse('future_dating_not_allowed', `SRV ${srv.srv} cannot be future-dated`) };
    }
    if (request.executionDateTime <= now) {
      return { ok: false, refusal: refuse('future_dating_not_allowed', 'ExecutionDateTime is not in the future') };
    }
    // The DSP would hold it, but a command for local delivery is handed to the User at once.
    if (srv.futureDated === 'dsp' && LOCAL_ONLY_VARIANTS.has(request.commandVariant)) {
      return { ok: false, refusal: refuse('future_dating_not_allowed', `SRV ${srv.srv} is future-dated by the DCC holding it, which a command for local delivery (command variant ${request.commandVariant}), answered at once, cannot be`) };
    }
  }
  return { ok: true, srv, eligibleRoles };
}

/** Row 11: the User's roles that may send the SRV (none: role_not_eligible). */
export function eligibleRolesOf(user: User, srv: SrvDefinition): Role[] {
  return user.roles.filter((role) => srv.eligibleRoles.includes(role));
}

/** The device party each supplier or network role must be registered as; OU and RSA need none. */
const PARTY_FOR_ROLE: Partial<Record<Role, ResponsibleParty>> = {
  IS: 'importSupplier',
  ES: 'exportSupplier',
  GS: 'gasSupplier',
  ED: 'electricityDistributor',
  GT: 'gasTransporter',
};

export function isAuthorisedForDevice(userId: string, eligibleRoles: readonly Role[], device: Device): boolean {
  return eligibleRoles.some((role) => {
    const party = PARTY_FOR_ROLE[role];
    return party === undefined || device[party] === userId;
  });
}

/**
 * Rows 13 and 14: the device is in the inventory, and the User registered against it in one of
 * its roles eligible for the SRV; for a device request's target and for a device a non-device
 * request names alike.
 */
export function checkDeviceParty(userId: string, eligibleRoles: readonly Role[], deviceId: string, device: Device | undefined): Refusal | undefined {
  if (!device) return refuse('device_not_found', `device ${deviceId} is not in the inventory`);
  if (!isAuthorisedForDevice(userId, eligibleRoles, device)) {
    return refuse('not_authorised_for_device', `User ${userId} is not registered against device ${deviceId} in role ${eligibleRoles.join(' or ')}`);
  }
  return undefined;
}

/** Rows 13 to 17: checks of a device request against the target device's inventory record. */
export function checkAgainstDevice(
  request: ServiceRequest,
  srv: SrvDefinition,
  eligibleRoles: readonly Role[],
  device: Device | undefined,
  policy: CompiledPolicy,
): Refusal | undefined {
  const deviceId = request.requestId.targetId;
  const party = checkDeviceParty(request.requestId.originatorId, eligibleRoles, deviceId, device);
  if (party || !device) return party;
  if (!policy.deviceTypeAdmits(srv.srv, device.deviceType)) {
    return refuse('device_type_incompatible', `SRV ${srv.srv} cannot target a ${device.deviceType}`);
  }
  if (device.generation === 'SMETS1' && !policy.smets1CohortLive(device.smets1Cohort)) {
    return refuse('not_available_for_smets1', `the DCC does not serve the ${device.smets1Cohort} SMETS1 cohort now (switched off by the operators)`);
  }
  if (device.generation === 'SMETS1' && !policy.smets1Admits(srv.srv, request.commandVariant)) {
    return refuse('not_available_for_smets1', `SRV ${srv.srv} with command variant ${request.commandVariant} is not available for a SMETS1 device`);
  }
  // Suspended by the CPL, the inventory still says otherwise: the refusal names the cause.
  const status = servedStatusRefuses(policy, device, srv.srv);
  if (status) return refuse('device_status_incompatible', `device ${deviceId} ${status}, which does not admit SRV ${srv.srv}`);
  return undefined;
}
