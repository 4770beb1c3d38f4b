import { destinationOf, supplierAcquiredAt, type Device, type DspSchedule, type Installation, type User } from '@dccrouter/domain';
import { compareCursors, DEAD_LETTER_RETENTION_SECONDS, judgeResponse, pageOf, partitionOf, respondedRequestIds, responseBody, responseIdFor, splitCursor, trtAlert } from '../shared/index.ts';
import { DIRECTORY_LOG_LENGTH, DIRECTORY_RESET_OVER, installationGroup, isHeldBack, type AcquiredInstallation } from '../store/index.ts';
import type {
  Acceptance, ClaimedSchedule, DeadLetter, DirectoryChanges, AcceptanceResult, Breach, BreachClaims, EgressItem, MarkedBreaches, Leg, LegRecord, NetworkResponse, NewOutboxItem, OutboxItem, Page,
  RequestContext, Redriven, Release, ReleaseHandOver, HeldRelease, RequestRecord, ResponseOutcome, StateStore,
} from '../store/index.ts';
import { MemoryStream, MinHeap } from './queues.ts';
import { MemoryCounters } from '../counters/memory.ts';

export interface MemoryStoreOptions {
  /** How long a request's records are kept after its last acknowledgement; 7 days unless told. */
  requestRetentionSeconds?: number;
  /** How long outbound items stay readable; 7 days unless told. */
  outboxRetentionSeconds?: number;
  /** How long a dead letter is kept (then dropped as the next is added); 30 days unless told. */
  deadLetterRetentionSeconds?: number;
}

interface RequestEntry {
  legs: Partial<Record<Leg, LegRecord>>;
  /** Its quarantine event reference, when it was quarantined at acceptance (quarantineRefs). */
  quarantineRef?: string;
  record: RequestRecord;
  expiresAt: number;
  /** The pending egress entry, settled when the response is recorded. */
  egressEntry?: string;
  breachCheckAt?: number;
  /** SMETS1: when it is breached without a response; breachCheckAt then only marks it overdue. */
  breachFinalAt?: number;
  /** Its response found it marked breached already: told again to a repeat of that response. */
  breachMarkedEarlier?: boolean;
  /** When an operator deleted it from quarantine: a repeat of that deletion is told it is done. */
  deletedAt?: number;
}

interface EgressEntry {
  requestId: string;
  claimedBy?: string;
  claimedAt?: number;
  /** Handed over at acceptance: its items carry no entry ID, as RedisStore's leases. */
  leased?: boolean;
}

const SEVEN_DAYS = 7 * 24 * 60 * 60;

