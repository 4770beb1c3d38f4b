import type { Device, Route, User } from '@dccrouter/domain';
import { DEAD_LETTER_RETENTION_SECONDS, DEFAULT_RETENTION_SECONDS } from '../shared/index.ts';
import type { Leg, LegRecord, NewOutboxItem, OutboxItem, RequestRecord } from '../store/index.ts';
import { MemoryStream, MinHeap } from './queues.ts';

export interface MemoryStoreOptions {
  /** How long a request's records are kept after its last acknowledgement; 7 days unless told. */
  requestRetentionSeconds?: number;
  /** How long outbound items stay readable; 7 days unless told. */
  outboxRetentionSeconds?: number;
  /** How long a dead letter is kept (then dropped as the next is added); 30 days unless told. */
  deadLetterRetentionSeconds?: number;
}

export interface RequestEntry {
  legs: Partial<Record<Leg, LegRecord>>;
  /** The quarantine event references it was held under (quarantineRefs): a released CV 4 leg's, then its signed leg's. */
  quarantineRefs?: string[];
  record: RequestRecord;
  expiresAt: number;
  /** The pending egress entry, settled when the response is recorded. */
  egressEntry?: string;
  breachCheckAt?: number;
  /** SMETS1: when it is breached without a response; breachCheckAt then only marks it overdue. */
  breachFinalAt?: number;
  /** Its response found it marked breached already: told again to a repeat of that response. */
  breachMarkedEarlier?: boolean;
  /** Its response took that mark back (judgeResponse): told again to a repeat of that response. */
  breachRetracted?: number;
  /** When an operator deleted it from quarantine: a repeat of that deletion is told it is done. */
  deletedAt?: number;
}

export interface EgressEntry {
  requestId: string;
  claimedBy?: string;
  claimedAt?: number;
  /** Handed over at acceptance: its items carry no entry ID, as RedisStore's leases. */
  leased?: boolean;
}

/** How often the memory store looks for outboxes left wholly past the retention. */
const OUTBOX_SWEEP_MS = 60_000;

/** The record routed anew (its device moved while it was held): its destination and generation the route's. */
export function reroute(record: RequestRecord, route: Route): void {
  record.destination = route.destination;
  if (route.generation === undefined) delete record.generation;
  else record.generation = route.generation;
}

/** A JSON copy, so that nothing is shared with callers and values read back as from Redis. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * What the memory store's parts share, as RedisStore's share one keyspace: the requests and what
 * indexes them (egress queues, the held and deadline heaps, quarantine references), the outboxes
 * their alerts and responses go to, Users and devices, leases. Each part keeps to itself what only
 * it reads (settings, schedules, cursors, dead letters, installations).
 */
export class MemoryState {
  readonly users = new Map<string, User>();
  readonly devices = new Map<string, Device>();
  /** Requests in the order they expire (their order of acceptance), so the sweep stops at the first alive. */
  readonly requests = new Map<string, RequestEntry>();
  /** Requests that outlive their place in that order (held, quarantined, released), swept by expiry. */
  private readonly outliving = new Map<string, RequestEntry>();
  private readonly outlivingExpiry = new MinHeap<string>();
  readonly retentionMs: number;
  readonly deadLetterRetentionMs: number;
  private readonly outboxRetentionMs: number;
  readonly egress = new Map<string, Map<string, EgressEntry>>();
  private egressSeq = 0;
  readonly held = new MinHeap<string>();
  /** Claims of held requests to be judged again (claimHeld), by ID, in the order made. */
  readonly heldClaims = new Map<string, { until: number; requestIds: string[] }>();
  heldClaimSeq = 0;
  readonly deadlines = new MinHeap<string>();
  private readonly outboxes = new Map<string, MemoryStream<NewOutboxItem>>();
  private nextOutboxSweepAt = 0;
  private readonly leases = new Map<string, { owner: string; until: number }>();
  readonly quarantineRefs = new Map<string, string>();
  readonly quarantineExpiry = new MinHeap<string>();

  constructor(options: MemoryStoreOptions = {}) {
    this.retentionMs = (options.requestRetentionSeconds ?? DEFAULT_RETENTION_SECONDS) * 1000;
    this.outboxRetentionMs = (options.outboxRetentionSeconds ?? DEFAULT_RETENTION_SECONDS) * 1000;
    this.deadLetterRetentionMs = (options.deadLetterRetentionSeconds ?? DEAD_LETTER_RETENTION_SECONDS) * 1000;
  }

