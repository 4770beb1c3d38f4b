import { createHash } from 'node:crypto';
import {
  ACCESS_CONTROL_BROKER, checkAgainstDevice, withCplStatus, type CplIndex, checkAgainstUser, refuse, routeFor, SIGNED_LEG_VARIANTS,
  type CompiledPolicy, type DuisWebService, type Generation, type Refusal, type ServiceRequest, type SrvDefinition, type User,
} from '@dccrouter/domain';
import {
  isHeldBack, StateUnavailableError, type ReplicasShort,
  type Acceptance, type AcceptanceResult, type BreachKind, type Leg, type RequestContext,
  type RequestState, type StateStore,
} from '@dccrouter/state';
import { checkBodySignature, checkXmlSignature } from '../auth/authenticate.ts';
import type { SignatureVerifier } from '../auth/verifier.ts';
import { decodeRequest, mediaTypeOf, type RequestFormat } from '../decode/index.ts';
import { decodeXmlRequest } from '../duis-xml/request.ts';
import type { XmlSignature } from '../duis-xml/signature.ts';
import { applyNonDeviceEffect, serveNonDevice, STATE_CHANGING_NON_DEVICE } from '../non-device/index.ts';
import { traced } from '../tracing/index.ts';
import { LOOK_AGAIN_GAPS_MS, retryAfterGaps } from '../background/index.ts';
import { throttledWarn, type Logger } from '../log/index.ts';
import type { Directory } from '../directory/index.ts';
import { inExcess, type TadPlan, type ThresholdAnomalyDetection } from '../tad/index.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';
import type { DirectEgress } from '../egress/index.ts';
import type { RouterMetrics, Transport } from '../metrics/index.ts';
import { refusalAnswer, type Answer } from './answers.ts';
import { decide, type Anomaly, type Decision } from './decide.ts';
import { StageClock } from './stage-clock.ts';

export type { Answer } from './answers.ts';

export interface PipelineDeps {
  store: StateStore;
  directory: Directory;
  verifier: SignatureVerifier;
  policy: CompiledPolicy;
  budgets: TrtBudgetTable;
  /** The Central Products List: a device of a model off it is served as Suspended. */
  cpl: { index(): CplIndex };
  verifySignatures: boolean;
  trackTrt: boolean;
  maxInflight: number;
  /** Threshold Anomaly Detection; absent when switched off. */
  tad?: ThresholdAnomalyDetection;
  quarantineTtlMs: number;
  log: Logger;
  /** This router's own networks: a request for one of them is handed over once recorded, not queued. */
  egress?: DirectEgress;
  now?: () => number;
}

/** How a transport names a submission's signature and content type, for the refusals that name them. */
export interface FieldNames {
  signature: string;
  contentType: string;
}

const HTTP_FIELDS: FieldNames = { signature: 'X-DCC-Signature', contentType: 'Content-Type' };
const XML_MEDIA_TYPES = new Set(['application/xml', 'text/xml', 'application/soap+xml']);

/** One submitted request as the edge hands it over: raw bytes, before any parsing. */
export interface Submission {
  format: RequestFormat;
  body: Uint8Array;
  signature: string | undefined;
  /** HTTP's names (X-DCC-Signature, Content-Type) unless given. */
  fieldNames?: FieldNames;
  /**
   * Set only by the edge, once it has verified a batch's signature (X-DCC-Batch-Signature) over
   * bytes that contain this body: the User who signed it. The item's own signature check is then
   * replaced by "its originator is that User" (row 5 otherwise). Never taken from the client.
   */
  authenticatedAs?: string;
  /** Set only by the DSP scheduler: this request is an occurrence of that schedule (its TRT is the scheduled one). */
  scheduleId?: number;
  /** With scheduleId: the occurrence's scheduled time (epoch ms), when its TRT starts however late it runs. */
  scheduledAt?: number;
  /** For format `xml`: the DUIS web service it was sent to (row 10 when its command variant is not one it takes). */
  webService?: DuisWebService;
}

/**
 * A DUIS XML request's authentication: the signature read from its document (a string says what
 * is wrong with it; undefined, none: row 5), and whether its sender has passed the check (set by process).
 */
