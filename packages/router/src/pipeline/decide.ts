import { randomBytes } from 'node:crypto';
import {
  breachCheckTimes, dspHeldUntil, LOCAL_ONLY_VARIANTS, plainAcknowledgement, trtBudget, trtClassFor,
  type Route, type ServiceRequest, type SrvDefinition, type TrtBudget, type User,
} from '@dccrouter/domain';
import {
  quarantineRef, type Acceptance, type BreachKind, type Command, type Leg, type NewOutboxItem, type QuarantineInfo, type RequestRecord, type RequestState,
} from '@dccrouter/state';
import type { DirectEgress } from '../egress/index.ts';
import type { UserCount } from '../tad/index.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';
import { acknowledgementAnswer, type Acknowledgement, type Answer } from './answers.ts';
import { localCommandFor, preCommandFor } from './commands.ts';

const BOTH_DELIVERY_VARIANTS: ReadonlySet<number> = new Set([3, 7]);

/** What Threshold Anomaly Detection does to a request found in breach (enforced; nothing in shadow mode). */
export interface Anomaly {
  breach: BreachKind;
  action: 'quarantined' | 'deleted' | 'detected';
  detail: string;
}

/** What the request path has settled before deciding its acceptance. */
export interface Decision {
  request: ServiceRequest;
  user: User;
  /** An occurrence of this DSP schedule (the scheduler's submission), and its scheduled time. */
  scheduleId?: number;
  scheduledAt?: number;
  srv: SrvDefinition;
  leg: Leg;
  route: Route;
  bodyHash: string;
  now: number;
  /** When the request was received: its TRT starts then (unless scheduled or future-dated). */
  receivedAt: number;
  executionDateTime: number | undefined;
  /** A signed leg's command: its transform leg's body. */
  command?: Command;
  /** 11.3: the version the device's last 11.1 distributed. */
  firmwareVersion?: string;
  /** A non-device request's answer, as the router serves it; none for a resubmission of a state-changing one (the record answers it). */
  served?: { responseCode: 'I0' | 'I99'; body?: Record<string, unknown> };
}

/** What deciding reads of the router's settings. */
export interface DecideSettings {
  budgets: TrtBudgetTable;
  quarantineTtlMs: number;
  trackTrt: boolean;
  /** This router's own networks: a request for one of them is handed over once recorded, not queued. */
  egress?: DirectEgress;
}

/**
 * Decide: the route, TRT budget, the anomaly's consequence and the command variant's answer,
 * and the acceptance that records them in one atomic step. Reads nothing from the store and
 * waits for nothing: what the request path settled before (Decision) is all it needs.
 */
