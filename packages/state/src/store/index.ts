import type { Device, Generation, Installation, Route, TrtClass, User, DspSchedule } from '@dccrouter/domain';
import type { WindowCounters, WindowRule } from '../counters/index.ts';

/**
 * The legs a RequestID can have. A critical request is one request in two legs: the CV 4
 * transform and the signed CV 5/6/7 leg; every other request has a single leg.
 */
export type Leg = 'single' | 'transform' | 'signed';

/** The answer given when a leg was acknowledged, replayed verbatim on a byte-identical retry. */
export interface StoredAnswer {
  status: number;
  /** The answer's JSON text. */
  body: string;
}

export interface LegRecord {
  /** SHA-256 (hex) of the exact request body bytes. */
  bodyHash: string;
  srv: string;
  answer: StoredAnswer;
  /** Epoch ms of the leg's ExecutionDateTime (a transform leg passes it on to its signed leg). */
  executionDateTime?: number;
}

export type RequestState =
  | 'accepted' | 'forwarded' | 'responded' | 'delivered' | 'quarantined' | 'deleted' | 'transformed';

/** Held back from its network: quarantined (until released) or deleted. A transform leg so held gave no Pre-Command. */
export function isHeldBack(state: RequestState | undefined): boolean {
  return state === 'quarantined' || state === 'deleted';
}

export interface TrtRecord {
  class: TrtClass;
  budgetMs: number;
  startsAt: number;
  deadline: number;
}

/** What the router knows of an acknowledged request: fixed at acceptance, then its progress. */
export interface RequestRecord {
  requestId: string;
  originatorId: string;
  targetId: string;
  srv: string;
  commandVariant: number;
  state: RequestState;
  destination: string;
  generation?: Generation;
  acceptedAt: number;
  trt?: TrtRecord;
  responseCode?: string;
  /** The body element and its value, as sent on to the network. */
  bodyElement: string;
  bodyValue: unknown;
  /** Progress after acceptance (absent until it happens). */
  forwardedAt?: number;
  respondedAt?: number;
  responseId?: string;
  /** TRT-measured time: response time minus the clock's start, less the WAN share for SMETS1. */
  elapsedMs?: number;
  wanMs?: number;
  breached?: boolean;
  /** SMETS1 past its deadline plus the WAN allowance without a response yet (provisional). */
  overdue?: boolean;
  /** Added to the body of the request's response when it comes (e.g. the local command of CV 3 and 7). */
  responseExtras?: Record<string, unknown>;
  /** Set when Threshold Anomaly Detection held the request back at acceptance. */
  quarantine?: QuarantineInfo;
  /**
   * A signed leg (CV 5, 6, 7): what its transform leg asked (its body element and value), which its
   * signed Pre-Command carries in GBCS (opaque here), for the network's device to act on.
   */
  command?: Command;
  /** 11.3: the firmware version its activation makes the device's own (the one the last 11.1 distributed). */
  firmwareVersion?: string;
  /** A sequenced service's place in its sequence, as the request's header gave it (DUIS FirstInSequence / PrecedingServiceRequestID). */
  sequence?: { firstInSequence?: boolean; precedingRequestId?: string };
  releasedAt?: number;
}

export type BreachKind = 'user' | 'dcc' | 'value';

export interface QuarantineInfo {
  /** The quarantine event reference (see quarantineRef). */
  ref: string;
  breach: BreachKind;
  /** When an unreleased quarantined request is deleted. */
  expiresAt: number;
}

/** What releasing a quarantined request sets: its TRT clock starts at release. */
export interface Release {
  at: number;
  /**
   * The quarantine event it releases: a request held again under another (a released CV 4 leg's
   * signed leg, quarantined in its turn) is not released by the old one's reference.
   */
  ref?: string;
  /**
   * 'accepted' (then forwarded) for a device request; 'transformed' for a critical request's CV 4
   * leg; 'responded' for local delivery (its command goes to the User's outbox).
   */
  state: 'accepted' | 'transformed' | 'responded';
  egress: boolean;
  /** With `egress`: held by the DCC until then (a DSP-held request's ExecutionDateTime still ahead), not queued at once. */
  heldUntil?: number;
  /** Where it goes now, when not where it was routed at acceptance (its device moved while it was held): its record says so from now. */
  route?: Route;
  trt?: TrtRecord;
  breachCheckAt?: number;
  breachFinalAt?: number;
  /** Queued for the originator in the same atomic step (a released CV 4 leg's Pre-Command, a local command). */
  outbox?: NewOutboxItem;
}

/** What a RequestID's earlier legs left in the store. */
export interface RequestContext {
  /** This RequestID's record of the same leg, when one was acknowledged before. */
  leg?: LegRecord;
  /** For a signed leg: the RequestID's transform leg, when there is one. */
  transformLeg?: LegRecord;
  /** For a signed leg not yet recorded: its transform leg's body (what the Pre-Command commands). */
  transformCommand?: Command;
  /** For a signed leg not yet recorded: its transform leg's state (quarantined or deleted, it has no Pre-Command). */
  transformState?: RequestState;
}