/** A JSON copy, so that nothing is shared with callers and values read back as from Redis. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** One process's state, for development and tests: the same contract as RedisStore, unshared. */
export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const;
  readonly counters = new MemoryCounters();
  private readonly users = new Map<string, User>();
  private readonly devices = new Map<string, Device>();
  /** Device IDs by the destination they route to. */
  private readonly devicesAt = new Map<string, Set<string>>();
  private readonly settings = new Map<string, unknown>();
  /** Set by the first storeIdentity call: this store is never emptied while its process lives. */
  private identity?: string;
  /** Requests in the order they expire (their order of acceptance), so the sweep stops at the first alive. */
  private readonly requests = new Map<string, RequestEntry>();
  /** Requests that outlive their place in that order (held, quarantined, released), swept by expiry. */
  private readonly outliving = new Map<string, RequestEntry>();
  private readonly outlivingExpiry = new MinHeap<string>();
  private readonly retentionMs: number;
  private readonly outboxRetentionMs: number;
  private readonly deadLetterRetentionMs: number;
  private readonly egress = new Map<string, Map<string, EgressEntry>>();
  private egressSeq = 0;
  private readonly held = new MinHeap<{ requestId: string; destination: string }>();
  private readonly deadlines = new MinHeap<string>();
  private readonly outboxes = new Map<string, MemoryStream<NewOutboxItem>>();
  private readonly leases = new Map<string, { owner: string; until: number }>();
  private readonly cursors = new Map<string, string>();
  private readonly deadLetters = new Map<string, MemoryStream<{ item: OutboxItem; reason: string }>>();
  private readonly stats = new Map<string, Map<string, number>>();
  private readonly quarantineRefs = new Map<string, string>();
  private readonly quarantineExpiry = new MinHeap<string>();
  private readonly installations = new Map<string, Installation>();
  /** Installations by group, and by supplier then group with their acquisition times (RedisStore's indexes). */
  private readonly groupCounts = new Map<string, number>();
  private readonly supplierGroups = new Map<string, Map<string, Map<string, number>>>();
  private readonly directoryLog = new MemoryStream<{ users?: string[]; devices?: string[]; reset?: boolean }>();

  constructor(options: MemoryStoreOptions = {}) {
    this.retentionMs = (options.requestRetentionSeconds ?? SEVEN_DAYS) * 1000;
    this.outboxRetentionMs = (options.outboxRetentionSeconds ?? SEVEN_DAYS) * 1000;
    this.deadLetterRetentionMs = (options.deadLetterRetentionSeconds ?? DEAD_LETTER_RETENTION_SECONDS) * 1000;
  }

  async putUser(user: User): Promise<void> {
    this.users.set(user.userId, copy(user));
    this.directoryLog.append({ users: [user.userId] });
  }

  async getUser(userId: string): Promise<User | undefined> {
    const user = this.users.get(userId);
    return user && copy(user);
  }

  async putDevice(device: Device): Promise<void> {
    this.setDevice(device);
    this.directoryLog.append({ devices: [device.deviceId] });
  }

  async putDevices(devices: readonly Device[]): Promise<void> {
    for (const device of devices) this.setDevice(device);
    if (devices.length > DIRECTORY_RESET_OVER) this.directoryLog.append({ reset: true });
    else if (devices.length > 0) this.directoryLog.append({ devices: devices.map((device) => device.deviceId) });
  }

  async putInstallations(installations: readonly (Installation | { installationId: string; deleted: true })[]): Promise<void> {
    for (const next of installations) {
      const old = this.installations.get(next.installationId);
      if (old) this.indexInstallation(old, -1);
      if ('deleted' in next) this.installations.delete(next.installationId);
      else {
        this.installations.set(next.installationId, copy(next));
        this.indexInstallation(next, 1);
      }
    }
  }

  private indexInstallation(installation: Installation, by: 1 | -1): void {
    const group = installationGroup(installation);
    const count = (this.groupCounts.get(group) ?? 0) + by;
    if (count > 0) this.groupCounts.set(group, count);
    else this.groupCounts.delete(group);
    for (const supplier of installation.suppliers) {
      let groups = this.supplierGroups.get(supplier);
      if (!groups) this.supplierGroups.set(supplier, (groups = new Map()));
      let members = groups.get(group);
      if (!members) groups.set(group, (members = new Map()));
      if (by > 0) members.set(installation.installationId, supplierAcquiredAt(installation, supplier) ?? 0);
      else members.delete(installation.installationId);
      if (members.size === 0) groups.delete(group);
    }
  }

  async getInstallations(installationIds: readonly string[]): Promise<(Installation | undefined)[]> {
    return installationIds.map((id) => {
      const installation = this.installations.get(id);
      return installation && copy(installation);
    });
  }

  async installationGroups(): Promise<Record<string, number>> {
    return Object.fromEntries(this.groupCounts);
  }

  async supplierInstallationGroups(supplier: string): Promise<Record<string, number>> {
    return Object.fromEntries([...this.supplierGroups.get(supplier) ?? []].map(([group, members]) => [group, members.size]));
  }

  async installationsAcquiredBy(supplier: string, group: string, until: number, max = Infinity): Promise<AcquiredInstallation[]> {
    const members = [...this.supplierGroups.get(supplier)?.get(group) ?? []].filter(([, at]) => at <= until);
    return members.sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : 1)).slice(0, max)
      .map(([installationId, at]) => (at === 0 ? { installationId } : { installationId, acquiredAt: at }));
  }

  /** A device written, and moved to the destination it now routes to. */
  private setDevice(device: Device): void {
    const before = this.devices.get(device.deviceId);
    const [was, is] = [before && destinationOf(before), destinationOf(device)];
    if (was !== is && was !== undefined) this.devicesAt.get(was)?.delete(device.deviceId);
    if (is !== undefined) {
      const members = this.devicesAt.get(is);
      if (members) members.add(device.deviceId);
      else this.devicesAt.set(is, new Set([device.deviceId]));
    }
    this.devices.set(device.deviceId, copy(device));
  }

  async countDevicesAt(destination: string): Promise<number> {
    return this.devicesAt.get(destination)?.size ?? 0;
  }

  async sampleDevicesAt(destination: string, count: number): Promise<string[]> {
    const members = [...this.devicesAt.get(destination) ?? []];
    // A partial Fisher-Yates shuffle: the first `count` places.
    const n = Math.min(Math.max(0, Math.floor(count)), members.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(Math.random() * (members.length - i));
      [members[i], members[j]] = [members[j], members[i]];
    }
    return members.slice(0, n);
  }

  async devicesOfModel(deviceModel: string, cursor: string | undefined, count: number): Promise<{ devices: Device[]; cursor: string | undefined }> {
    const all = [...this.devices.values()].filter((device) => device.deviceModel === deviceModel);
    const start = Number(cursor ?? 0);
    const page = all.slice(start, start + count).map(copy);
    return { devices: page, cursor: start + count < all.length ? String(start + count) : undefined };
  }

  async directoryChanges(cursor: string | undefined, limit = 1000): Promise<DirectoryChanges> {
    const log = this.directoryLog;
    if (cursor === undefined) return { cursor: log.last() ?? '0-0', users: [], devices: [], reset: false };
    log.trimToLength(DIRECTORY_LOG_LENGTH);
    const entries = log.after(cursor, limit);
    const reset = log.trimmedUpTo !== undefined && compareCursors(log.trimmedUpTo, cursor) > 0;
    const changes: DirectoryChanges = { cursor: entries.at(-1)?.id ?? cursor, users: [], devices: [], reset };
    for (const { value } of entries) {
      if (value.reset) changes.reset = true;
      changes.users.push(...(value.users ?? []));
      changes.devices.push(...(value.devices ?? []));
    }
    return changes;
  }

  async getDevice(deviceId: string): Promise<Device | undefined> {
    const device = this.devices.get(deviceId);
    return device && copy(device);
  }

  async getDevices(deviceIds: readonly string[]): Promise<(Device | undefined)[]> {
    return deviceIds.map((deviceId) => {
      const device = this.devices.get(deviceId);
      return device && copy(device);
    });
  }

  async loadContext(requestId: string, leg: Leg): Promise<RequestContext> {
    const context: RequestContext = {};
    const entry = this.request(requestId);
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
    const { leg, legRecord, record } = acceptance;
    const entry = this.request(requestId);
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
    this.sweep(now);
    this.requests.delete(requestId);
    this.outliving.delete(requestId);
    // Kept for the retention after it can next move: held for a later ExecutionDateTime, or
    // quarantined until its expiry, it would otherwise vanish unreleased; its TRT judged later
    // than the retention (a SMETS1 firmware activation days ahead), unjudged.
    const heldUntil = !acceptance.egress || acceptance.egress.forwardedAt !== undefined ? 0 : acceptance.egress.releaseAt ?? 0;
    // (Only a judgement after the plain retention needs it: the others stay in acceptance order, the cheap sweep.)
    const judgedAt = Math.max(acceptance.breachCheckAt ?? 0, acceptance.breachFinalAt ?? 0);
    const later = Math.max(heldUntil, acceptance.quarantine?.expiresAt ?? 0, judgedAt > now + this.retentionMs ? judgedAt : 0);
    const stored: RequestEntry = {
      legs: { ...entry?.legs, [leg]: copy(legRecord) },
      record: copy(record),
      expiresAt: Math.max(now, later) + this.retentionMs,
    };
    if (later > now) this.outlive(requestId, stored);
    else this.requests.set(requestId, stored);
    if (acceptance.egress) {
      const { releaseAt, forwardedAt } = acceptance.egress;
      if (forwardedAt !== undefined) {
        // Handed over by the caller: an entry already claimed, by no consumer in particular (see EgressItem).
        // It wins over held: the caller has sent it already, whatever this clock says of releaseAt.
        Object.assign(stored.record, { state: 'forwarded', forwardedAt });
        stored.egressEntry = this.enqueueEgress(record.destination, requestId, forwardedAt);
      } else if (releaseAt !== undefined && releaseAt > now) this.held.push(releaseAt, { requestId, destination: record.destination });
      else stored.egressEntry = this.enqueueEgress(record.destination, requestId);
    }
    if (acceptance.breachCheckAt !== undefined) this.indexDeadline(stored, requestId, acceptance.breachCheckAt);
    if (acceptance.breachFinalAt !== undefined) stored.breachFinalAt = acceptance.breachFinalAt;
    if (acceptance.quarantine) {
      this.quarantineRefs.set(acceptance.quarantine.ref, requestId);
      stored.quarantineRef = acceptance.quarantine.ref;
      this.quarantineExpiry.push(acceptance.quarantine.expiresAt, requestId);
    }
    if (acceptance.alert) this.appendOutbox(record.originatorId, copy(acceptance.alert));
    return counts ? { outcome: 'recorded', counts } : { outcome: 'recorded' };
  }

  private indexDeadline(entry: RequestEntry, requestId: string, checkAt: number): void {
    entry.breachCheckAt = checkAt;
    this.deadlines.push(checkAt, requestId);
  }

  async findQuarantine(ref: string): Promise<string | undefined> {
    const requestId = this.quarantineRefs.get(ref);
    return requestId && this.request(requestId) ? requestId : undefined;
  }

  async releaseQuarantine(requestId: string, release: Release): Promise<boolean> {
    const entry = this.request(requestId);
    // The same release again (its time: a retry of a call whose answer was lost) is done, as RedisStore says.
    if (entry?.record.state !== 'quarantined') return entry !== undefined && entry.record.state !== 'deleted' && entry.record.releasedAt === release.at;
    Object.assign(entry.record, { state: release.state, releasedAt: release.at });
    // The retention from now, or from when its TRT is last judged if later (never shortened).
    const keepUntil = Math.max(Date.now(), release.breachCheckAt ?? 0, release.breachFinalAt ?? 0) + this.retentionMs;
    if (entry.expiresAt < keepUntil) {
      entry.expiresAt = keepUntil;
      this.requests.delete(requestId);
      this.outlive(requestId, entry);
    }
    if (release.trt) entry.record.trt = copy(release.trt);
    if (release.egress) entry.egressEntry = this.enqueueEgress(entry.record.destination, requestId);
    if (release.breachCheckAt !== undefined) this.indexDeadline(entry, requestId, release.breachCheckAt);
    if (release.breachFinalAt !== undefined) entry.breachFinalAt = release.breachFinalAt;
    if (release.outbox) await this.enqueueOutbox(entry.record.originatorId, release.outbox);
    return true;
  }

  async deleteQuarantined(requestId: string, at: number): Promise<boolean> {
    const entry = this.request(requestId);
    if (entry?.record.state !== 'quarantined') return entry?.record.state === 'deleted' && entry.deletedAt === at;
    entry.record.state = 'deleted';
    entry.deletedAt = at;
    return true;
  }

  /** In RedisStore's order and cursor (`<partition>/<expiresAt>/<requestId>`): by partition, then soonest expiry. */
  async listQuarantined(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<RequestRecord>> {
    const position = (record: RequestRecord) => [partitionOf(record.originatorId), record.quarantine!.expiresAt, record.requestId] as const;
    const compare = (a: readonly [number, number, string], b: readonly [number, number, string]) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    const [p, rest] = splitCursor(after);
    const [at, requestId] = splitCursor(rest);
    const from = after === undefined ? undefined : [Number(p), Number(at), requestId ?? ''] as const;
    const records = [...new Set(this.quarantineRefs.values())]
      .map((id) => this.request(id)?.record)
      .filter((record): record is RequestRecord => record?.state === 'quarantined' && (userId === undefined || record.originatorId === userId))
      .filter((record) => from === undefined || compare(position(record), from) > 0)
      .sort((a, b) => compare(position(a), position(b)));
    return pageOf(records.slice(0, limit).map(copy), limit, (record) => position(record).join('/'));
  }

  async expireQuarantined(now: number, max: number): Promise<string[]> {
    const expired: string[] = [];
    while (expired.length < max && (this.quarantineExpiry.peekKey() ?? Infinity) <= now) {
      const requestId = this.quarantineExpiry.pop()!.value;
      if (await this.deleteQuarantined(requestId, now)) expired.push(requestId);
    }
    return expired;
  }

  private enqueueEgress(destination: string, requestId: string, claimedAt?: number): string {
    let queue = this.egress.get(destination);
    if (!queue) this.egress.set(destination, (queue = new Map()));
    const entryId = `${Date.now()}-${this.egressSeq++}`;
    queue.set(entryId, claimedAt === undefined ? { requestId } : { requestId, claimedAt, leased: true });
    return entryId;
  }

  async claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs = 0): Promise<EgressItem[]> {
    const until = Date.now() + blockMs;
    for (;;) {
      const items = destinations.flatMap((destination) => this.take(destination, consumer, max, (entry) => entry.claimedAt === undefined));
      const left = until - Date.now();
      if (items.length > 0 || left <= 0) return items;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 5)));
    }
  }

  async reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number): Promise<EgressItem[]> {
    const now = Date.now();
    return destinations.flatMap((destination) =>
      this.take(destination, consumer, max, (entry) => entry.claimedAt !== undefined && now - entry.claimedAt >= idleMs));
  }

  async renewEgress(items: readonly EgressItem[], consumer: string): Promise<void> {
    const now = Date.now();
    for (const item of items) {
      const egressEntry = this.request(item.record.requestId)?.egressEntry;
      const entry = egressEntry === undefined ? undefined : this.egress.get(item.destination)?.get(egressEntry);
      // A lease is anyone's to renew (as in Redis); a claimed entry only its consumer's.
      if (entry && entry.claimedAt !== undefined && (item.entryId === '' ? entry.leased : entry.claimedBy === consumer)) entry.claimedAt = now;
    }
  }

  private take(destination: string, consumer: string, max: number, eligible: (entry: EgressEntry) => boolean): EgressItem[] {
    const queue = this.egress.get(destination);
    if (!queue) return [];
    const now = Date.now();
    const items: EgressItem[] = [];
    for (const [entryId, entry] of queue) {
      if (items.length >= max) break;
      if (!eligible(entry)) continue;
      const request = this.request(entry.requestId);
      // Gone, or no longer waiting for its network (answered meanwhile): settled, nothing to send.
      if (!request || (request.record.state !== 'accepted' && request.record.state !== 'forwarded')) {
        queue.delete(entryId);
        continue;
      }
      entry.claimedBy = consumer;
      entry.claimedAt = now;
      // Taken is handed over: accepted -> forwarded (a redelivery stays forwarded since its first claim).
      if (request.record.state === 'accepted') {
        request.record.state = 'forwarded';
        request.record.forwardedAt = now;
      }
      items.push({ destination, entryId: entry.leased ? '' : entryId, record: copy(request.record) });
    }
    return items;
  }

  async releaseHeld(now: number, max: number, handOver?: ReleaseHandOver): Promise<HeldRelease> {
    const release: HeldRelease = { queued: 0, handedOver: [], more: false };
    let taken = 0;
    while (taken < max && (this.held.peekKey() ?? Infinity) <= now) {
      taken++;
      const { requestId, destination } = this.held.pop()!.value;
      const entry = this.request(requestId);
      if (!entry || entry.egressEntry) continue;
      if (handOver && release.handedOver.length < handOver.max && handOver.destinations.includes(destination) && entry.record.state === 'accepted') {
        Object.assign(entry.record, { state: 'forwarded', forwardedAt: now });
        entry.egressEntry = this.enqueueEgress(destination, requestId, now);
        release.handedOver.push({ destination, entryId: '', record: copy(entry.record) });
      } else {
        entry.egressEntry = this.enqueueEgress(destination, requestId);
        release.queued++;
      }
    }
    release.more = taken === max;
    return release;
  }

  async heldLeasedAt(at: number, destinations: readonly string[]): Promise<EgressItem[]> {
    const items: EgressItem[] = [];
    for (const destination of destinations) {
      for (const entry of this.egress.get(destination)?.values() ?? []) {
        const request = entry.leased && entry.claimedAt === at ? this.request(entry.requestId) : undefined;
        if (request?.record.state === 'forwarded' && request.record.forwardedAt === at) items.push({ destination, entryId: '', record: copy(request.record) });
      }
    }
    return items;
  }

  async recordResponse(response: NetworkResponse): Promise<ResponseOutcome> {
    const entry = this.request(response.requestId);
    if (!entry) return { outcome: 'unknown' };
    const record = entry.record;
    if (record.state === 'responded' || record.state === 'delivered') {
      // The same response again (its time and code: a retry of a call whose answer was lost) is answered as the first was.
      if (record.respondedAt !== response.at || record.responseCode !== response.responseCode) return { outcome: 'duplicate' };
      return { outcome: 'recorded', breached: record.breached === true, breachMarkedEarlier: entry.breachMarkedEarlier === true, trtClass: record.trt?.class, elapsedMs: record.elapsedMs };
    }
    if (record.state !== 'accepted' && record.state !== 'forwarded') return { outcome: 'unknown' };
    const breachMarkedEarlier = record.breached === true;
    entry.breachMarkedEarlier = breachMarkedEarlier;
    const { elapsedMs, breached } = judgeResponse(record, response.at, response.wanMs);
    const responseId = responseIdFor(response.requestId);
    // The response decides what overdue left open; a breach it reveals gets its alert now.
    delete record.overdue;
    if (breached && !breachMarkedEarlier) this.appendOutbox(record.originatorId, trtAlert(response.requestId, record.trt?.deadline ?? response.at));
    Object.assign(record, { state: 'responded', respondedAt: response.at, responseCode: response.responseCode, responseId, breached });
    if (elapsedMs !== undefined) record.elapsedMs = elapsedMs;
    if (response.wanMs !== undefined) record.wanMs = response.wanMs;
    if (entry.egressEntry) this.egress.get(record.destination)?.delete(entry.egressEntry);
    entry.egressEntry = undefined;
    this.appendOutbox(record.originatorId, {
      kind: 'response', requestId: response.requestId, responseId, responseCode: response.responseCode, body: responseBody(response, record),
    });
    return { outcome: 'recorded', breached, breachMarkedEarlier, trtClass: record.trt?.class, elapsedMs };
  }

  /** Nothing is marked in bulk here: a claim names each breach, in-process, as it marks it. */
  async markBreaches(_now: number, _lagBoundsMs?: readonly number[]): Promise<MarkedBreaches[]> {
    return [];
  }

  /** Marks and alerts each breach in the same step: every one named, none only `marked`. */
  async claimBreaches(now: number, max: number): Promise<BreachClaims> {
    const breaches: Breach[] = [];
    while (breaches.length < max && (this.deadlines.peekKey() ?? Infinity) <= now) {
      const { key: checkAt, value: requestId } = this.deadlines.pop()!;
      const entry = this.request(requestId);
      const record = entry?.record;
      if (!entry || !record || entry.breachCheckAt !== checkAt || record.breached) continue;
      if (record.state !== 'accepted' && record.state !== 'forwarded') continue;
      const claimed = { requestId, originatorId: record.originatorId, destination: record.destination, trtClass: record.trt?.class ?? '', checkAt, lagMs: now - checkAt };
      if (entry.breachFinalAt !== undefined && !record.overdue) {
        // SMETS1 (contract v1.1): provisional until its response, or its final check time.
        record.overdue = true;
        this.indexDeadline(entry, requestId, entry.breachFinalAt);
        breaches.push({ ...claimed, overdue: true });
        continue;
      }
      record.breached = true;
      delete record.overdue;
      this.appendOutbox(record.originatorId, trtAlert(requestId, record.trt?.deadline ?? checkAt));
      breaches.push(claimed);
    }
    return { breaches, marked: [] };
  }

  private scheduleSeq = 0;
  /** `leasedOccurrence`: while leased, the occurrence's own due time (`dueAt` is then the lease's end). */
  private readonly schedules = new Map<string, { schedule: DspSchedule; dueAt: number | undefined; leasedOccurrence?: number }>();

  /** The RequestIDs that created a schedule, until the request's retention ends (in order of expiry: swept from the front). */
  private readonly schedulesByRequest = new Map<string, { expiresAt: number }>();

  async allocateScheduleId(): Promise<number> {
    return ++this.scheduleSeq;
  }

  async createSchedule(originatorId: string, scheduleId: number, schedule: DspSchedule, firstDueAt: number, requestId: string): Promise<boolean> {
    const now = Date.now();
    for (const [id, marker] of this.schedulesByRequest) {
      if (marker.expiresAt > now) break;
      this.schedulesByRequest.delete(id);
    }
    if (this.schedulesByRequest.has(requestId)) return false;
    this.schedules.set(`${originatorId}:${scheduleId}`, { schedule: copy(schedule), dueAt: firstDueAt });
    this.schedulesByRequest.set(requestId, { expiresAt: now + this.retentionMs });
    return true;
  }

  async getSchedule(originatorId: string, scheduleId: number): Promise<DspSchedule | undefined> {
    const entry = this.schedules.get(`${originatorId}:${scheduleId}`);
    return entry ? copy(entry.schedule) : undefined;
  }

  async deleteSchedule(originatorId: string, scheduleId: number): Promise<boolean> {
    return this.schedules.delete(`${originatorId}:${scheduleId}`);
  }

  async claimDueSchedules(now: number, max: number, leaseMs: number): Promise<ClaimedSchedule[]> {
    const claimed: ClaimedSchedule[] = [];
    const due = [...this.schedules].filter(([, entry]) => entry.dueAt !== undefined && entry.dueAt <= now).sort((a, b) => a[1].dueAt! - b[1].dueAt!);
    for (const [key, entry] of due.slice(0, max)) {
      const [originatorId, id] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      // A claim after a lease ended takes the occurrence that lease did not run, not the lease's end.
      entry.leasedOccurrence ??= entry.dueAt!;
      claimed.push({ originatorId, scheduleId: Number(id), schedule: copy(entry.schedule), dueAt: entry.leasedOccurrence, leasedUntil: now + leaseMs });
      entry.dueAt = now + leaseMs;
    }
    return claimed;
  }

  async rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined): Promise<boolean> {
    const key = `${claimed.originatorId}:${claimed.scheduleId}`;
    const entry = this.schedules.get(key);
    if (!entry || entry.dueAt !== claimed.leasedUntil) return false;
    if (nextDueAt === undefined) this.schedules.delete(key);
    else Object.assign(entry, { dueAt: nextDueAt, leasedOccurrence: undefined });
    return true;
  }

  async enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]): Promise<void> {
    for (const { userId, item } of entries) this.appendOutbox(userId, copy(item));
  }

  async enqueueOutbox(userId: string, item: NewOutboxItem): Promise<OutboxItem> {
    return this.appendOutbox(userId, copy(item));
  }

  private appendOutbox(userId: string, item: NewOutboxItem): OutboxItem {
    let stream = this.outboxes.get(userId);
    if (!stream) this.outboxes.set(userId, (stream = new MemoryStream()));
    const now = Date.now();
    stream.trimOlderThan(now - this.outboxRetentionMs);
    const cursor = stream.append(item, now);
    return { cursor, ...copy(item) };
  }

  async readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number): Promise<OutboxItem[]> {
    const stream = this.liveOutbox(userId);
    if (!stream) return [];
    const items = stream.after(after, limit).map(({ id, value }) => ({ cursor: id, ...copy(value) }));
    if (deliveredAt !== undefined) await this.markDelivered(respondedRequestIds(items), deliveredAt);
    return items;
  }

  async markDelivered(requestIds: readonly string[], _at: number): Promise<void> {
    for (const requestId of requestIds) {
      const record = this.request(requestId)?.record;
      if (record?.state === 'responded') record.state = 'delivered';
    }
  }

  /** A User's outbox without its items past the retention: a User idle since adds nothing that would trim them. */
  private liveOutbox(userId: string): MemoryStream<NewOutboxItem> | undefined {
    const stream = this.outboxes.get(userId);
    stream?.trimOlderThan(Date.now() - this.outboxRetentionMs);
    return stream;
  }

  async webhookBacklog(): Promise<string[]> {
    return [...this.users.values()]
      .filter((user) => user.receiveEndpoint && this.liveOutbox(user.userId)?.after(this.cursors.get(user.userId), 1).length)
      .map((user) => user.userId);
  }

  async egressBacklog(destinations: readonly string[]): Promise<Record<string, number>> {
    return Object.fromEntries(destinations.map((destination) => [destination, this.egress.get(destination)?.size ?? 0]));
  }

  async outboxLag(userIds: readonly string[], now: number): Promise<Record<string, number>> {
    return Object.fromEntries(userIds.map((userId) => {
      const [oldest] = this.liveOutbox(userId)?.after(this.cursors.get(userId), 1) ?? [];
      return [userId, oldest ? Math.max(0, now - Number(oldest.id.split('-')[0])) : 0];
    }));
  }

  async outboxHeads(userIds: readonly string[]): Promise<(string | undefined)[]> {
    return userIds.map((userId) => this.liveOutbox(userId)?.last());
  }

  async leaseDelivery(userId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.lease(`delivery:${userId}`, owner, ttlMs);
  }

  async leaseAlerts(destination: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.lease(`alerts:${destination}`, owner, ttlMs);
  }

  private lease(name: string, owner: string, ttlMs: number): boolean {
    const now = Date.now();
    const lease = this.leases.get(name);
    if (lease && lease.owner !== owner && lease.until > now) return false;
    this.leases.set(name, { owner, until: now + ttlMs });
    return true;
  }

  async deliveryCursor(userId: string): Promise<string | undefined> {
    return this.cursors.get(userId);
  }

  async setDeliveryCursor(userId: string, cursor: string): Promise<void> {
    this.cursors.set(userId, cursor);
  }

  async deadLetter(userId: string, item: OutboxItem, reason: string): Promise<void> {
    let stream = this.deadLetters.get(userId);
    if (!stream) this.deadLetters.set(userId, (stream = new MemoryStream()));
    const now = Date.now();
    stream.trimOlderThan(now - this.deadLetterRetentionMs);
    stream.append({ item: copy(item), reason }, now);
  }

  /** The cursor is `<userId>/<id>` of the last dead letter given: Users in order, each one's oldest first. */
  async listDeadLetters(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<DeadLetter>> {
    const [afterUser, afterId] = splitCursor(after);
    const users = (userId === undefined ? [...this.deadLetters.keys()].sort() : [userId])
      .filter((user) => afterUser === undefined || user >= afterUser);
    const items: DeadLetter[] = [];
    for (const user of users) {
      const from = user === afterUser ? afterId : undefined;
      for (const { id, value } of this.deadLetters.get(user)?.after(from, limit - items.length) ?? []) {
        items.push({ userId: user, id, at: Number(id.split('-')[0]), reason: value.reason, item: copy(value.item) });
      }
      if (items.length >= limit) break;
    }
    return pageOf(items, limit, (letter) => `${letter.userId}/${letter.id}`);
  }

  async redriveDeadLetters(userId: string, ids: readonly string[] | 'all'): Promise<Redriven[]> {
    const stream = this.deadLetters.get(userId);
    if (!stream) return [];
    const chosen = ids === 'all' ? stream.after(undefined, Infinity) : ids.flatMap((id) => stream.get(id) ?? []);
    return chosen.map(({ id, value }) => {
      stream.remove(id);
      const { cursor, ...item } = value.item;
      return { id, cursor: this.appendOutbox(userId, { ...item, redrivenFrom: cursor }).cursor };
    });
  }

  async getRequest(requestId: string): Promise<RequestRecord | undefined> {
    const entry = this.request(requestId);
    return entry && copy(entry.record);
  }

  async incrementStats(set: string, increments: Record<string, number>): Promise<void> {
    let counters = this.stats.get(set);
    if (!counters) this.stats.set(set, (counters = new Map()));
    for (const [name, by] of Object.entries(increments)) counters.set(name, (counters.get(name) ?? 0) + by);
  }

  async readStats(set: string): Promise<Record<string, number>> {
    return Object.fromEntries(this.stats.get(set) ?? []);
  }

  async getSetting<T>(name: string): Promise<T | undefined> {
    const value = this.settings.get(name);
    return value === undefined ? undefined : copy(value as T);
  }

  async getSettings(names: readonly string[]): Promise<unknown[]> {
    return names.map((name) => {
      const value = this.settings.get(name);
      return value === undefined ? undefined : copy(value);
    });
  }

  async putSetting<T>(name: string, value: T): Promise<void> {
    this.settings.set(name, copy(value));
  }

  async updateSetting<T>(name: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    // Read, changed and written in one turn: nothing else runs in between.
    const stored = this.settings.get(name);
    const next = change(stored === undefined ? undefined : copy(stored as T));
    if (next !== undefined) this.settings.set(name, copy(next));
    return next;
  }

  async ping(): Promise<void> {}

  async storeTime(): Promise<number> {
    return Date.now();
  }

  async storeIdentity(candidate: string): Promise<string> {
    this.identity ??= candidate;
    return this.identity;
  }

  async close(): Promise<void> {}

  /** The live entry of a request; an expired one is dropped when met. */
  private request(requestId: string): RequestEntry | undefined {
    const entry = this.requests.get(requestId) ?? this.outliving.get(requestId);
    if (entry && entry.expiresAt <= Date.now()) {
      this.requests.delete(requestId);
      this.outliving.delete(requestId);
      this.forgetQuarantineRef(requestId, entry);
      return undefined;
    }
    return entry;
  }

  /** A request gone at its retention takes its quarantine ref with it (as its Redis key expires with it). */
  private forgetQuarantineRef(requestId: string, entry: RequestEntry): void {
    const ref = entry.quarantineRef;
    if (ref !== undefined && this.quarantineRefs.get(ref) === requestId) this.quarantineRefs.delete(ref);
  }

  /** Kept apart from the acceptance order, until its own expiry (pushed again when it moves). */
  private outlive(requestId: string, entry: RequestEntry): void {
    this.outliving.set(requestId, entry);
    this.outlivingExpiry.push(entry.expiresAt, requestId);
  }

  /** Drops expired entries, so requests never read again do not pile up. */
  private sweep(now: number): void {
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
}