export function decide(decision: Decision, anomaly: Anomaly | undefined, userCount: UserCount | undefined, settings: DecideSettings): { acceptance: Acceptance; answer: Answer } {
  const { request, srv, leg, route, bodyHash, now, executionDateTime } = decision;
  const { requestId, requestIdText, commandVariant } = request;
  // A DSP schedule's occurrence is scheduled traffic (SMETS2+: the scheduled TRT; SMETS1 keeps its budget).
  const trtClass = trtClassFor(srv, commandVariant, route.generation, decision.scheduleId !== undefined);
  // A SMETS2+ schedule's occurrence is timed from its scheduled time (the reference's "24 h from
  // the scheduled time"): a run delayed by a lease, a saturated router or an outage has used part
  // of it. A SMETS1 one keeps its own budget, from when it is sent, as any SMETS1 request.
  const startsAt = trtClass === 'smets2.scheduled' && decision.scheduledAt !== undefined ? decision.scheduledAt : decision.receivedAt;
  const heldUntil = dspHeldUntil(srv, executionDateTime);
  const trt: TrtBudget | undefined = trtClass && trtBudget(trtClass, settings.budgets.current(), startsAt, heldUntil);
  const ack: Acknowledgement = { requestId: requestIdText, responseCode: 'I99', respondedAt: now, route, trt };
  let state: RequestState = 'accepted';
  let quarantine: QuarantineInfo | undefined;
  if (anomaly?.action === 'quarantined') {
    quarantine = { ref: quarantineRef(requestIdText, randomBytes(8).toString('hex')), breach: anomaly.breach, expiresAt: now + settings.quarantineTtlMs };
    ack.quarantine = { ref: quarantine.ref, breach: quarantine.breach };
    // The TRT clock starts at release.
    ack.trt = undefined;
    state = 'quarantined';
  } else if (anomaly?.action === 'deleted') {
    ack.deleted = { breach: anomaly.breach };
    ack.trt = undefined;
    state = 'deleted';
  } else if (srv.nonDevice) {
    if (decision.served) {
      ack.responseCode = decision.served.responseCode;
      ack.body = decision.served.body;
    }
    state = 'responded';
  } else if (commandVariant === 4) {
    ack.responseCode = 'I0';
    ack.body = { PreCommand: preCommandFor(request) };
    state = 'transformed';
  } else if (LOCAL_ONLY_VARIANTS.has(commandVariant)) {
    ack.responseCode = 'I0';
    ack.body = { LocalCommand: localCommandFor(request) };
    state = 'responded';
  }
  // Record: nothing is acknowledged unless the store holds it.
  const record: RequestRecord = {
    requestId: requestIdText,
    originatorId: requestId.originatorId,
    targetId: requestId.targetId,
    srv: srv.srv,
    commandVariant,
    state,
    destination: route.destination,
    generation: route.generation,
    acceptedAt: now,
    trt: ack.trt,
    quarantine,
    responseCode: state === 'responded' ? ack.responseCode : undefined,
    bodyElement: request.bodyElement,
    bodyValue: request.bodyValue,
  };
  // A sequenced service's place in its sequence (DUIS FirstInSequence / PrecedingServiceRequestID), kept with the request.
  if (request.sequence) record.sequence = request.sequence;
  // What the device acts on beyond the body: the signed Pre-Command's content, the image's version.
  if (decision.command !== undefined) record.command = decision.command;
  if (decision.firmwareVersion !== undefined) record.firmwareVersion = decision.firmwareVersion;
  // CV 3 and 7 go over the WAN and are also delivered locally: the local command comes with the response.
  if (BOTH_DELIVERY_VARIANTS.has(commandVariant)) record.responseExtras = { LocalCommand: localCommandFor(request) };
  // The User tells its schedule's results by the schedule's ID.
  if (decision.scheduleId !== undefined) record.responseExtras = { ...record.responseExtras, DSPScheduleID: String(decision.scheduleId) };
  // A plain acknowledgement (the usual answer) is made from the record, so the store can keep a
  // marker for it and make it again from the record when a retry asks.
  const plain = state === 'accepted' && ack.responseCode === 'I99' && ack.trt !== undefined && ack.body === undefined;
  const answer: Answer = plain ? { ...plainAcknowledgement(record), outcome: ack.responseCode } : acknowledgementAnswer(ack);
  const acceptance: Acceptance = {
    leg,
    legRecord: { bodyHash, srv: srv.srv, answer: { status: answer.status, body: answer.body }, executionDateTime: request.executionDateTime },
    record,
  };
  if (plain) acceptance.plainAcknowledgement = true;
  if (state === 'accepted') {
    // The DSP holds a request it may future-date until its ExecutionDateTime; the device holds the rest.
    acceptance.egress = { releaseAt: heldUntil };
    // Its network runs here: sent once recorded, without a trip through its queue (leased in the store meanwhile).
    if (!(heldUntil !== undefined && heldUntil > now) && settings.egress?.takesNow(route.destination)) acceptance.egress.forwardedAt = now;
  }
  if (quarantine) acceptance.quarantine = quarantine;
  if (anomaly) acceptance.alert = anomalyAlert(request, anomaly, quarantine?.ref);
  if (userCount) acceptance.count = userCount.count;
  if (ack.trt && settings.trackTrt) {
    // SMETS1 is judged on its response, less its WAN time: without one it is overdue, then breached at the WAN limit.
    const { checkAt, finalAt } = breachCheckTimes(ack.trt.deadline, route.generation, settings.budgets.current());
    acceptance.breachCheckAt = checkAt;
    if (finalAt !== undefined) acceptance.breachFinalAt = finalAt;
  }
  return { acceptance, answer };
}

/** The AD1 dcc alert for the User: which request, which breach, what was done, the event reference. */
function anomalyAlert(request: ServiceRequest, anomaly: Anomaly, ref: string | undefined): NewOutboxItem {
  // At the body's top, as the contract names them ("an AD1 alert with "action": "detected""): a
  // SMETS1 request detected or deleted was never quarantined.
  const body = { alert: 'AD1', requestId: request.requestIdText, breach: anomaly.breach, action: anomaly.action, ref, detail: anomaly.detail };
  return { kind: 'dccAlert', alertCode: 'AD1', requestId: request.requestIdText, body };
}
