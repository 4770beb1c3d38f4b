import {
  breachCheckTimes, checkAgainstDevice, dspHeldUntil, eligibleRolesOf, findSrv, parseRfc3339, refuse, routeFor, SIGNED_LEG_VARIANTS, trtBudget, trtClassFor, withCplStatus,
  type CompiledPolicy, type CplIndex, type Device, type Refusal, type RefusalReason, type ServiceRequest, type SrvDefinition, type User,
} from '@dccrouter/domain';
import type { Release, RequestRecord, StateStore } from '@dccrouter/state';
import { localCommandFor, preCommandFor } from '../pipeline/commands.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';

export type QuarantineOutcome =
  | { ok: true; requestId: string; state: string }
  | { ok: false; status: 404 | 409; reason: 'not_found' | 'not_quarantined' | RefusalReason; message: string };

/** What a release judges the request by again, as the request path sees them now. */
export interface ReleaseChecks {
  directory: { user(userId: string): Promise<User | undefined>; device(deviceId: string): Promise<Device | undefined> };
  policy: CompiledPolicy;
  cpl: { index(): CplIndex };
}

/** The request parts the opaque payloads are derived from, rebuilt from its record. */
function asRequest(record: RequestRecord): ServiceRequest {
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
 * Release and delete of quarantined requests, by the operator or the owning User. A released
 * request goes on as if just accepted, its TRT clock starting now: a device request is queued for
 * its network (or, future-dated and held by the DCC, held until its ExecutionDateTime, its TRT
 * starting then, as at acceptance), a CV 4 leg gets its Pre-Command and a local-delivery request
 * its command, both through the User's outbox.
 */
export class QuarantineDesk {
  constructor(
    private readonly store: StateStore,
    private readonly budgets: TrtBudgetTable,
    private readonly trackTrt: boolean,
    private readonly checks: ReleaseChecks,
    /** Epoch ms of a release (its TRT starts then): the router's clock never ahead of the store's (StoreWatch). */
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The rows that may have changed since it was quarantined (up to QUARANTINE_TTL_SECONDS ago),
   * judged again as the request path would now: its User still active and eligible for the SRV
   * (rows 6, 11); for a device, the device still there, the User still its party in that role,
   * and its type, cohort and status (after the CPL) still admitting it (rows 13 to 17). Released
   * otherwise, a suspended User, or a supplier that has lost the meter, could act on it.
   */
  private async stillAllowed(record: RequestRecord): Promise<{ refusal: Refusal } | { device?: Device }> {
    const user = await this.checks.directory.user(record.originatorId);
    if (!user) return { refusal: refuse('unknown_user', `User ${record.originatorId} is no longer registered`) };
    if (user.status !== 'active') return { refusal: refuse('user_not_active', `User ${user.userId} is ${user.status}`) };
    const srv = findSrv(record.srv)!;
    const eligibleRoles = eligibleRolesOf(user, srv);
    if (eligibleRoles.length === 0) return { refusal: refuse('role_not_eligible', `none of roles ${user.roles.join(', ')} may send SRV ${srv.srv}`) };
    if (srv.nonDevice) return {};
    const found = await this.checks.directory.device(record.targetId);
    const device = found && withCplStatus(found, this.checks.cpl.index());
    const refusal = checkAgainstDevice(asRequest(record), srv, eligibleRoles, device, this.checks.policy);
    return refusal ? { refusal } : { device };
  }

  /** The quarantined request of `ref`, if `userId` (when given) owns it. */
  private async find(ref: string, userId: string | undefined): Promise<RequestRecord | QuarantineOutcome> {
    const requestId = await this.store.findQuarantine(ref);
    const record = requestId ? await this.store.getRequest(requestId) : undefined;
    if (!record || (userId !== undefined && record.originatorId !== userId)) {
      return { ok: false, status: 404, reason: 'not_found', message: `no quarantine event ${ref}` };
    }
    if (record.state !== 'quarantined') {
      return { ok: false, status: 409, reason: 'not_quarantined', message: `request ${record.requestId} is ${record.state}, no longer quarantined` };
    }
    if (record.quarantine?.ref !== ref) {
      // Its CV 4 leg's event, released; its signed leg was quarantined since, as an event of its own.
      return { ok: false, status: 409, reason: 'not_quarantined', message: `quarantine event ${ref} is over: request ${record.requestId} was released from it, and is held now under another event` };
    }
    return record;
  }

  async release(ref: string, userId?: string): Promise<QuarantineOutcome> {
    const found = await this.find(ref, userId);
    if ('ok' in found) return found;
    const record = found;
    const allowed = await this.stillAllowed(record);
    if ('refusal' in allowed) {
      const { refusal } = allowed;
      return { ok: false, status: 409, reason: refusal.reason, message: `request ${record.requestId} may not go on now (${refusal.message}): it stays quarantined, to be deleted` };
    }
    const at = this.clock();
    const request = asRequest(record);
    let release: Release;
    // Answered here rather than by a network: queued for the User in the step that releases it.
    const answered = (body: unknown) => ({ kind: 'response' as const, requestId: record.requestId, responseCode: 'I0', body });
    if (record.commandVariant === 4) {
      release = { at, ref, state: 'transformed', egress: false, outbox: answered({ PreCommand: preCommandFor(request) }) };
    } else if (record.commandVariant === 2 || record.commandVariant === 6) {
      release = { at, ref, state: 'responded', egress: false, outbox: answered({ LocalCommand: localCommandFor(request) }) };
    } else {
      const srv = findSrv(record.srv)!;
      // Where its device is now (moved to another region or cohort while it was held), and its TRT by that.
      const route = routeFor(srv, allowed.device);
      // A DSP occurrence (it carries its DSPScheduleID) stays scheduled traffic when released.
      const trtClass = trtClassFor(srv, record.commandVariant, route.generation, record.responseExtras?.DSPScheduleID !== undefined);
      const budgets = this.budgets.current();
      // Held until its ExecutionDateTime where the DSP holds it, and its TRT from then if later, as at acceptance.
      const heldUntil = dspHeldUntil(srv, await this.executionDateTimeOf(record, srv));
      const trt = trtClass ? trtBudget(trtClass, budgets, at, heldUntil) : undefined;
      release = { at, ref, state: 'accepted', egress: true, trt };
      if (route.destination !== record.destination || route.generation !== record.generation) release.route = route;
      if (heldUntil !== undefined && heldUntil > at) release.heldUntil = heldUntil;
      if (trt && this.trackTrt) {
        const { checkAt, finalAt } = breachCheckTimes(trt.deadline, route.generation, budgets);
        release.breachCheckAt = checkAt;
        if (finalAt !== undefined) release.breachFinalAt = finalAt;
      }
    }
    if (!(await this.store.releaseQuarantine(record.requestId, release))) {
      return { ok: false, status: 409, reason: 'not_quarantined', message: `request ${record.requestId} is no longer quarantined` };
    }
    return { ok: true, requestId: record.requestId, state: release.state };
  }

  /**
   * A future-dated request's ExecutionDateTime: its own, or a signed leg's transform leg's (a
   * SignedPreCommand carries none).
   */
  private async executionDateTimeOf(record: RequestRecord, srv: SrvDefinition): Promise<number | undefined> {
    if (!srv.futureDated) return undefined;
    if (SIGNED_LEG_VARIANTS.has(record.commandVariant)) return (await this.store.loadContext(record.requestId, 'signed')).transformLeg?.executionDateTime;
    const own = record.bodyValue !== null && typeof record.bodyValue === 'object' ? (record.bodyValue as { ExecutionDateTime?: unknown }).ExecutionDateTime : undefined;
    const at = own === undefined ? NaN : parseRfc3339(own);
    return Number.isNaN(at) ? undefined : at;
  }

  async delete(ref: string, userId?: string): Promise<QuarantineOutcome> {
    const found = await this.find(ref, userId);
    if ('ok' in found) return found;
    if (!(await this.store.deleteQuarantined(found.requestId, Date.now(), ref))) {
      return { ok: false, status: 409, reason: 'not_quarantined', message: `request ${found.requestId} is no longer quarantined` };
    }
    return { ok: true, requestId: found.requestId, state: 'deleted' };
  }
}