/** A request's body element and its value. */
export interface Command {
  element: string;
  value: unknown;
}

export interface Acceptance {
  leg: Leg;
  legRecord: LegRecord;
  record: RequestRecord;
  /** For a request that goes to a network: queued for egress in the same atomic step. */
  egress?: {
    /** A DSP-held future-dated request is released at this time (epoch ms), not before (see claimHeld). */
    releaseAt?: number;
    /**
     * Handed to its network by the caller itself at this time (epoch ms), once recorded: a router
     * whose own network serves the destination skips the queue. Recorded forwarded and leased in
     * the same step; `reclaimEgress` hands it to a consumer when no response has come within its
     * idle time (the caller died before sending, or the network lost it), as for a claimed entry.
     * Set, it wins over releaseAt: what was sent is never held (and sent again) by a store whose clock is behind.
     */
    forwardedAt?: number;
  };
  /** For a request with a TRT: when to mark it breached if no response has come by then. */
  breachCheckAt?: number;
  /**
   * SMETS1 (contract v1.1): breachCheckAt only marks it overdue (provisional: no alert, no
   * breach); its response decides; without one it is breached at this time.
   */
  breachFinalAt?: number;
  /** Quarantined: record.state is 'quarantined' and record.quarantine says why; nothing is queued. */
  quarantine?: QuarantineInfo;
  /** An alert for the originator (e.g. TAD's AD1), queued in the same atomic step. */
  alert?: NewOutboxItem;
  /**
   * The originator's Threshold Anomaly Detection counts, taken in the same atomic step: if one
   * more event would take any rule past its limit, nothing is recorded or counted and the
   * outcome is 'over_limit' (the caller then records the request quarantined, without a count).
   * `evenInExcess`: counted whatever the limits say and recorded (a SMETS1 request in excess,
   * which the DCO only detects: only quarantined requests go uncounted).
   * `scope` is the User ID; its counters live in the originator's partition.
   */
  count?: { scope: string; rules: readonly WindowRule[]; at: number; evenInExcess?: boolean };
  /**
   * The leg's answer is its record's plain I99 acknowledgement, made from the record by
   * `plainAcknowledgement`: a store may keep a marker instead of the answer and make it again
   * from the record when asked.
   */
  plainAcknowledgement?: boolean;
}

/** What a releasing router sends itself (settleHeld): its networks run in its process. */
export interface ReleaseHandOver {
  destinations: readonly string[];
  /**
   * At most this many in all; on Redis each partition's call takes up to a sixteenth of it,
   * rounded up (up to 15 more in all).
   */
  max: number;
}

/** DSP-held requests whose time has come, claimed to be judged again before they go on (claimHeld). */
export interface HeldClaims {
  /** Their records as stored (each still accepted, not yet queued). */
  claimed: RequestRecord[];
  /** A partition gave `max`: more may be due, for another call. */
  more: boolean;
  /** The claim as the store names it, for settleHeld (opaque). */
  claim: string;
  /** When the claim runs out (claimHeld's `claimUntil`). */
  until: number;
  /** Some partitions' claims failed (Redis): what the others claimed is here all the same, to settle. */
  failed?: StateUnavailableError;
}

/** A claimed held request judged again and allowed: it goes on. */
export interface HeldVerdict {
  /** As claimed (claimHeld). */
  record: RequestRecord;
  /** Where it goes now, when not where it was routed at acceptance (its device moved while it was held). */
  route?: Route;
}

export interface HeldRelease {
  /** Requests put in their destination's egress queue. */
  queued: number;
  /** Requests leased to the caller, forwarded: it sends them now. */
  handedOver: EgressItem[];
  /**
   * Some partitions' settles failed (Redis): what the others queued and handed over is here all
   * the same. A failed one may still have leased requests to the caller (heldLeasedAt finds them).
   */
  failed?: StateUnavailableError;
}

/** A request taken from a destination's egress queue, to hand to its network. */
export interface EgressItem {
  destination: string;
  /**
   * The queue entry; it stays pending until the request's response is recorded. '' for a request
   * handed over at acceptance (Acceptance.egress.forwardedAt), which is leased, not queued.
   */
  entryId: string;
  record: RequestRecord;
}

