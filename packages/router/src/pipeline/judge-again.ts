import {
  checkAgainstDevice, eligibleRolesOf, findSrv, refuse, withCplStatus,
  type CompiledPolicy, type CplIndex, type Device, type Refusal, type ServiceRequest, type User,
} from '@dccrouter/domain';
import type { RequestRecord } from '@dccrouter/state';

/** What a request accepted earlier is judged by again, as the request path sees them now. */
export interface JudgeAgainSources {
  directory: { user(userId: string): Promise<User | undefined>; device(deviceId: string): Promise<Device | undefined> };
  policy: CompiledPolicy;
  cpl: { index(): CplIndex };
}

/** The request parts the opaque payloads are derived from, rebuilt from its record. */
export function asRequest(record: RequestRecord): ServiceRequest {
  const [originatorId, targetId, counter] = record.requestId.split(':');
  return {
    requestId: { originatorId, targetId, counter },
    requestIdText: record.requestId,
    commandVariant: record.commandVariant as ServiceRequest['commandVariant'],
    serviceReference: findSrv(record.srv)?.serviceReference ?? record.srv,
    serviceReferenceVariant: record.srv,
    bodyElement: record.bodyElement,
    bodyValue: record.bodyValue as ServiceRequest['bodyValue'],
  };
}

/**
 * The rows that may have changed since a request was accepted and held back (quarantined, or
 * held for its ExecutionDateTime), judged again as the request path would now: its User still
 * registered, active and eligible for the SRV (rows 4, 6, 11); for a device, the device still
 * there, the User still its party in that role, and its type, cohort and status (after the CPL)
 * still admitting it (rows 13 to 17). Sent on otherwise, a suspended User, or a supplier that has lost the
 * meter, could act on it. Allowed, a device request comes with its device as it is now (to route by).
 */
export async function judgeAgain(sources: JudgeAgainSources, record: RequestRecord): Promise<{ refusal: Refusal } | { device?: Device }> {
  const user = await sources.directory.user(record.originatorId);
  if (!user) return { refusal: refuse('unknown_user', `User ${record.originatorId} is no longer registered`) };
  if (user.status !== 'active') return { refusal: refuse('user_not_active', `User ${user.userId} is ${user.status}`) };
  const srv = findSrv(record.srv)!;
  const eligibleRoles = eligibleRolesOf(user, srv);
  if (eligibleRoles.length === 0) return { refusal: refuse('role_not_eligible', `none of roles ${user.roles.join(', ')} may send SRV ${srv.srv}`) };
  if (srv.nonDevice) return {};
  const found = await sources.directory.device(record.targetId);
  const device = found && withCplStatus(found, sources.cpl.index());
  const refusal = checkAgainstDevice(asRequest(record), srv, eligibleRoles, device, sources.policy);
  return refusal ? { refusal } : { device };
}