type XmlAuthentication = { signature: XmlSignature | string | undefined; senderAuthenticated?: true };

function legOf(commandVariant: number): Leg {
  if (commandVariant === 4) return 'transform';
  return SIGNED_LEG_VARIANTS.has(commandVariant) ? 'signed' : 'single';
}

/** A breach found on the request path, and what it does (nothing in shadow mode). */
interface Breach {
  breach: BreachKind;
  detail: string;
  enforced?: Anomaly;
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
  /** Where requests wait, step by step (exposed as metrics). */
  readonly stages = new StageClock();
  /**
   * The store's own words (its address, its error) go to the operators' log, throttled (an outage
   * refuses every request), not to Users: their answers say what happened and what to do.
   */
  private readonly storeTrouble: (error: StateUnavailableError) => void;
  private readonly replicasBehind: (short: ReplicasShort) => void;
  /** Shadow mode's breaches, logged once per User and kind an interval: a flood is one line and a count, not a line a request. */
  private readonly shadowBreach: (key: string, fields: Record<string, unknown>, message: string) => void;

  constructor(private readonly deps: PipelineDeps) {
    this.now = deps.now ?? Date.now;
    const warn = throttledWarn(deps.log);
    this.storeTrouble = (error) => warn('store', { err: error }, 'the state store failed a request');
    this.replicasBehind = (short) => warn('replicas', { ...short }, 'Redis replicas did not confirm acceptances in time (REDIS_WAIT_REPLICAS): answered outcome_unknown');
    this.shadowBreach = throttledWarn(deps.log);
  }

  get inflightCount(): number {
    return this.inflight;
  }