/** A device's Service Response (or a network error such as E20/E21) as the network reports it. */
export interface NetworkResponse {
  requestId: string;
  destination: string;
  responseCode: string;
  /** When the response left the network, epoch ms. */
  at: number;
  /** SMETS1: the time the request spent on the SMETS1 WAN, excluded from its TRT. */
  wanMs?: number;
  /**
   * The SRV of the request it answers, as a DUIS response's header names it (the network has it
   * from the request's egress item): tells an 11.3 activation without a store read.
   */
  srv?: string;
  body?: unknown;
  /**
   * A response the router gives itself to a request it has not sent (a held request refused at
   * its release): recorded only while the request is still accepted and not queued for egress,
   * not once another router has sent it on (then 'unknown').
   */
  unsent?: boolean;
}

/** A schedule taken to run its due occurrence. */
export interface ClaimedSchedule {
  originatorId: string;
  scheduleId: number;
  schedule: DspSchedule;
  /** When the occurrence was due: its own due time, also when claimed again after a lease ended. */
  dueAt: number;
  /** The lease's end: the schedule's due time while the claimer runs it. */
  leasedUntil: number;
}

export type OutboxKind = 'response' | 'deviceAlert' | 'dccAlert';

/** One item of a User's outbound queue, as the pull API and webhook deliver it. */
export interface OutboxItem {
  cursor: string;
  kind: OutboxKind;
  requestId?: string;
  responseId?: string;
  responseCode?: string;
  alertCode?: string;
  /** A device alert's device, and when the device raised it (RFC 3339). */
  deviceId?: string;
  raisedAt?: string;
  body: unknown;
  /** A dead letter queued again by an operator: the cursor it had (receivers may have seen it under that one). */
  redrivenFrom?: string;
}

export type NewOutboxItem = Omit<OutboxItem, 'cursor'>;

export type ResponseOutcome =
  | {
    outcome: 'recorded';
    breached: boolean;
    /** True when the deadline scan had already marked it breached (counted then). */
    breachMarkedEarlier: boolean;
    /**
     * Marked breached by the scan, but its response came in time, by the time it was marked at:
     * recorded after the scan, so the mark is taken back (breached false; its TRT alert, if queued,
     * stands). That time (epoch ms: its deadline, or SMETS1's final check): the scan counts a
     * breach in its month, where the caller takes it back.
     */
    breachRetracted?: number;
    trtClass?: TrtClass;
    elapsedMs?: number;
  }
  | { outcome: 'duplicate' }
  | { outcome: 'unknown' };

/** A request taken from the deadline index: marked breached with its alert queued for its User, or (SMETS1) overdue. */
export interface Breach {
  requestId: string;
  originatorId: string;
  destination: string;
  trtClass: string;
  /** When it was due to be marked without a response (its deadline, for SMETS1 plus the WAN allowance or limit). */
  checkAt: number;
  /**
   * SMETS1 past its deadline plus the WAN allowance without a response: marked overdue, a
   * provisional state (no alert, not a breach); it is claimed again at its final check time.
   */
  overdue?: boolean;
  /** Marked and counted earlier, in a `marked` group (this call's or an earlier one's); here its alert is queued. */
  markedEarlier?: boolean;
  /**
   * From its check time to the moment the store confirmed it done (the claim's reply), on the
   * caller's clock (`now` plus the time the claim took): the detection lag, or with
   * `markedEarlier` the alert's.
   */
  lagMs: number;
}

/**
 * Breaches of one TRT class and destination marked at once without being named (RedisStore's
 * bulk indexes), each counted in exactly one claim across all instances; each is named later in
 * a claim's `breaches`, `markedEarlier`, when its alert is queued.
 */
export interface MarkedBreaches {
  trtClass: string;
  destination: string;
  count: number;
  /** `lagCounts[i]`: how many had a detection lag (check time to `now`) up to the claim's `lagBoundsMs[i]`. */
  lagCounts: number[];
}

/** What one claimBreaches call did. */
export interface BreachClaims {
  breaches: Breach[];
  marked: MarkedBreaches[];
}

/**
 * A claim that failed in part (RedisStore: one partition's call): what the other parts did is
 * done (marked, alerted) and must still be counted, so it comes with the error.
 */