  /** The live entry of a request; an expired one is dropped when met. */
  request(requestId: string): RequestEntry | undefined {
    const entry = this.requests.get(requestId) ?? this.outliving.get(requestId);
    if (entry && entry.expiresAt <= Date.now()) {
      this.requests.delete(requestId);
      this.outliving.delete(requestId);
      this.forgetQuarantineRef(requestId, entry);
      return undefined;
    }
    return entry;
  }

  /** A request about to be written anew: out of both orders (it goes back into one). */
  forget(requestId: string): void {
    this.requests.delete(requestId);
    this.outliving.delete(requestId);
  }

  /** Kept apart from the acceptance order, until its own expiry (pushed again when it moves). */
  outlive(requestId: string, entry: RequestEntry): void {
    this.outliving.set(requestId, entry);
    this.outlivingExpiry.push(entry.expiresAt, requestId);
  }

  /** Drops expired entries, so requests never read again do not pile up. */
  sweep(now: number): void {
    if (now >= this.nextOutboxSweepAt) this.sweepOutboxes(now);
    for (const [requestId, entry] of this.requests) {
      if (entry.expiresAt > now) break;
      this.requests.delete(requestId);
      this.forgetQuarantineRef(requestId, entry);
    }
    while ((this.outlivingExpiry.peekKey() ?? Infinity) <= now) {
      const requestId = this.outlivingExpiry.pop()!.value;
      // An entry renewed since has a later key in the heap too.
      const entry = this.outliving.get(requestId);
      if (entry && entry.expiresAt <= now) {
        this.outliving.delete(requestId);
        this.forgetQuarantineRef(requestId, entry);
      }
    }
  }

  /**
   * Outboxes whose items are all past the retention go whole, at most once a minute: a User gone
   * quiet, read by pull, adds nothing that would trim its outbox (as the Redis store's expire).
   */
  private sweepOutboxes(now: number): void {
    this.nextOutboxSweepAt = now + OUTBOX_SWEEP_MS;
    for (const [userId, stream] of this.outboxes) {
      stream.trimOlderThan(now - this.outboxRetentionMs);
      if (stream.last() === undefined) this.outboxes.delete(userId);
    }
  }

  /** A request gone at its retention takes its quarantine refs with it (as their Redis keys expire with it). */
  private forgetQuarantineRef(requestId: string, entry: RequestEntry): void {
    for (const ref of entry.quarantineRefs ?? []) if (this.quarantineRefs.get(ref) === requestId) this.quarantineRefs.delete(ref);
  }

  indexDeadline(entry: RequestEntry, requestId: string, checkAt: number): void {
    entry.breachCheckAt = checkAt;
    this.deadlines.push(checkAt, requestId);
  }

  /** A request into its destination's queue (claimed already when handed over at `claimedAt`); its entry ID. */
  enqueueEgress(destination: string, requestId: string, claimedAt?: number): string {
    let queue = this.egress.get(destination);
    if (!queue) this.egress.set(destination, (queue = new Map()));
    const entryId = `${Date.now()}-${this.egressSeq++}`;
    queue.set(entryId, claimedAt === undefined ? { requestId } : { requestId, claimedAt, leased: true });
    return entryId;
  }

  /** An item (already a copy) at the end of a User's outbox, whose items past the retention go. */
  appendOutbox(userId: string, item: NewOutboxItem): OutboxItem {
    let stream = this.outboxes.get(userId);
    if (!stream) this.outboxes.set(userId, (stream = new MemoryStream()));
    const now = Date.now();
    stream.trimOlderThan(now - this.outboxRetentionMs);
    const cursor = stream.append(item, now);
    return { cursor, ...copy(item) };
  }

  /** A User's outbox without its items past the retention: a User idle since adds nothing that would trim them. */
  liveOutbox(userId: string): MemoryStream<NewOutboxItem> | undefined {
    const stream = this.outboxes.get(userId);
    stream?.trimOlderThan(Date.now() - this.outboxRetentionMs);
    return stream;
  }

  /** Taken by `owner` unless another holds it unexpired (webhook deliveries, a network's alerts). */
  lease(name: string, owner: string, ttlMs: number): boolean {
    const now = Date.now();
    const lease = this.leases.get(name);
    if (lease && lease.owner !== owner && lease.until > now) return false;
    this.leases.set(name, { owner, until: now + ttlMs });
    return true;
  }

  /** Given up by its owner (another owner's is left alone). */
  releaseLease(name: string, owner: string): void {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }
}
