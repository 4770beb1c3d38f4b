import { createHash, randomBytes } from 'node:crypto';
import {
  ACCESS_CONTROL_BROKER, checkAgainstDevice, checkAgainstUser, refuse, routeFor, SIGNED_LEG_VARIANTS, trtBudget, trtClassFor,
  type CompiledPolicy, type Generation, type Refusal, type ServiceRequest, type SrvDefinition, type TrtBudget,
} from '@dccrouter/domain';
import {
  quarantineRef, StateUnavailableError,
  type Acceptance, type AcceptanceResult, type BreachKind, type Leg, type NewOutboxItem, type QuarantineInfo, type RequestRecord, type RequestState, type StateStore,
} from '@dccrouter/state';
import { decodeSignatureHeader, type SignatureVerifier } from '../auth/verifier.ts';
import { decodeRequest, type RequestFormat } from '../decode/index.ts';
import { serveNonDevice } from '../non-device/index.ts';
import type { Logger } from '../log/index.ts';
import type { ThresholdAnomalyDetection } from '../tad/index.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';
import { acknowledgementAnswer, refusalAnswer, type Acknowledgement, type Answer } from './answers.ts';
import { localCommandFor, preCommandFor } from './commands.ts';

export type { Answer } from './answers.ts';

export interface PipelineDeps {
  store: StateStore;
  verifier: SignatureVerifier;
  policy: CompiledPolicy;
  budgets: TrtBudgetTable;
  verifySignatures: boolean;
  trackTrt: boolean;
  maxInflight: number;
  /** Threshold Anomaly Detection; absent when switched off. */
  tad?: ThresholdAnomalyDetection;
  quarantineTtlMs: number;
  log: Logger;
  now?: () => number;
}

/** One submitted request as the edge hands it over: raw bytes, before any parsing. */
export interface Submission {
  format: RequestFormat;
  body: Uint8Array;
  signature: string | undefined;
}

function legOf(commandVariant: number): Leg {
  if (commandVariant === 4) return 'transform';
  return SIGNED_LEG_VARIANTS.has(commandVariant) ? 'signed' : 'single';
}

/** Local delivery only (CV 2 and 6) is answered at once with the command to deliver. */
const LOCAL_ONLY_VARIANTS: ReadonlySet<number> = new Set([2, 6]);
const BOTH_DELIVERY_VARIANTS: ReadonlySet<number> = new Set([3, 7]);

interface Anomaly {
  breach: BreachKind;
  action: 'quarantined' | 'deleted' | 'detected';
  detail: string;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/**
 * The request path, in the contract's order: decode, look up, authenticate, replay, validate,
 * decide, record, answer. Every refusal happens before the one write, so a refused request
 * changes nothing; the write itself is atomic and idempotent.
 */
export class ServiceRequestPipeline {
  private inflight = 0;
  private readonly now: () => number;

  constructor(private readonly deps: PipelineDeps) {
    this.now = deps.now ?? Date.now;
  }

  get inflightCount(): number {
    return this.inflight;
  }

  /**
   * Admission control, called by the edge before it reads a body: false means refuse with 503
   * overloaded. An admitted caller must `release` the same count once its answers are sent.
   */
  admit(count = 1): boolean {
    if (this.inflight + count > this.deps.maxInflight || this.deps.verifier.depth + count > this.deps.maxInflight) return false;
    this.inflight += count;
    return true;
  }

  release(count = 1): void {
    this.inflight -= count;
  }

  /**
   * One individually signed request of a batch or a gRPC call: rows 1 and 2 judged on the item
   * itself, then the pipeline. The caller has admitted it.
   */
  submitItem(item: { format: RequestFormat | undefined; body: Uint8Array; signature: string | undefined }, maxBodyBytes: number): Promise<Answer> {
    if (!item.format) return Promise.resolve(unsupportedMediaType());
    if (item.body.byteLength > maxBodyBytes) return Promise.resolve(tooLarge(maxBodyBytes));
    return this.submit({ format: item.format, body: item.body, signature: item.signature });
  }

  /** Runs one admitted submission through the pipeline. */
  async submit(submission: Submission): Promise<Answer> {
    let requestIdText: string | undefined;
    try {
      const decoded = decodeRequest(submission.format, submission.body);
      if (!decoded.ok) return refusalAnswer(decoded.refusal);
      requestIdText = decoded.value.requestIdText;
      return await this.process(decoded.value, submission);
    } catch (error) {
      if (error instanceof Refused) return refusalAnswer(error.refusal, requestIdText, this.now());
      if (error instanceof StateUnavailableError) {
        return refusalAnswer(refuse('state_unavailable', `the state store is unreachable, nothing was accepted: ${error.message}`), requestIdText, this.now());
      }
      throw error;
    }
  }

