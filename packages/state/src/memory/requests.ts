import type { MemoryCounters } from '../counters/memory.ts';
import { judgeResponse, responseBody, responseIdFor, trtAlert } from '../shared/index.ts';
import { isHeldBack } from '../store/index.ts';
import type { Acceptance, AcceptanceResult, Leg, NetworkResponse, RequestContext, RequestRecord, ResponseOutcome } from '../store/index.ts';
import { copy, type MemoryState, type RequestEntry } from './state.ts';

/**
 * A request's life on the request path and at its response: what a retry or a signed leg reads
 * first, its acceptance (judged and recorded in one synchronous step, as accept-batch.lua is
 * atomic), its record, and its network's response.
 */
export class MemoryRequests {
  constructor(private readonly state: MemoryState, private readonly counters: MemoryCounters) {}

  async loadContext(requestId: string, leg: Leg): Promise<RequestContext> {
    const context: RequestContext = {};
    const entry = this.state.request(requestId);
    const legRecord = entry?.legs[leg];
    if (legRecord) context.leg = copy(legRecord);
    const transformLeg = leg === 'signed' ? entry?.legs.transform : undefined;
    if (transformLeg) context.transformLeg = copy(transformLeg);
    // Until the signed leg is recorded, the record is its transform leg's.
    if (transformLeg && !legRecord) {
      context.transformCommand = { element: entry!.record.bodyElement, value: copy(entry!.record.bodyValue) };
      context.transformState = entry!.record.state;
    }
    return context;
  }

  async recordAcceptance(requestId: string, acceptance: Acceptance): Promise<AcceptanceResult> {
    const { state } = this;
    const { leg, legRecord, record } = acceptance;
    const entry = state.request(requestId);
    const existing = entry?.legs[leg];
    if (existing && existing.bodyHash === legRecord.bodyHash) return { outcome: 'duplicate', answer: copy(existing.answer) };
    // A transform leg quarantined or deleted gave no Pre-Command to sign: no signed leg goes on from it.
    if (leg === 'signed' && (entry?.legs.transform?.srv !== legRecord.srv || isHeldBack(entry.record.state))) return { outcome: 'transform_leg_missing' };
    // A RequestID is one request: a single leg's is not a pair's, nor a pair's a single's.
    if (existing || (entry && leg !== 'signed')) return { outcome: 'request_id_reused' };
    let counts: number[] | undefined;
    if (acceptance.count) {
      const { scope, rules, at, evenInExcess } = acceptance.count;
      const counted = this.counters.countNow(`user:${scope}`, rules, at, evenInExcess);
      if (!counted.admitted) return { outcome: 'over_limit', counts: counted.counts, breached: counted.breached };
      counts = counted.counts;
    }

    const now = Date.now();
    state.sweep(now);
    state.forget(requestId);
    // Kept for the retention after it can next move: held for a later ExecutionDateTime, or
    // quarantined until its expiry, it would otherwise vanish unreleased; its TRT judged later
    // than the retention (a SMETS1 firmware activation days ahead), unjudged.
    const heldUntil = !acceptance.egress || acceptance.egress.forwardedAt !== undefined ? 0 : acceptance.egress.releaseAt ?? 0;
    // (Only a judgement after the plain retention needs it: the others stay in acceptance order, the cheap sweep.)
    const judgedAt = Math.max(acceptance.breachCheckAt ?? 0, acceptance.breachFinalAt ?? 0);
    const later = Math.max(heldUntil, acceptance.quarantine?.expiresAt ?? 0, judgedAt > now + state.retentionMs ? judgedAt : 0);
    const stored: RequestEntry = {
      legs: { ...entry?.legs, [leg]: copy(legRecord) },
      record: copy(record),
      expiresAt: Math.max(now, later) + state.retentionMs,
    };
    // A released transform leg's ref still names the request: forgotten with it, not left behind.
    if (entry?.quarantineRefs) stored.quarantineRefs = entry.quarantineRefs;
    if (later > now) state.outlive(requestId, stored);
    else state.requests.set(requestId, stored);
    if (acceptance.egress) {
      const { releaseAt, forwardedAt } = acceptance.egress;
      if (forwardedAt !== undefined) {
        // Handed over by the caller: an entry already claimed, by no consumer in particular (see EgressItem).
        // It wins over held: the caller has sent it already, whatever this clock says of releaseAt.
        Object.assign(stored.record, { state: 'forwarded', forwardedAt });
        stored.egressEntry = state.enqueueEgress(record.destination, requestId, forwardedAt);
      } else if (releaseAt !== undefined && releaseAt > now) state.held.push(releaseAt, requestId);
      else stored.egressEntry = state.enqueueEgress(record.destination, requestId);
    }
    if (acceptance.breachCheckAt !== undefined) state.indexDeadline(stored, requestId, acceptance.breachCheckAt);
    if (acceptance.breachFinalAt !== undefined) stored.breachFinalAt = acceptance.breachFinalAt;
    if (acceptance.quarantine) {
      state.quarantineRefs.set(acceptance.quarantine.ref, requestId);
      stored.quarantineRefs = [...(stored.quarantineRefs ?? []), acceptance.quarantine.ref];
      state.quarantineExpiry.push(acceptance.quarantine.expiresAt, requestId);
    }
    if (acceptance.alert) state.appendOutbox(record.originatorId, copy(acceptance.alert));
    return counts ? { outcome: 'recorded', counts } : { outcome: 'recorded' };
  }