export class BreachClaimsIncomplete extends Error {
  constructor(readonly claims: BreachClaims, options: { cause: unknown }) {
    super(`claiming breaches failed in part: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'BreachClaimsIncomplete';
  }
}

/**
 * The atomic outcome of recording an acknowledgement, judged in this order: the same leg with the
 * same body hash already recorded (duplicate: its answer is returned); a signed leg without a
 * transform leg of the same SRV; the same leg with another body (reused); over a threshold
 * (when counted); otherwise recorded.
 */
export type AcceptanceResult =
  /** `counts[i]`: rule i's count including this request, when it was counted. */
  | { outcome: 'recorded'; counts?: number[]; replicasShort?: ReplicasShort }
  /** `counts[i]`: rule i's count as it stands; `breached`: the first rule this request would take past its limit. */
  | { outcome: 'over_limit'; counts: number[]; breached: number }
  | { outcome: 'duplicate'; answer: StoredAnswer; replicasShort?: ReplicasShort }
  /**
   * Recorded by this very call, whose first reply was lost and which the store's client sent again
   * (RedisStore: ioredis on reconnect): acknowledged by this caller, as `recorded`, though its
   * counts are not known. A copy recorded by anyone else, even at the same instant, is `duplicate`.
   */
  | { outcome: 'landed'; answer: StoredAnswer; replicasShort?: ReplicasShort }
  | { outcome: 'transform_leg_missing' }
  | { outcome: 'request_id_reused' };

/**
 * Set on an acceptance recorded (or found) on the master when fewer of its replicas than the store
 * requires confirmed holding it in time (RedisStoreOptions.waitReplicas): a failover now could lose
 * it, so it is not to be acknowledged yet (the caller answers outcome_unknown; the same bytes
 * resubmitted get the recorded answer once the replicas have it, or are recorded anew).
 */
export interface ReplicasShort {
  wanted: number;
  confirmed: number;
  waitedMs: number;
}

/** An outbound item the webhook gave up on. */
export interface DeadLetter {
  userId: string;
  /** Its ID among the User's dead letters (a stream ID, `<ms>-<seq>`). */
  id: string;
  /** When it was dead-lettered, epoch ms. */
  at: number;
  reason: string;
  item: OutboxItem;
}

/** One page of a listing; `next`, when present, is the `after` of the following page. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** A dead letter queued again: its new cursor in the User's outbox. */
export interface Redriven {
  id: string;
  cursor: string;
}

export interface DirectoryChanges {
  cursor: string;
  users: string[];
  devices: string[];
  reset: boolean;
}

/** The group of an enrolled installation, beside the signatures of those not enrolled yet. */
export const ENROLLED_GROUP = '+enrolled';

/** An installation's group: its signature until it is enrolled (its eligibility is judged per signature). */
export function installationGroup(installation: Pick<Installation, 'signature' | 'enrolledAt'>): string {
  return installation.enrolledAt !== undefined ? ENROLLED_GROUP : installation.signature;
}

/** Reads and compare-and-set writes of one value others keep changing, before giving up. */
export const UPDATE_ATTEMPTS = 20;

/** An installation written whole, or deleted. */
export type InstallationWrite = Installation | { installationId: string; deleted: true };

/** updateInstallations's change of one installation as stored (undefined: none): what to write, or undefined to leave it. */
export type InstallationChange = (installationId: string, current: Installation | undefined) => InstallationWrite | undefined;

/**
 * A supplier's installation of a group, with when its enrolment deadline can start counting,
 * eligibility aside (supplierStartsAt in @dccrouter/domain: the later of the supplier's latest
 * acquisition and the installation's eligibleFrom; absent: neither).
 */
export interface StartingInstallation {
  installationId: string;
  startsAt?: number;
}

/** A bulk write of more devices than this is logged as one reset, not device by device. */
export const DIRECTORY_RESET_OVER = 100;
/** Entries the directory change log keeps: a cache further behind than this starts afresh. */
export const DIRECTORY_LOG_LENGTH = 10_000;
/** How long a statistics flush is remembered by its name (incrementStats): an hour, longer than its sender retries it. */
export const STATS_FLUSH_MARK_MS = 60 * 60 * 1000;

/** Raised when the store cannot be reached or did not answer: nothing may be acknowledged. */
export class StateUnavailableError extends Error {
  /**
   * True when a command may have been applied without its answer reaching us (sent, then timed
   * out or the connection dropped); false when it was never sent.
   */
  readonly unconfirmed: boolean;
  /** Why the store refused the command before running it (`it is out of memory`), when it did: reachable, but not taking writes. */
  readonly refused?: string;
  /**
   * For an acceptance not confirmed, from a store that can tell afterwards: whether this very
   * write recorded the acceptance (asked once the RequestID's leg is seen recorded with its body,
   * which an identical copy from another router may also be). Without it, a record with the same
   * body is taken for the write's own.
   */
  readonly recordedBy?: (acceptance: Acceptance) => Promise<boolean>;

  constructor(message: string, options?: { cause?: unknown; unconfirmed?: boolean; refused?: string; recordedBy?: (acceptance: Acceptance) => Promise<boolean> }) {
    super(message, options);
    this.name = 'StateUnavailableError';
    this.unconfirmed = options?.unconfirmed ?? false;
    if (options?.refused) this.refused = options.refused;
    if (options?.recordedBy) this.recordedBy = options.recordedBy;
  }
}

/**
 * Redis's refusals of a write before it runs: out of memory, a read-only replica, a dataset still
 * loading, a master or cluster down, writes stopped after a failed save, another script still
 * running (BUSY). A script meets them at its first write, so it has written nothing either. An ACL
 * refusal counts only when it is of the command itself (`NOPERM ... to run the 'evalsha' command`):
 * one of a key may come from inside a script, after its first writes.
 */
const REFUSED_UNRUN = /^(?:(OOM|READONLY|LOADING|MASTERDOWN|NOREPLICAS|CLUSTERDOWN|TRYAGAIN|MISCONF|BUSY) |(NOPERM) .*permissions to run the ')/;

/**
 * Whether a failed Redis command may have run: not when it was refused before sending (no
 * connection, offline queue off) or Redis answered that it refused it (REFUSED_UNRUN); otherwise
 * (a timeout, a dropped connection) it may have.
 */
function mayHaveRun(cause: unknown): boolean {
  const message = (cause as Error)?.message ?? '';
  return !REFUSED_UNRUN.test(message) && !/isn't writeable|enableOfflineQueue/.test(message);
}

/** Redis's refusals (REFUSED_UNRUN) in words a User may read: what, not Redis's own text (which may name its address). */
const REFUSAL_WORDS: Record<string, string> = {
  OOM: 'it is out of memory', READONLY: 'it is a read-only replica', LOADING: 'it is loading its data',
  MASTERDOWN: 'its master is down', NOREPLICAS: 'it has too few replicas', CLUSTERDOWN: 'its cluster is down',
  TRYAGAIN: 'its cluster is moving the data', MISCONF: 'it cannot save its data', BUSY: 'it is busy running a script',
  NOPERM: "the router's Redis user may not run the command (Redis ACL)",
};

/** A failed call to Redis as the store reports it: whether it may have run, and why Redis refused it if it did. */
export function redisCallFailed(message: string, cause: unknown): StateUnavailableError {
  return new StateUnavailableError(message, { cause, unconfirmed: mayHaveRun(cause), refused: refusedBecause(cause) });
}

/** Why Redis refused a command before running it, in a User's words; undefined when it did not refuse it (unreachable, timed out). */
function refusedBecause(cause: unknown): string | undefined {
  const match = REFUSED_UNRUN.exec((cause as Error)?.message ?? '');
  return match ? REFUSAL_WORDS[match[1] ?? match[2]] : undefined;
}

/** A device as a change found it and as it left it (StateStore.updateDevices). */
export interface DeviceUpdate {
  before: Device;
  after: Device;
}

/** A device as a write found it (undefined: new) and as it left it (StateStore.mergeDevices). */
export interface DeviceWrite {
  before: Device | undefined;
  after: Device;
}

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  /** Sliding-window counters for Threshold Anomaly Detection, on the same backend. */
  readonly counters: WindowCounters;

  putUser(user: User): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;

  putDevice(device: Device): Promise<void>;
  /** Bulk load for imports: all or nothing per call is not promised, each device is written whole. */
  putDevices(devices: readonly Device[]): Promise<void>;
  getDevice(deviceId: string): Promise<Device | undefined>;
  /** Several devices in one round trip, answered in the order asked (undefined where unknown). */
  getDevices(deviceIds: readonly string[]): Promise<(Device | undefined)[]>;
  /**
   * Changes each device as the store holds it now, not as a cache or an earlier read had it: a
   * write another instance made meanwhile is changed, never overwritten (read, changed, written
   * only if unchanged since, else read again). `change` may run more than once for a device, and
   * answers undefined to leave it as it is. Unknown devices are skipped. Answers each device
   * changed, before and after, in the order asked; logged for every instance's cache.
   */
  updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined): Promise<DeviceUpdate[]>;
  /**
   * putDevices where what is written depends on what is stored (an import keeps the fields the
   * router keeps): each device written as `merge` makes it from the one given and the one the
   * store holds at the time of the write, compare-and-set as updateDevices, so a change another
   * instance made meanwhile is merged, never overwritten. A device given twice: the second
   * merged with the first. Answers each write, before and after, in the order given; logged for
   * every instance's cache, the devices written even when the call fails part-way.
   */
  mergeDevices(devices: readonly Device[], merge: (written: Device, stored: Device | undefined) => Device): Promise<DeviceWrite[]>;

  /**
   * Users and devices written after `cursor` by any instance, for in-process caches (oldest
   * first, at most `limit` log entries). `reset`: the log no longer reaches back to the cursor,
   * or a bulk import happened: drop everything cached. Without a cursor: the current position only.
   */
  directoryChanges(cursor: string | undefined, limit?: number): Promise<DirectoryChanges>;

  /**
   * In one read: the RequestID's record of `leg` (and of its transform leg for a signed leg), which
   * the request path needs for a signed leg, a refusal that may be a replay, or an unconfirmed
   * write. (Its User and device come from the router's directory cache.)
   */
  loadContext(requestId: string, leg: Leg): Promise<RequestContext>;

  /** Records an acknowledgement atomically; see AcceptanceResult for the order of judgement. */
  recordAcceptance(requestId: string, acceptance: Acceptance): Promise<AcceptanceResult>;
  /**
   * For an answer made from a record found rather than written (a replay, a write not confirmed):
   * set when fewer replicas than the store requires hold the request's partition up to now (see
   * ReplicasShort). Absent from stores without replicas.
   */
  replicasShortOf?(requestId: string): Promise<ReplicasShort | undefined>;

  getRequest(requestId: string): Promise<RequestRecord | undefined>;

  /**
   * Takes new requests (up to `max` per partition) from the egress queues of `destinations` for
   * `consumer`, marking those still accepted as forwarded (handed to their network) in the same
   * step: a claim is the hand-over. Each stays pending until its response is recorded. With
   * `blockMs`, waits up to that long for new requests when there are none (an idle router then
   * costs one blocked read).
   */
  claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs?: number): Promise<EgressItem[]>;
  /**
   * Takes over requests another consumer took more than `idleMs` ago without their response coming
   * back (a crashed router, a lost request), marked forwarded as a claim marks them.
   * At-least-once: the network drops repeats.
   */
  reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number): Promise<EgressItem[]>;
  /**
   * The consumer's own queue entries idle `idleMs` or more that its networks do not hold (`held`):
   * taken by a claim whose answer was lost, so never sent. Claimed again and returned to be sent.
   * Absent from stores whose claims always answer (the embedded one).
   */
  recoverOwnEgress?(destinations: readonly string[], consumer: string, max: number, idleMs: number, held: readonly EgressItem[]): Promise<EgressItem[]>;
  /**
   * The consumer's network still holds these (sent, not answered): their redelivery delay starts
   * again from now, so a long wait (a stalled network, a SMETS1 firmware activation) is not taken
   * over and sent again elsewhere while its holder lives. An entry another consumer has taken
   * over meanwhile is left to it.
   */
  renewEgress(items: readonly EgressItem[], consumer: string): Promise<void>;
  /**
   * DSP-held future-dated requests whose time has come, earliest first, up to `max` (per
   * partition), claimed by the caller until `claimUntil` (epoch ms) to be judged again: the
   * request path's checks may say otherwise now (a supplier that lost the meter, a device
   * decommissioned or moved while it was held). The requests of a claim that ran out unsettled
   * (its claimer died) are claimed again first, and that claim is void. One no longer waiting
   * (answered, deleted, queued) is let go.
   */
  claimHeld(now: number, max: number, claimUntil: number): Promise<HeldClaims>;
  /**
   * Ends a claim: each request of `verdicts` is queued for its destination's egress (its route's,
   * when given), or, with `handOver`, up to its `max` of those for its destinations are leased to
   * the caller instead, marked forwarded at `now`, for it to send at once, as an acceptance with
   * `egress.forwardedAt` is (one the caller fails to send is sent again after the redelivery
   * delay, see reclaimEgress). Those in `later` (not judged: a read failed) are held again until
   * the claim's end; the rest of the claim (refused, their refusal recorded as their response) are
   * let go. A claim made void (it ran out and was claimed again) settles nothing: its requests go
   * on once, by the later claim.
   */
  settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver): Promise<HeldRelease>;
  /**
   * What a settleHeld at `at` leased to its caller for these destinations and is still
   * unanswered: for a caller whose settling failed without an answer (it may have leased them all
   * the same), to send rather than leave them to the redelivery delay.
   */
  heldLeasedAt(at: number, destinations: readonly string[]): Promise<EgressItem[]>;

  /**
   * Completes a request with its network response, once: judges its TRT (stays breached if it was),
   * queues the response for its User (and a TRT alert when this response is what breaches it),
   * and settles its egress entry. Repeats are 'duplicate'.
   */
  recordResponse(response: NetworkResponse): Promise<ResponseOutcome>;
  /**
   * Marks requests past their check time without a response as breached, once each, and queues a
   * TRT alert for each; a SMETS1 request with a final check time is first only marked overdue.
   * At most `max` are named (per partition on Redis); marks made in bulk are not bounded by it.
   */
  claimBreaches(now: number, max: number, lagBoundsMs?: readonly number[]): Promise<BreachClaims>;
  /**
   * Marks in bulk what is due by `now` and claimBreaches would mark in bulk, without naming or
   * alerting any (claimBreaches does that later, `markedEarlier`): a mark that stays small
   * whatever the backlog of alerts. Each deadline is counted by exactly one call of either. A
   * store without bulk marks (MemoryStore, whose claims are in-process) marks none here. A call
   * that fails in part throws BreachClaimsIncomplete with the marks it made.
   */
  markBreaches(now: number, lagBoundsMs?: readonly number[]): Promise<MarkedBreaches[]>;

  /** A new DSPScheduleID (unique across Users and instances; one never stored is simply unused). */
  allocateScheduleId(): Promise<number>;
  /**
   * Stores a User's DSP schedule under `scheduleId`, its first occurrence due at `firstDueAt`, once
   * per creating request (`requestId`, for the request retention): a second call for the same
   * RequestID, a retry or a duplicate sent at the same moment, stores nothing (even after the
   * schedule was deleted) and answers false.
   */
  createSchedule(originatorId: string, scheduleId: number, schedule: DspSchedule, firstDueAt: number, requestId: string): Promise<boolean>;
  /** The User's own schedule (another User's ID reads nothing). */
  getSchedule(originatorId: string, scheduleId: number): Promise<DspSchedule | undefined>;
  deleteSchedule(originatorId: string, scheduleId: number): Promise<boolean>;
  /** The IDs of a User's schedules on a device, ascending (a change of the device's parties may end them). */
  schedulesOnDevice(originatorId: string, deviceId: string): Promise<number[]>;
  /**
   * Schedules whose occurrence is due, each leased to the caller until `now + leaseMs` (its due
   * time moved there), so that concurrent claims (any number of instances) take each once; an
   * occurrence whose claimer died (or left it unrun) is claimed again after the lease, as the same
   * occurrence with its own due time (its RequestID makes a second run a replay, never a second
   * request). At most `max` in all.
   */
  claimDueSchedules(now: number, max: number, leaseMs: number): Promise<ClaimedSchedule[]>;
  /** After an occurrence ran: its next due time, or undefined when the schedule has ended; only while still leased as claimed. */
  rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined): Promise<boolean>;
  /** A page of the devices of a model (the CPL's reach); `cursor` undefined when there are no more. */
  devicesOfModel(deviceModel: string, cursor: string | undefined, count: number): Promise<{ devices: Device[]; cursor: string | undefined }>;
  /** How many devices route to a destination (a simulated network's share of the inventory, kept as devices are written). */
  countDevicesAt(destination: string): Promise<number>;
  /** Up to `count` distinct devices that route to a destination, at random (alerts a simulated network raises). */
  sampleDevicesAt(destination: string, count: number): Promise<string[]>;
  /**
   * Takes or renews, for `ttlMs`, the right to raise a destination's alerts at its configured
   * rate, so one simulator of it (of however many processes run one) raises them. False while
   * another owner holds it.
   */
  leaseAlerts(destination: string, owner: string, ttlMs: number): Promise<boolean>;

  /**
   * SMETS1 installations (SEC H5.8), written whole: each replaces the stored one, or (`deleted`)
   * is deleted, whatever another writer did meanwhile (updateInstallations does not). Each is
   * indexed atomically, for each of its suppliers, by group (its signature, or ENROLLED_GROUP) and
   * by when that supplier's deadline can start (supplierStartsAt), so that eligibility is judged
   * per signature and a supplier's enrolment report reads counts and a range, never its devices.
   */
  putInstallations(installations: readonly InstallationWrite[]): Promise<void>;
  /**
   * Changes installations, each atomically as the store holds it: `change` is given one as stored
   * (undefined: none) and answers what to write (see putInstallations), or undefined to leave it.
   * One another writer changed between its read and its write is read and changed again, so no
   * writer's change is lost (a device write beside an enrolment, on two instances).
   */
  updateInstallations(installationIds: readonly string[], change: InstallationChange): Promise<void>;
  getInstallations(installationIds: readonly string[]): Promise<(Installation | undefined)[]>;
  /** A supplier's groups with how many of its installations each has. */
  supplierInstallationGroups(supplier: string): Promise<Record<string, number>>;
  /**
   * A supplier's installations of a group whose deadline can start counting at or before `until`
   * (without an acquisition or eligibleFrom: at 0), earliest first; the first `max` of them when given.
   */
  installationsStartingBy(supplier: string, group: string, until: number, max?: number): Promise<StartingInstallation[]>;

  /** Appends many items to their Users' outbound queues in one round trip (device alerts). */
  enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]): Promise<void>;
  /** Appends to a User's outbound queue (alerts); responses are queued by recordResponse. */
  enqueueOutbox(userId: string, item: NewOutboxItem): Promise<OutboxItem>;
  /**
   * A User's outbound items after `after` (exclusive; undefined = from the start), oldest first,
   * without removing them. With `deliveredAt` (a pull), the responses read are marked delivered
   * (responded -> delivered) in the same step.
   */
  readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number): Promise<OutboxItem[]>;
  /** Marks responded requests as delivered (webhook 2xx or read by pull). */
  markDelivered(requestIds: readonly string[], at: number): Promise<void>;

  /**
   * Users with a receiveEndpoint and outbound items past their delivery cursor: the webhook
   * deliverer's work list, found in two round trips however many Users there are.
   */
  webhookBacklog(): Promise<string[]>;
  /** Requests queued for each destination and not yet answered (waiting or with the network), for metrics. */
  egressBacklog(destinations: readonly string[]): Promise<Record<string, number>>;
  /** For each User given: how old (ms, at `now`) its oldest item past its delivery cursor is; 0 when none waits. */
  outboxLag(userIds: readonly string[], now: number): Promise<Record<string, number>>;
  /**
   * The newest entry's cursor of each User's outbox given (undefined for an empty one), in one
   * round trip however many: what waiting pulls and feeds watch. An entry may hold several items:
   * its cursor compares above any of theirs (compareCursors).
   */
  outboxHeads(userIds: readonly string[]): Promise<(string | undefined)[]>;
  /**
   * Takes or renews the right to deliver a User's webhook for `ttlMs`, so one router instance at a
   * time delivers each User's items, in order. False while another owner holds it.
   */
  leaseDelivery(userId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives up `owner`'s delivery lease of a User at once (a router stopping), so another takes the User over without waiting out its time. */
  releaseDelivery(userId: string, owner: string): Promise<void>;
  /** The cursor of the last item delivered by webhook (acknowledged or dead-lettered). */
  deliveryCursor(userId: string): Promise<string | undefined>;
  setDeliveryCursor(userId: string, cursor: string): Promise<void>;
  /** Keeps an item the webhook gave up on, with the reason. */
  deadLetter(userId: string, item: OutboxItem, reason: string): Promise<void>;
  /**
   * Dead letters, a User's (oldest first) or every User's (by User, then oldest first), after the
   * opaque cursor `after` (a page's `next`), at most `limit`.
   */
  listDeadLetters(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<DeadLetter>>;
  /**
   * Queues a User's dead letters (those of `ids`, or all of them) again at the end of its outbox,
   * each with `redrivenFrom` its old cursor, and removes them from the dead letters: atomically
   * each, so a dead letter redriven twice at once is queued once. Unknown IDs are left out.
   */
  redriveDeadLetters(userId: string, ids: readonly string[] | 'all'): Promise<Redriven[]>;

  /** The request a quarantine event reference names, if any. */
  findQuarantine(ref: string): Promise<string | undefined>;
  /**
   * Releases a quarantined request (queued now, TRT from now); false if it is not quarantined any
   * more, or (with `release.ref`) is held under another quarantine event.
   */
  releaseQuarantine(requestId: string, release: Release): Promise<boolean>;
  /** Deletes a quarantined request; false if it is not quarantined any more, or (with `ref`) is held under another quarantine event. */
  deleteQuarantined(requestId: string, at: number, ref?: string): Promise<boolean>;
  /**
   * Quarantined requests, a User's or every User's, after the opaque cursor `after` (a page's
   * `next`), at most `limit`, in a stable order (soonest expiry first within a partition).
   */
  listQuarantined(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<RequestRecord>>;
  /**
   * Deletes quarantined requests whose expiry has passed; returns their RequestIDs. At most `max`
   * in one call on the memory store, at most `max` per partition on Redis (one pipelined script
   * per partition: the loop calls again each second, so it is a batch size, not a limit).
   */
  expireQuarantined(now: number, max: number): Promise<string[]>;

  /**
   * Adds to named counters of a statistics set (e.g. a month's service figures), shared by all
   * instances, once for each `flushId` (unique to the addition): an addition whose outcome was not
   * confirmed may be sent again under its name within STATS_FLUSH_MARK_MS, and is then added only
   * if the first was not.
   */
  incrementStats(set: string, increments: Record<string, number>, flushId: string): Promise<void>;
  readStats(set: string): Promise<Record<string, number>>;

  /** Small shared settings (TRT budgets, thresholds), as JSON-able values. */
  getSetting<T>(name: string): Promise<T | undefined>;
  /** Several settings in one call (one round trip), in the order asked; undefined for a name never put. */
  getSettings(names: readonly string[]): Promise<unknown[]>;
  putSetting<T>(name: string, value: T): Promise<void>;
  /**
   * A shared table changed by `change` from its stored value, atomically against other writers
   * (another instance's change made meanwhile is read again and changed too, never overwritten);
   * `change` answers undefined to write nothing. Answers what was written.
   */
  updateSetting<T>(name: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined>;

  /** Resolves when the store answers; throws StateUnavailableError otherwise. */
  ping(): Promise<void>;
  /**
   * The identity of the data the store holds: `candidate` becomes it when the store holds none (a
   * new store, or one emptied: a Redis restarted without persistence, flushed, or evicting keys),
   * otherwise the one it holds. A process that sees it change knows that what it read before is gone.
   */
  storeIdentity(candidate: string): Promise<string>;
  /** The store's clock (epoch ms; Redis's TIME): the one clock every instance shares, to measure its own against. */
  storeTime(): Promise<number>;
  close(): Promise<void>;
}
