import { breachCheckTimes, dspHeldUntil, findSrv, parseRfc3339, routeFor, SIGNED_LEG_VARIANTS, trtBudget, trtClassFor, type RefusalReason, type SrvDefinition } from '@dccrouter/domain';
import type { Release, RequestRecord, StateStore } from '@dccrouter/state';
import { localCommandFor, preCommandFor } from '../pipeline/commands.ts';
import { asRequest, judgeAgain, type JudgeAgainSources } from '../pipeline/judge-again.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';

export type QuarantineOutcome =
  | { ok: true; requestId: string; state: string }
  | { ok: false; status: 404 | 409; reason: 'not_found' | 'not_quarantined' | RefusalReason; message: string };

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
    private readonly checks: JudgeAgainSources,
    /** Epoch ms of a release (its TRT starts then): the router's clock never ahead of the store's (StoreWatch). */
    private readonly clock: () => number = Date.now,
  ) {}

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
    // Past its expiry, not yet swept (the sweep behind a flood): deleted now, as the sweep would.
    const expiresAt = record.quarantine?.expiresAt;
    if (expiresAt !== undefined && expiresAt <= this.clock()) {
      const deleted = await this.store.deleteQuarantined(record.requestId, this.clock(), ref);
      const now = deleted ? 'is deleted' : 'is no longer quarantined';
      return { ok: false, status: 409, reason: 'not_quarantined', message: `quarantine event ${ref} expired at ${new Date(expiresAt).toISOString()}: request ${record.requestId} ${now}` };
    }
    const allowed = await judgeAgain(this.checks, record);
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