  async getRequest(requestId: string): Promise<RequestRecord | undefined> {
    const entry = this.state.request(requestId);
    return entry && copy(entry.record);
  }

  async recordResponse(response: NetworkResponse): Promise<ResponseOutcome> {
    const { state } = this;
    const entry = state.request(response.requestId);
    if (!entry) return { outcome: 'unknown' };
    const record = entry.record;
    if (record.state === 'responded' || record.state === 'delivered') {
      // The same response again (its time and code: a retry of a call whose answer was lost) is answered as the first was.
      if (record.respondedAt !== response.at || record.responseCode !== response.responseCode) return { outcome: 'duplicate' };
      return {
        outcome: 'recorded', breached: record.breached === true, breachMarkedEarlier: entry.breachMarkedEarlier === true,
        ...(entry.breachRetracted !== undefined ? { breachRetracted: entry.breachRetracted } : {}), trtClass: record.trt?.class, elapsedMs: record.elapsedMs,
      };
    }
    if (response.unsent ? record.state !== 'accepted' || entry.egressEntry !== undefined : record.state !== 'accepted' && record.state !== 'forwarded') return { outcome: 'unknown' };
    const breachMarkedEarlier = record.breached === true;
    entry.breachMarkedEarlier = breachMarkedEarlier;
    // Marked (if it was) at its deadline, or SMETS1's final check after its overdue one (as respond-batch.lua has it).
    const markedAt = record.trt && (entry.breachFinalAt ?? record.trt.startsAt + record.trt.budgetMs);
    const { elapsedMs, breached, breachRetracted } = judgeResponse(record, response.at, response.wanMs, markedAt);
    entry.breachRetracted = breachRetracted;
    const responseId = responseIdFor(response.requestId);
    // The response decides what overdue left open; a breach it reveals gets its alert now.
    delete record.overdue;
    if (breached && !breachMarkedEarlier) state.appendOutbox(record.originatorId, trtAlert(response.requestId, record.trt?.deadline ?? response.at));
    Object.assign(record, { state: 'responded', respondedAt: response.at, responseCode: response.responseCode, responseId, breached });
    if (elapsedMs !== undefined) record.elapsedMs = elapsedMs;
    if (response.wanMs !== undefined) record.wanMs = response.wanMs;
    if (entry.egressEntry) state.egress.get(record.destination)?.delete(entry.egressEntry);
    entry.egressEntry = undefined;
    state.appendOutbox(record.originatorId, {
      kind: 'response', requestId: response.requestId, responseId, responseCode: response.responseCode, body: responseBody(response, record),
    });
    return { outcome: 'recorded', breached, breachMarkedEarlier, ...(breachRetracted !== undefined ? { breachRetracted } : {}), trtClass: record.trt?.class, elapsedMs };
  }
}
