import { breachCheckTimes, findSrv, trtBudget, trtClassFor, type ServiceRequest } from '@dccrouter/domain';
import type { Release, RequestRecord, StateStore } from '@dccrouter/state';
import { localCommandFor, preCommandFor } from '../pipeline/commands.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';

export type QuarantineOutcome =
  | { ok: true; requestId: string; state: string }
  | { ok: false; status: 404 | 409; reason: 'not_found' | 'not_quarantined'; message: string };

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
 * its network, a CV 4 leg gets its Pre-Command and a local-delivery request its command, both
 * through the User's outbox.
 */
export class QuarantineDesk {
  constructor(private readonly store: StateStore, private readonly budgets: TrtBudgetTable, private readonly trackTrt: boolean) {}

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
    return record;
  }

  async release(ref: string, userId?: string): Promise<QuarantineOutcome> {
    const found = await this.find(ref, userId);
    if ('ok' in found) return found;
    const record = found;
    const at = Date.now();
    const request = asRequest(record);
    let release: Release;
    // Answered here rather than by a network: queued for the User in the step that releases it.
    const answered = (body: unknown) => ({ kind: 'response' as const, requestId: record.requestId, responseCode: 'I0', body });
    if (record.commandVariant === 4) {
      release = { at, state: 'transformed', egress: false, outbox: answered({ PreCommand: preCommandFor(request) }) };
    } else if (record.commandVariant === 2 || record.commandVariant === 6) {
      release = { at, state: 'responded', egress: false, outbox: answered({ LocalCommand: localCommandFor(request) }) };
    } else {
      const srv = findSrv(record.srv)!;
      // A DSP occurrence (it carries its DSPScheduleID) stays scheduled traffic when released.
      const trtClass = trtClassFor(srv, record.commandVariant, record.generation, record.responseExtras?.DSPScheduleID !== undefined);
      const budgets = this.budgets.current();
      const trt = trtClass ? trtBudget(trtClass, budgets, at) : undefined;
      release = { at, state: 'accepted', egress: true, trt };
      if (trt && this.trackTrt) {
        const { checkAt, finalAt } = breachCheckTimes(trt.deadline, record.generation, budgets);
        release.breachCheckAt = checkAt;
        if (finalAt !== undefined) release.breachFinalAt = finalAt;
      }
    }
    if (!(await this.store.releaseQuarantine(record.requestId, release))) {
      return { ok: false, status: 409, reason: 'not_quarantined', message: `request ${record.requestId} is no longer quarantined` };
    }
    return { ok: true, requestId: record.requestId, state: release.state };
  }

  async delete(ref: string, userId?: string): Promise<QuarantineOutcome> {
    const found = await this.find(ref, userId);
    if ('ok' in found) return found;
    if (!(await this.store.deleteQuarantined(found.requestId, Date.now()))) {
      return { ok: false, status: 409, reason: 'not_quarantined', message: `request ${found.requestId} is no longer quarantined` };
    }
    return { ok: true, requestId: found.requestId, state: 'deleted' };
  }
}