  /** How many more `admit` would take now. */
  get room(): number {
    return Math.max(0, this.deps.maxInflight - Math.max(this.inflight, this.deps.verifier.depth));
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
  submitItem(
    item: { format: RequestFormat | undefined; contentType?: string; body: Uint8Array; signature: string | undefined; fieldNames?: FieldNames; authenticatedAs?: string; malformed?: string },
    maxBodyBytes: number,
  ): Promise<Answer> {
    if (item.malformed) return Promise.resolve(refusalAnswer(refuse('malformed_request', item.malformed)));
    if (!item.format) return Promise.resolve(unsupportedMediaType(item.contentType, item.fieldNames));
    if (item.body.byteLength > maxBodyBytes) return Promise.resolve(tooLarge(maxBodyBytes));
    return this.submit({ format: item.format, body: item.body, signature: item.signature, fieldNames: item.fieldNames, authenticatedAs: item.authenticatedAs });
  }

  /** Runs one admitted submission through the pipeline: a `service-request` span when tracing is on. */
  submit(submission: Submission): Promise<Answer> {
    return traced('service-request', { 'dcc.format': submission.format }, () => this.run(submission), (answer) => ({ 'dcc.outcome': answer.outcome, 'http.status_code': answer.status }));
  }

  private async run(submission: Submission): Promise<Answer> {
    // The TRT runs from the request's receipt (the reference's "receipt of the request"), not from
    // when its signature check and lookups are done: under load those wait in queues.
    const receivedAt = this.now();
    let requestIdText: string | undefined;
    try {
      if (submission.format === 'xml') {
        // DUIS XML: decoded to the same request the JSON path produces, with its enveloped signature.
        const decoded = decodeXmlRequest(submission.body, submission.webService ?? 'S');
        if (!decoded.ok) return refusalAnswer(decoded.refusal);
        const { request } = decoded.value;
        requestIdText = request.requestIdText;
        const about = { serviceReference: request.serviceReference, serviceReferenceVariant: request.serviceReferenceVariant };
        const xml: XmlAuthentication = { signature: decoded.value.signature };
        const answer = await this.process(request, submission, receivedAt, xml).catch((error) => this.refusalOf(error, requestIdText));
        // The router signs its XML answer: it names the request only for a sender who is who it claims (xmlAnswer).
        return { ...answer, about, ...(xml.senderAuthenticated ? { senderAuthenticated: true as const } : {}) };
      }
      const decoded = decodeRequest(submission.format, submission.body);
      if (!decoded.ok) return refusalAnswer(withFormatHint(decoded.refusal, submission));
      requestIdText = decoded.value.requestIdText;
      return await this.process(decoded.value, submission, receivedAt);
    } catch (error) {
      return this.refusalOf(error, requestIdText);
    }
  }

  /** A request's refusal (Refused), or its 503 for a store that failed before anything was accepted; anything else thrown on. */
  private refusalOf(error: unknown, requestIdText: string | undefined): Answer {
    if (error instanceof Refused) return refusalAnswer(error.refusal, requestIdText, this.now());
    if (error instanceof StateUnavailableError) {
      this.storeTrouble(error);
      const why = error.refused ? `the state store is refusing writes: ${error.refused}` : 'the state store is unreachable';
      return refusalAnswer(refuse('state_unavailable', `${why}, nothing was accepted`), requestIdText, this.now());
    }
    throw error;
  }

  private async process(request: ServiceRequest, submission: Submission, receivedAt: number, xml?: XmlAuthentication): Promise<Answer> {
    const { store, policy } = this.deps;
    const { requestId, requestIdText, commandVariant } = request;
    const leg = legOf(commandVariant);
    const deviceId = requestId.targetId === ACCESS_CONTROL_BROKER ? undefined : requestId.targetId;
    // The User and device come from the in-process directory: no store round trip when cached.
    let at = performance.now();
    const user = await this.deps.directory.user(requestId.originatorId);
    at = this.stages.lap('user', at);

    // A batch signed once vouches only for its signer's requests: any other originator, registered
    // or not, is row 5 (the contract's rule for such a batch, before row 4's).
    const { authenticatedAs } = submission;
    if (authenticatedAs !== undefined && requestId.originatorId !== authenticatedAs) {
      throw new Refused(refuse('signature_invalid', `the item's originator ${requestId.originatorId} is not the batch's signer ${authenticatedAs} (X-DCC-User)`));
    }
    // Row 4, then row 5: only a registered User has a key to check the signature against.
    if (!user) throw new Refused(refuse('unknown_user', `originator ${requestId.originatorId} is not a registered User`));
    await traced('authenticate', { 'dcc.originator': user.userId }, () => this.authenticate(user, submission, xml));
    if (xml) xml.senderAuthenticated = true;
    // 128 bits of SHA-256 tell a retry's bytes from another body's; kept with the request for its retention.
    // DUIS XML is judged by what its signature covers, the canonical SignedInfo (which holds the
    // document's digest): a retry signed afresh, or with other comments, whitespace or KeyInfo, is the same request.
    const signed = xml && typeof xml.signature === 'object' ? xml.signature.signedInfo : submission.body;
    const bodyHash = createHash('sha256').update(signed).digest('base64').slice(0, 22);

    at = this.stages.lap('authenticate', at);

    // The device is looked up after the signature check: a verified batch resumes in one turn, so
    // its cache misses go to the store together. Read beside the check instead, misses went in 50%
    // more MGETs (0.10 against 0.066 a request) for no gain in rate or latency over HTTP. A signed
    // leg needs its transform leg (its SRV and ExecutionDateTime), read alongside.
    const [found, context] = await Promise.all([
      deviceId === undefined ? undefined : this.deps.directory.device(deviceId),
      leg === 'signed' ? store.loadContext(requestIdText, leg) : undefined,
    ]);
    at = this.stages.lap('lookups', at);
    if (context?.leg?.bodyHash === bodyHash) {
      this.unlessReplicasShort(await this.replicasShortOf(requestIdText));
      return { ...context.leg.answer, outcome: 'replayed' };
    }

    // Rows 6 to 12, then 13 to 17 for device requests. A refused request may be a byte-identical
    // retry of one acknowledged before the rows changed: it gets its original answer.
    const now = this.now();
    const checked = checkAgainstUser(request, user, now);
    if (!checked.ok) return this.refuseUnlessReplay(checked.refusal, request, leg, bodyHash, context);
    const { srv } = checked;
    // As the Central Products List lets it be served (Suspended when its model or version is off it).
    const device = srv.nonDevice || !found ? undefined : withCplStatus(found, this.deps.cpl.index());
    if (!srv.nonDevice) {
      const refusal = checkAgainstDevice(request, srv, checked.eligibleRoles, device, policy);
      if (refusal) return this.refuseUnlessReplay(refusal, request, leg, bodyHash, context);
    }
    // Rows 18 and 19 for a signed leg are judged early from what was read, and again atomically when recording.
    if (context && context.transformLeg?.srv !== srv.srv) throw new Refused(transformLegMissing(request));
    if (isHeldBack(context?.transformState)) throw new Refused(transformLegMissing(request, context!.transformState));
    if (context?.leg) throw new Refused(requestIdReused(request));

    const route = routeFor(srv, device);
    const executionDateTime = leg === 'signed' ? context?.transformLeg?.executionDateTime : request.executionDateTime;
    const decision: Decision = {
      request, user, scheduleId: submission.scheduleId, scheduledAt: submission.scheduledAt, srv, leg, route, bodyHash, now, receivedAt, executionDateTime,
      command: context?.transformCommand, firmwareVersion: srv.srv === '11.3' ? device?.pendingFirmwareVersion : undefined,
    };
    if (srv.nonDevice) {
      // Served by the router: its own judgement (its body, the schedule it names) may refuse it,
      // unless it is a byte-identical resubmission of one acknowledged. A state-changing one found
      // recorded is not served again: the record step answers it.
      const earlier = STATE_CHANGING_NON_DEVICE.has(srv.srv) ? (await store.loadContext(requestIdText, leg)).leg : undefined;
      if (!earlier) {
        const served = await serveNonDevice(request, srv, user, now, this.deps);
        if (!served.ok) return this.refuseUnlessReplay(served.refusal, request, leg, bodyHash, context);
        decision.served = served;
      }
    }
    // A SMETS1 request in excess goes on (the DCO only detects a count breach), so it counts; a
    // quarantined one does not.
    const evenInExcess = route.generation === 'SMETS1';
    const planned = srv.nonDevice ? undefined : this.planAnomalyDetection(request, srv, leg, evenInExcess, now);
    // Usually judged at once: awaiting a value that is no promise would still cost a turn.
    const plan = planned instanceof Promise ? await planned : planned;
    // A breach is counted (and, in shadow mode, logged) only once its request is recorded: a retry of a quarantined one is not another.
    let breach = plan?.kind === 'breach' ? this.anomalyFor(plan.breach, plan.detail, route.generation) : undefined;
    // A breach carries counts only when counted in excess.
    const undoCount = plan?.undo;
    const userCount = plan?.user;

    let result: AcceptanceResult;
    let acceptance: Acceptance;
    let answer: Answer;
    let userBreached = false;
    try {
      ({ acceptance, answer } = decide(decision, breach?.enforced, userCount, this.deps));
      at = this.stages.lap('decide', at);
      result = await this.record(requestIdText, acceptance, leg, bodyHash);
      this.stages.lap('record', at);
      if (result.outcome === 'over_limit' && userCount) {
        // Over the User's threshold: nothing was recorded; record it held back, uncounted (or, for
        // SMETS1, detected and counted all the same).
        userBreached = true;
        this.deps.tad!.reportUsage('user', userCount.rules, result.counts);
        breach = this.anomalyFor('user', this.deps.tad!.userBreach(userCount, result.breached), route.generation);
        ({ acceptance, answer } = decide(decision, breach.enforced, evenInExcess ? inExcess(userCount) : undefined, this.deps));
        result = await this.record(requestIdText, acceptance, leg, bodyHash);
      }
    } catch (error) {
      // A write that may have landed keeps its count, unless it was one held back uncounted (in
      // excess of the User's threshold): its resubmission, found recorded, counts nothing. One too
      // many (a write that did not land) is bounded by the store's failures; one too few would let
      // a flood through them.
      const mayHaveCounted = error instanceof Refused && error.refusal.reason === 'outcome_unknown' && !(userBreached && !evenInExcess);
      if (!mayHaveCounted) undoCount?.();
      throw error;
    }
    if (result.outcome === 'recorded' && result.counts && userCount) this.deps.tad!.reportUsage('user', userCount.rules, result.counts);
    if (breach && (result.outcome === 'recorded' || result.outcome === 'landed')) this.reportBreach(breach, request);
    // Only acknowledged requests count against thresholds (this one's if it landed), and one held back in excess of a scope counts in none.
    if ((result.outcome !== 'recorded' && result.outcome !== 'landed') || (userBreached && !evenInExcess)) undoCount?.();
    switch (result.outcome) {
      // Recorded on the master whatever its replicas say: its effect is applied (a resubmission
      // completes only what its first attempt left undone) and its network gets it; only the
      // answer waits for them.
      case 'recorded':
        await this.applyEffect(request, srv.srv, answer, now);
        this.handOverIfLeased(acceptance);
        this.unlessReplicasShort(result.replicasShort);
        return answer;
      case 'landed':
        await this.applyEffect(request, srv.srv, result.answer, now);
        // Leased to this process by the write that landed: nobody else sends it before the lease
        // ends (a concurrent identical retry's own send is a repeat, which the network drops).
        this.handOverIfLeased(acceptance);
        this.unlessReplicasShort(result.replicasShort);
        return { ...result.answer, outcome: 'replayed' };
      case 'duplicate':
        await this.applyEffect(request, srv.srv, result.answer, now);
        this.unlessReplicasShort(result.replicasShort);
        return { ...result.answer, outcome: 'replayed' };
      case 'transform_leg_missing':
        throw new Refused(transformLegMissing(request));
      case 'request_id_reused':
        throw new Refused(requestIdReused(request));
      case 'over_limit':
        // Only a counted acceptance answers it, and the second recording above counts nothing.
        throw new Error(`over_limit for ${requestIdText} recorded without a count`);
    }
  }

  /**
   * A recorded state-changing non-device request (STATE_CHANGING_NON_DEVICE) changes state only now (applyNonDeviceEffect), and again for a
   * retry that finds it recorded, so a change cut off after the record is completed by the retry.
   * Cut off here, the request stands recorded: the client is told to resubmit, not that nothing was accepted.
   */
  private async applyEffect(request: ServiceRequest, srv: string, answer: { body: string }, now: number): Promise<void> {
    if (!STATE_CHANGING_NON_DEVICE.has(srv)) return;
    try {
      const answered = JSON.parse(answer.body) as { header?: { responseDateTime?: string }; body?: Record<string, unknown> };
      // When the request was first answered: the same for a retry that applies it again.
      const parsed = Date.parse(answered.header?.responseDateTime ?? '');
      const answeredAt = Number.isNaN(parsed) ? now : parsed;
      // Answered by this attempt (its own time), or by an earlier one: then only what that left
      // undone. An answer whose time cannot be read is taken as an earlier one's (the checks run).
      const again = Number.isNaN(parsed) || parsed !== Math.floor(now);
      await applyNonDeviceEffect(request, srv, answered.body, now, this.deps, answeredAt, again);
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
      this.storeTrouble(error);
      throw new Refused(refuse('outcome_unknown', 'the request is recorded but the state store did not confirm what it changes; resubmit the same bytes to complete it'));
    }
  }

  /** Route: a request recorded as handed over goes to this process's own network now, not through its queue. */
  private handOverIfLeased(acceptance: Acceptance): void {
    const forwardedAt = acceptance.egress?.forwardedAt;
    if (forwardedAt !== undefined) this.deps.egress!.handOver({ destination: acceptance.record.destination, entryId: '', record: { ...acceptance.record, state: 'forwarded', forwardedAt } });
  }

  /**
   * A write answered `outcome_unknown` may still land, leased to this process for its hand-over:
   * nobody else sends it before the lease's redelivery delay (30 s by default, a SMETS2+
   * request's whole TRT), and a resubmission only replays its answer. So it is looked up again a
   * few times over the next seconds and sent once it shows recorded by this write (see
   * recordedByThisWrite). Never seen, the lease's expiry sends it.
   */
  private handOverIfItLands(requestIdText: string, acceptance: Acceptance, leg: Leg, bodyHash: string, unconfirmed: StateUnavailableError): void {
    if (acceptance.egress?.forwardedAt === undefined) return;
    retryAfterGaps(LOOK_AGAIN_GAPS_MS, async () => {
      const context = await this.deps.store.loadContext(requestIdText, leg);
      if (!context.leg) return false;
      if (context.leg.bodyHash !== bodyHash || !await recordedByThisWrite(unconfirmed, acceptance)) return true;
      // Egress stopped (or at its cap of hand-overs): the lease's expiry sends it instead.
      if (this.deps.egress?.takesNow(acceptance.record.destination)) this.handOverIfLeased(acceptance);
      return true;
    });
  }

  /**
   * The one write. When it was sent but not confirmed (a timeout, a dropped connection), the
   * RequestID is looked up again: recorded with this body, the recorded answer stands, and the
   * store tells whether this write recorded it (landed: this router hands it over) or an identical
   * copy from another router did (duplicate: that router sends it); a store that cannot tell has
   * it taken as landed (sent again, its network drops the repeat). Absent,
   * the write may still be waiting in Redis (writes paused for a failover let reads pass them), so
   * nothing can be promised either way: like an unreadable lookup, that is `outcome_unknown`, and
   * the client resubmits the same bytes, which get the recorded answer or are recorded then.
   */
  private async record(requestIdText: string, acceptance: Acceptance, leg: Leg, bodyHash: string): Promise<AcceptanceResult> {
    try {
      const result = await traced('record', { 'dcc.request_id': requestIdText, 'dcc.destination': acceptance.record.destination },
        () => this.deps.store.recordAcceptance(requestIdText, acceptance), (recorded) => ({ 'dcc.record_outcome': recorded.outcome }));
      return result;
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
      if (!error.unconfirmed) return this.recordedBefore(requestIdText, leg, bodyHash, error);
      let context: RequestContext;
      try {
        context = await this.deps.store.loadContext(requestIdText, leg);
      } catch {
        this.handOverIfItLands(requestIdText, acceptance, leg, bodyHash, error);
        this.storeTrouble(error);
        throw new Refused(refuse('outcome_unknown', 'the state store did not confirm the write and could not be asked again; resubmit the same bytes'));
      }
      if (context.leg?.bodyHash === bodyHash) {
        const outcome = await recordedByThisWrite(error, acceptance) ? 'landed' : 'duplicate';
        const replicasShort = await this.replicasShortOf(requestIdText);
        if (replicasShort !== 'not asked') return { outcome, answer: context.leg.answer, replicasShort };
        if (outcome === 'landed') this.handOverIfLeased(acceptance);
        this.unlessReplicasShort(replicasShort);
      }
      if (context.leg) return { outcome: 'request_id_reused' };
      this.handOverIfItLands(requestIdText, acceptance, leg, bodyHash, error);
      this.storeTrouble(error);
      throw new Refused(refuse('outcome_unknown', 'the state store did not confirm the write and it is not visible yet; resubmit the same bytes'));
    }
  }

  /**
   * A write the store refused ran nothing (out of memory, read-only, too few replicas), but an
   * earlier attempt's record stands: a resubmission gets its answer, or row 19 for other bytes, as
   * the write would have answered (reads still pass). `state_unavailable` says nothing was
   * recorded, so it is answered only when nothing was, or the lookup fails too.
   */
  private async recordedBefore(requestIdText: string, leg: Leg, bodyHash: string, refused: StateUnavailableError): Promise<AcceptanceResult> {
    let context: RequestContext;
    try {
      context = await this.deps.store.loadContext(requestIdText, leg);
    } catch {
      throw refused;
    }
    if (!context.leg) throw refused;
    if (context.leg.bodyHash !== bodyHash) return { outcome: 'request_id_reused' };
    const replicasShort = await this.replicasShortOf(requestIdText);
    if (replicasShort === 'not asked') throw refused;
    return { outcome: 'duplicate', answer: context.leg.answer, replicasShort };
  }

  /**
   * Not acknowledged while fewer replicas than REDIS_WAIT_REPLICAS hold it: a failover could lose
   * it. outcome_unknown tells the client to resubmit the same bytes, which get the recorded answer
   * once the replicas have it (or, should the master be lost meanwhile, are recorded anew).
   */
  private unlessReplicasShort(short: ReplicasShort | 'not asked' | undefined): void {
    if (!short) return;
    if (short === 'not asked') {
      throw new Refused(refuse('outcome_unknown', 'recorded, but whether the Redis replicas required hold it could not be asked, so it is not acknowledged yet; resubmit the same bytes'));
    }
    this.replicasBehind(short);
    throw new Refused(refuse('outcome_unknown', `recorded, but ${short.confirmed} of the ${short.wanted} Redis replicas required confirmed it within ${short.waitedMs} ms, so it is not acknowledged yet; resubmit the same bytes`));
  }

  /** For an answer made from a record found rather than written: whether the replicas the store requires hold it ('not asked' when the store could not tell). */
  private async replicasShortOf(requestIdText: string): Promise<ReplicasShort | 'not asked' | undefined> {
    try {
      return await this.deps.store.replicasShortOf?.(requestIdText);
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
      this.storeTrouble(error);
      return 'not asked';
    }
  }

  /** A refusal of rows 6 to 17, unless the RequestID's same leg was acknowledged with these very bytes. */
  private async refuseUnlessReplay(refusal: Refusal, request: ServiceRequest, leg: Leg, bodyHash: string, context: RequestContext | undefined): Promise<Answer> {
    const recorded = context ?? await this.deps.store.loadContext(request.requestIdText, leg);
    if (recorded.leg?.bodyHash !== bodyHash) throw new Refused(refusal);
    // A state-changing non-device request cut off after its record is completed by this resubmission too.
    await this.applyEffect(request, request.serviceReferenceVariant, recorded.leg.answer, this.now());
    this.unlessReplicasShort(await this.replicasShortOf(request.requestIdText));
    return { ...recorded.leg.answer, outcome: 'replayed' };
  }

  /** Threshold Anomaly Detection's plan for a device request about to be acknowledged; undefined when switched off. */
  private planAnomalyDetection(request: ServiceRequest, srv: SrvDefinition, leg: Leg, evenInExcess: boolean, now: number): TadPlan | Promise<TadPlan> | undefined {
    // Value limits on the leg that carries the SRV's body; counts once per request, at its last leg.
    return this.deps.tad?.plan(request, srv, leg !== 'signed', leg !== 'transform', evenInExcess, now);
  }

  /**
   * What a breach does: SMETS2+ requests are quarantined; for SMETS1 the DCO only detects count
   * breaches and deletes value breaches. In shadow mode nothing is enforced (it is only counted and logged).
   */
  private anomalyFor(breach: BreachKind, detail: string, generation: Generation | undefined): Breach {
    if (this.deps.tad!.mode === 'shadow') return { breach, detail };
    const action = generation === 'SMETS1' ? (breach === 'value' ? 'deleted' : 'detected') : 'quarantined';
    return { breach, detail, enforced: { breach, action, detail } };
  }

  /** Counted once its request is recorded (a replay of it is not another breach). */
  private reportBreach({ breach, detail, enforced }: Breach, request: ServiceRequest): void {
    this.deps.tad!.reportBreach(breach, enforced?.action ?? 'shadow');
    if (enforced) return;
    const { originatorId } = request.requestId;
    this.shadowBreach(`${breach}:${originatorId}`, { breach, detail, originatorId, requestId: request.requestIdText }, 'TAD breach (shadow mode: not enforced)');
  }

  /**
   * Row 5: the request's signature checked (auth/authenticate.ts), unless signatures are switched
   * off or the submission was authenticated by its batch's signature, whose signer is its
   * originator (checked first, in process()).
   */
  private async authenticate(user: User, submission: Submission, xml?: XmlAuthentication): Promise<void> {
    if (!this.deps.verifySignatures || (xml === undefined && submission.authenticatedAs !== undefined)) return;
    const refusal = xml
      ? await checkXmlSignature(this.deps.verifier, user, xml.signature)
      : await checkBodySignature(this.deps.verifier, user, submission.body, submission.signature, (submission.fieldNames ?? HTTP_FIELDS).signature);
    if (refusal) throw new Refused(refusal);
  }
}

/**
 * An unconfirmed write whose RequestID's leg is seen recorded with its body: whether the write
 * recorded it, as far as its store can tell (otherwise, or when it cannot be asked, taken as so).
 */
async function recordedByThisWrite(unconfirmed: StateUnavailableError, acceptance: Acceptance): Promise<boolean> {
  if (!unconfirmed.recordedBy) return true;
  try {
    return await unconfirmed.recordedBy(acceptance);
  } catch {
    return true;
  }
}

/** Row 1, naming what was given; DUIS XML is pointed to its own web services. */
export function unsupportedMediaType(received: string | undefined, fieldNames: FieldNames = HTTP_FIELDS): Answer {
  const mediaType = mediaTypeOf(received);
  const got = mediaType ? `got "${mediaType}"` : 'none was given';
  const xml = mediaType !== undefined && XML_MEDIA_TYPES.has(mediaType) ? '; DUIS XML goes to POST /api/v1/serviceS, /api/v1/serviceD or /api/v1/serviceT as application/xml' : '';
  return refusalAnswer(refuse('unsupported_media_type', `${fieldNames.contentType} must be application/json or application/x-protobuf, ${got}${xml}`));
}

/** Bytes JSON text may open with before its value: space, tab, line feed, carriage return. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * A body that would not decode in the format its content type named, and that looks like the
 * other one, says so: JSON opens with "{", a protobuf ServiceRequest with its header (field 1,
 * 0x0a) followed by its length, which no JSON text has after a line feed ("{", "[" or space).
 */
function withFormatHint(refusal: Refusal, submission: Submission): Refusal {
  const [first, second] = submission.body;
  const contentType = (submission.fieldNames ?? HTTP_FIELDS).contentType;
  if (submission.format === 'protobuf' && first === 0x7b) {
    return { ...refusal, message: `${refusal.message} (read as protobuf; it looks like JSON: set its ${contentType} to application/json)` };
  }
  if (submission.format === 'json' && first === 0x0a && second !== undefined && second !== 0x7b && second !== 0x5b && !JSON_SPACE.has(second)) {
    return { ...refusal, message: `${refusal.message} (read as JSON; it looks like protobuf: set its ${contentType} to application/x-protobuf)` };
  }
  return refusal;
}
export const tooLarge = (limit: number) => refusalAnswer(refuse('body_too_large', `body is larger than the limit of ${limit} bytes`));
export const overloaded = (why: string) => refusalAnswer(refuse('overloaded', why));
/**
 * Refused while the router drains: answered as the contract's `overloaded` (resubmit elsewhere or
 * later), but counted as `shutting_down`, so that a rolling deploy does not read as saturation.
 */
export const shuttingDown = (): Answer => ({ ...overloaded('the router is shutting down'), outcome: 'shutting_down' });

/**
 * A single request's admission at an edge (HTTP, gRPC): undefined when it holds a place in flight
 * now (to be released), else its 503, counted but kept out of the latency histogram (near-zero
 * refusals would pull its p99 down under overload).
 */
export function admissionRefusal(
  edge: { pipeline: ServiceRequestPipeline; draining: () => boolean; metrics: RouterMetrics },
  transport: Transport,
): Answer | undefined {
  if (!edge.draining() && edge.pipeline.admit()) return undefined;
  const answer = edge.draining() ? shuttingDown() : overloaded('too many requests in flight');
  edge.metrics.count(answer.outcome, transport);
  return answer;
}

/** Row 18: no CV 4 leg for this SRV, or one held back (quarantined or deleted), which gave no Pre-Command to sign. */
function transformLegMissing(request: ServiceRequest, heldAs?: RequestState): Refusal {
  const where = `RequestID ${request.requestIdText} for SRV ${request.serviceReferenceVariant}`;
  if (heldAs) return refuse('transform_leg_missing', `the CV 4 leg of ${where} is ${heldAs}, so it gave no Pre-Command to sign${heldAs === 'quarantined' ? ': the signed leg may follow once it is released' : ''}`);
  return refuse('transform_leg_missing', `no CV 4 leg of ${where}, or one quarantined or deleted`);
}

function requestIdReused(request: ServiceRequest): Refusal {
  return refuse('request_id_reused', `RequestID ${request.requestIdText} was already used with a different body (the same request in another encoding, JSON, protobuf or DUIS XML, is a different body: resend the bytes first sent; a DUIS XML retry may be signed afresh, its signed content the same)`);
}