  private async process(request: ServiceRequest, submission: Submission): Promise<Answer> {
    const { store, policy } = this.deps;
    const { requestId, requestIdText, commandVariant } = request;
    const leg = legOf(commandVariant);
    const deviceId = requestId.targetId === ACCESS_CONTROL_BROKER ? undefined : requestId.targetId;
    const context = await store.loadContext(requestId.originatorId, deviceId, requestIdText, leg);

    // Row 4, then row 5: only a registered User has a key to check the signature against.
    const user = context.user;
    if (!user) throw new Refused(refuse('unknown_user', `originator ${requestId.originatorId} is not a registered User`));
    await this.authenticate(user.publicKeyPem, submission);

    // A byte-identical resubmission of an acknowledged leg gets its original answer.
    const bodyHash = createHash('sha256').update(submission.body).digest('hex');
    if (context.leg?.bodyHash === bodyHash) return { ...context.leg.answer, outcome: 'replayed' };

    // Rows 6 to 12, then 13 to 17 for device requests.
    const now = this.now();
    const checked = checkAgainstUser(request, user, now);
    if (!checked.ok) throw new Refused(checked.refusal);
    const { srv } = checked;
    const device = srv.nonDevice ? undefined : context.device;
    if (!srv.nonDevice) {
      const refusal = checkAgainstDevice(request, srv, checked.eligibleRoles, device, policy);
      if (refusal) throw new Refused(refusal);
    }
    // Rows 18 and 19 are judged here for a clear early answer and again, atomically, when recording.
    if (leg === 'signed' && context.transformLeg?.srv !== srv.srv) throw new Refused(transformLegMissing(request));
    if (context.leg) throw new Refused(requestIdReused(request));

    // Decide: route, TRT budget and the command variant's answer.
    const route = routeFor(srv, device);
    const executionDateTime = leg === 'signed' ? context.transformLeg?.executionDateTime : request.executionDateTime;
    const trtClass = trtClassFor(srv, commandVariant, route.generation);
    const trt: TrtBudget | undefined = trtClass && trtBudget(trtClass, this.deps.budgets.current(), now, executionDateTime);
    const ack: Acknowledgement = { requestId: requestIdText, responseCode: 'I99', respondedAt: now, route, trt };
    let state: RequestState = 'accepted';
    const { anomaly, undoCount } = srv.nonDevice ? {} : await this.detectAnomaly(request, srv, leg, route.generation, now);
    let quarantine: QuarantineInfo | undefined;
    if (anomaly?.action === 'quarantined') {
      quarantine = { ref: quarantineRef(requestIdText, randomBytes(8).toString('hex')), breach: anomaly.breach, expiresAt: now + this.deps.quarantineTtlMs };
      ack.quarantine = { ref: quarantine.ref, breach: quarantine.breach };
      // The TRT clock starts at release.
      ack.trt = undefined;
      state = 'quarantined';
    } else if (anomaly?.action === 'deleted') {
      ack.deleted = { breach: anomaly.breach };
      ack.trt = undefined;
      state = 'deleted';
    } else if (srv.nonDevice) {
      const served = await serveNonDevice(request, srv, store);
      if (!served.ok) throw new Refused(served.refusal);
      ack.responseCode = served.responseCode;
      ack.body = served.body;
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
    const answer = acknowledgementAnswer(ack);

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
    // CV 3 and 7 go over the WAN and are also delivered locally: the local command comes with the response.
    if (BOTH_DELIVERY_VARIANTS.has(commandVariant)) record.responseExtras = { LocalCommand: localCommandFor(request) };
    const acceptance: Acceptance = {
      leg,
      legRecord: { bodyHash, srv: srv.srv, answer: { status: answer.status, body: answer.body }, executionDateTime: request.executionDateTime },
      record,
    };
    if (state === 'accepted') {
      // The DSP holds a request it may future-date until its ExecutionDateTime; the device holds the rest.
      const heldByDsp = executionDateTime !== undefined && (srv.futureDated === 'dsp' || srv.futureDated === 'dsp+device');
      acceptance.egress = { releaseAt: heldByDsp ? executionDateTime : undefined };
    }
    if (quarantine) acceptance.quarantine = quarantine;
    if (anomaly) acceptance.alert = anomalyAlert(request, anomaly, quarantine?.ref);
    if (ack.trt && this.deps.trackTrt) {
      // SMETS1 is judged on its response, less its WAN time; without one it waits out the WAN allowance.
      const allowance = route.generation === 'SMETS1' ? this.deps.budgets.current()['smets1.wanAllowance'] : 0;
      acceptance.breachCheckAt = ack.trt.deadline + allowance;
    }
    let result: AcceptanceResult;
    try {
      result = await store.recordAcceptance(requestIdText, acceptance);
    } catch (error) {
      await undoCount?.().catch(() => undefined);
      throw error;
    }
    // Only acknowledged requests count against thresholds.
    if (result.outcome !== 'recorded') await undoCount?.();
    switch (result.outcome) {
      case 'recorded':
        return answer;
      case 'duplicate':
        return { ...result.answer, outcome: 'replayed' };
      case 'transform_leg_missing':
        throw new Refused(transformLegMissing(request));
      case 'request_id_reused':
        throw new Refused(requestIdReused(request));
    }
  }

  /**
   * Threshold Anomaly Detection for a device request about to be acknowledged. SMETS2+ requests in
   * breach are quarantined; for SMETS1 the DCO only detects count breaches and deletes value
   * breaches. In shadow mode every breach is only reported.
   */
  private async detectAnomaly(
    request: ServiceRequest, srv: SrvDefinition, leg: Leg, generation: Generation | undefined, now: number,
  ): Promise<{ anomaly?: Anomaly; undoCount?: () => Promise<void> }> {
    const tad = this.deps.tad;
    if (!tad) return {};
    // Value limits on the leg that carries the SRV's body; counts once per request, at its last leg.
    const verdict = await tad.judge(request, srv, leg !== 'signed', leg !== 'transform', now);
    if (verdict.kind === 'pass') return { undoCount: verdict.undo };
    if (tad.mode === 'shadow') {
      tad.reportBreach(verdict.breach, 'shadow');
      this.deps.log.warn({ requestId: request.requestIdText, breach: verdict.breach, detail: verdict.detail }, 'TAD breach (shadow mode: not enforced)');
      return {};
    }
    const action = generation === 'SMETS1' ? (verdict.breach === 'value' ? 'deleted' : 'detected') : 'quarantined';
    tad.reportBreach(verdict.breach, action);
    return { anomaly: { breach: verdict.breach, action, detail: verdict.detail } };
  }

  /** Row 5: a valid ECDSA P-256 signature of the exact body bytes by the originator's key. */
  private async authenticate(publicKeyPem: string, submission: Submission): Promise<void> {
    if (!this.deps.verifySignatures) return;
    const signature = decodeSignatureHeader(submission.signature);
    if (!signature) {
      const why = submission.signature ? 'is not base64' : 'is missing';
      throw new Refused(refuse('signature_invalid', `X-DCC-Signature ${why}`));
    }
    const valid = await this.deps.verifier.verify(publicKeyPem, submission.body, signature);
    if (!valid) throw new Refused(refuse('signature_invalid', "X-DCC-Signature is not a valid signature of the body by the originator's key"));
  }
}

export const unsupportedMediaType = () => refusalAnswer(refuse('unsupported_media_type', 'Content-Type must be application/json or application/x-protobuf'));
export const tooLarge = (limit: number) => refusalAnswer(refuse('body_too_large', `body is larger than the limit of ${limit} bytes`));
export const overloaded = (why: string) => refusalAnswer(refuse('overloaded', why));

/** The AD1 dcc alert for the User: which request, which breach, what was done, the event reference. */
function anomalyAlert(request: ServiceRequest, anomaly: Anomaly, ref: string | undefined): NewOutboxItem {
  const body = { alert: 'AD1', QuarantinedRequest: { requestId: request.requestIdText, breach: anomaly.breach, action: anomaly.action, ref, detail: anomaly.detail } };
  return { kind: 'dccAlert', alertCode: 'AD1', requestId: request.requestIdText, body };
}

function transformLegMissing(request: ServiceRequest): Refusal {
  return refuse('transform_leg_missing', `no CV 4 leg of RequestID ${request.requestIdText} for SRV ${request.serviceReferenceVariant}`);
}

function requestIdReused(request: ServiceRequest): Refusal {
  return refuse('request_id_reused', `RequestID ${request.requestIdText} was already used with a different body`);
}
