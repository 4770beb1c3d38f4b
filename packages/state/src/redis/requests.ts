import type { TrtClass } from '@dccrouter/domain';
import type { ChainableCommander } from 'ioredis';
import { EXPIRY_SLACK_MS, planCounters, type CounterPlan } from '../counters/index.ts';
import { responseIdFor } from '../shared/index.ts';
import { StateUnavailableError, type Acceptance, type AcceptanceResult, type Leg, type ReplicasShort, type NetworkResponse, type RequestContext, type RequestRecord, type RequestState, type ResponseOutcome } from '../store/index.ts';
import { EGRESS_GROUP, RedisPart, type AcceptReply, type RedisContext, type RespondReply } from './base.ts';
import { PartitionBatcher } from './batcher.ts';
import { packLegAnswer, packRecord, recordFrom, unpackLeg, unpackRecord } from './records.ts';
import { bulkIndexOf } from './trt.ts';

/** Measured on the bench's acknowledgement path (with the simulated networks): 1 ms to 10 ms took about 5% off router + Redis CPU per request. */
const DEFAULT_RESPONSE_GATHER_MS = 10;
const MIN_ACCEPTANCE_MARK_MS = 10_000;

/** How long an instance trusts that a bulk TRT index it listed is still listed (see listedBulkIndexes). */
const BULK_RELIST_MS = 10_000;

/** One request waiting for its partition's acceptance call: its fields (partition tag first) and counters. */
interface PendingAcceptance {
  requestId: string;
  /** The caller's acceptance, which an unconfirmed call's error is asked about (StateUnavailableError.recordedBy). */
  acceptance: Acceptance;
  fields: (string | number)[];
  counters: CounterPlan[];
  /** Counted whatever the limits say (Acceptance.count.evenInExcess). */
  evenInExcess: boolean;
}

/**
 * A request's life on the request path and at its response: what a retry or a signed leg reads
 * first (loadContext), its acceptance (accept-batch.lua, batched per partition), its record, and its
 * network's response (respond-batch.lua, batched too).
 */
export class RedisRequests extends RedisPart {
  /**
   * Bulk TRT indexes (`<tag>|<class>:<destination>`) this instance listed in their partition's
   * trtkeys, and when: an acceptance lists its index only when not listed here in the last
   * BULK_RELIST_MS (one SADD per index and period, not per request), so an index lost with Redis's
   * data is listed again within that period. Cleared when an acceptance call fails.
   */
  private readonly listedBulkIndexes = new Map<string, number>();
  private readonly acceptances = new PartitionBatcher<PendingAcceptance, AcceptanceResult>((_, items) => this.acceptBatch(items));
  private readonly responses: PartitionBatcher<(string | number)[], RespondReply>;
  /** A call's mark outlives any wait for its reply (the store's command time limit), with room. */
  private readonly acceptanceMarkMs: number;

  constructor(context: RedisContext) {
    super(context);
    this.acceptanceMarkMs = Math.max(MIN_ACCEPTANCE_MARK_MS, 2 * context.commandTimeoutMs);
    this.responses = new PartitionBatcher((_, items) => this.respondBatch(items), { gatherMs: context.options.responseGatherMs ?? DEFAULT_RESPONSE_GATHER_MS });
  }

  /**
   * One HMGET, not a pipeline of its own: the client's automatic pipelining sends those of a turn
   * (a signed-once batch's signed legs) in one write.
   */
  async loadContext(requestId: string, leg: Leg): Promise<RequestContext> {
    const legs: Leg[] = leg === 'signed' ? ['signed', 'transform'] : [leg];
    // The record too: a leg's plain acknowledgement is kept as a marker and made again from it.
    const fields = await this.call('load context', () =>
      this.redis.hmget(this.requestKey(requestId), ...legs.flatMap((name) => [name, `${name}:hash`, `${name}:srv`]), 'state', 'record'));
    const context: RequestContext = {};
    const [state, recordJson] = fields.slice(-2);
    const [legRecord, transformLeg] = legs.map((_, i) => unpackLeg(fields[3 * i], fields[3 * i + 1], fields[3 * i + 2], recordJson, requestId));
    if (legRecord) context.leg = legRecord;
    if (transformLeg) context.transformLeg = transformLeg;
    // Until the signed leg is recorded, the record is its transform leg's.
    if (transformLeg && !legRecord && recordJson !== null) {
      const { bodyElement: element, bodyValue: value } = unpackRecord(recordJson, requestId);
      context.transformCommand = { element, value };
      if (state !== null) context.transformState = state as RequestState;
    }
    return context;
  }

  /** Batched with the other acceptances of its partition in this turn: one script call for them all. */
  recordAcceptance(requestId: string, acceptance: Acceptance): Promise<AcceptanceResult> {
    const tag = this.tagOf(requestId);
    return this.acceptances.add(this.batchGroup(tag), this.pendingAcceptance(requestId, tag, acceptance));
  }

  /** One request's fields for accept-batch.lua, in its order, and its User-scope counters. */
  private pendingAcceptance(requestId: string, tag: string, acceptance: Acceptance): PendingAcceptance {
    const { leg, legRecord, record, egress, breachCheckAt, quarantine, count } = acceptance;
    // Handed over wins over held: the caller has sent it already, whatever this clock says of releaseAt.
    const egressMode = !egress ? '' : egress.forwardedAt !== undefined ? 'lease' : egress.releaseAt !== undefined && egress.releaseAt > Date.now() ? 'held' : 'now';
    const extras = record.responseExtras && Object.keys(record.responseExtras).length > 0 ? JSON.stringify(record.responseExtras) : '';
    const fields: (string | number)[] = [
      tag, requestId, leg, legRecord.bodyHash, legRecord.srv, packLegAnswer(legRecord, acceptance.plainAcknowledgement === true), packRecord(record),
      egressMode === 'lease' ? 'forwarded' : record.state, record.originatorId, record.destination, egressMode,
      (egressMode === 'lease' ? egress?.forwardedAt : egress?.releaseAt) ?? 0,
      breachCheckAt ?? '', quarantine?.expiresAt ?? '', quarantine?.ref ?? '', acceptance.alert ? JSON.stringify(acceptance.alert) : '',
      extras, acceptance.breachFinalAt ?? '', this.bulkIndexArg(tag, bulkIndexOf(record.trt, record.destination, breachCheckAt, acceptance.breachFinalAt)),
    ];
    return { requestId, acceptance, fields, counters: count ? planCounters(`user:${count.scope}`, count.rules, count.at, tag.slice(1, -1)) : [], evenInExcess: count?.evenInExcess === true };
  }

  /** accept-batch.lua's bulk index field: '+' first when it is to be listed in its partition's trtkeys. */
  private bulkIndexArg(tag: string, bulkIndex: string): string {
    if (bulkIndex === '') return '';
    const key = `${tag}|${bulkIndex}`;
    const now = Date.now();
    const listedAt = this.listedBulkIndexes.get(key);
    if (listedAt !== undefined && now - listedAt < BULK_RELIST_MS) return bulkIndex;
    this.listedBulkIndexes.set(key, now);
    return `+${bulkIndex}`;
  }

  private async acceptBatch(items: PendingAcceptance[]): Promise<AcceptanceResult[]> {
    // A counter is sent once per call, however many requests count in it (a User's batch: all of
    // them), and each request names its counters by their place in that list.
    const counterIndex = new Map<string, number>();
    const counterArgs: (string | number)[] = [];
    const requestArgs: (string | number)[] = [];
    for (const { fields, counters, evenInExcess } of items) {
      for (const field of fields) requestArgs.push(field);
      // Negative: counted even in excess (accept-batch.lua).
      requestArgs.push(evenInExcess ? -counters.length : counters.length);
      for (const plan of counters) {
        const id = `${plan.counter}|${plan.limit}|${plan.floor}|${plan.bucket}`;
        let index = counterIndex.get(id);
        if (index === undefined) {
          index = counterIndex.size + 1;
          counterIndex.set(id, index);
          counterArgs.push(plan.counter, plan.limit, plan.floor, plan.bucket, plan.geometry.span,
            plan.geometry.windowMs + plan.geometry.bucketMs + EXPIRY_SLACK_MS);
        }
        requestArgs.push(index);
      }
    }
    let reply: AcceptReply;
    let replicasShort: ReplicasShort | undefined;
    const tag = items[0].fields[0];
    const mark = this.callMark('accepted', String(tag));
    try {
      ({ reply, replicasShort } = await this.call('record acceptance', () => this.confirmedWithin(this.acceptanceCall(mark,
        this.context.acceptances.acceptBatch(`${this.prefix}trt:${tag}`, mark, this.prefix, this.context.retentionSeconds,
          this.outboxMinId(), this.acceptanceMarkMs, counterIndex.size, ...counterArgs, ...requestArgs)))));
    } catch (error) {
      // The call may not have listed its indexes: the next acceptance of each lists it.
      this.listedBulkIndexes.clear();
      if (!(error instanceof StateUnavailableError) || !error.unconfirmed) throw error;
      throw new StateUnavailableError(error.message, { cause: error.cause, unconfirmed: true, recordedBy: (acceptance) => this.recordedByCall(mark, items, acceptance) });
    }
    const results = acceptanceResults(reply, items.map((item) => item.requestId));
    if (replicasShort) {
      for (const result of results) {
        if (result.outcome === 'recorded' || result.outcome === 'landed' || result.outcome === 'duplicate') result.replicasShort = replicasShort;
      }
    }
    return results;
  }

  /**
   * The acceptance script's answer, and when replicas must confirm it (waitReplicas) whether they
   * do: asked once it has answered (the client library has then sent it again if Redis had lost
   * the script, or to the slot's new master), on the same connection.
   */
  private async acceptanceCall(mark: string, call: Promise<AcceptReply>): Promise<{ reply: AcceptReply; replicasShort?: ReplicasShort }> {
    const reply = await call;
    if (this.context.waitReplicas === 0) return { reply };
    // The call's own write (its mark) is the connection's last: a read of it routes the WAIT.
    return { reply, replicasShort: await this.replicasHolding(this.context.acceptances.pipeline().exists(mark)) };
  }

  /**
   * Redis's WAIT on the acceptance connection, behind `routing`, a pipeline of one command on a
   * key that routes it to the master of the key's slot (a Redis Cluster pipeline goes where its
   * keys are): answered once enough replicas hold everything this connection wrote there, or at
   * the timeout. Anything that fails (a MOVED, a WAIT refused) confirms nothing.
   */
  private async replicasHolding(routing: ChainableCommander): Promise<ReplicasShort | undefined> {
    const { waitReplicas: wanted, waitTimeoutMs } = this.context;
    const started = performance.now();
    const answers = await routing.wait(wanted, waitTimeoutMs).exec();
    const confirmed = answers && !answers[0][0] && !answers[1][0] ? Number(answers[1][1]) : 0;
    return confirmed < wanted ? { wanted, confirmed, waitedMs: Math.round(performance.now() - started) } : undefined;
  }

  /**
   * For an answer made from a record found rather than written (a replay, a write that was not
   * confirmed): whether enough replicas hold it (waitReplicas), by one write in the request's
   * partition and a WAIT behind it. Undefined when they do, or when none are required.
   */
  async replicasShortOf(requestId: string): Promise<ReplicasShort | undefined> {
    if (this.context.waitReplicas === 0) return undefined;
    const key = this.callMark('accepted', this.tagOf(requestId));
    // A write, so that everything the master holds (another router's records too, which
    // replication carries in order) is covered, not only this connection's last write.
    const routing = this.context.acceptances.pipeline().set(key, '1', 'PX', this.acceptanceMarkMs);
    return this.call('confirm replicated', () => this.confirmedWithin(this.replicasHolding(routing)));
  }

  /**
   * Whether the call that left `mark` recorded this acceptance, asked once its leg is seen
   * recorded with its body: the call writes its mark in the same step as its records, so a record
   * seen and no '1' in the mark (none yet, or the call found a copy) is another call's. A mark
   * gone (kept acceptanceMarkMs) reads as not this call's: the lease's expiry then sends it.
   */
  private async recordedByCall(mark: string, items: readonly PendingAcceptance[], acceptance: Acceptance): Promise<boolean> {
    const place = items.findIndex((item) => item.acceptance === acceptance);
    if (place < 0) throw new Error('recordedBy asked about an acceptance that was not in the call');
    const recorded = await this.call('GET acceptance mark', () => this.redis.get(mark));
    return recorded?.[place] === '1';
  }

  async getRequest(requestId: string): Promise<RequestRecord | undefined> {
    const fields = await this.call('HGETALL request', () => this.redis.hgetall(this.requestKey(requestId)));
    if (!fields.record) return undefined;
    const record = recordFrom(fields, requestId);
    if (await this.markedInBulk(record, fields.bk === '1')) record.breached = true;
    return record;
  }

  /**
   * A bulk-indexed request's breach is not written in its hash (claim-breaches.lua): open, its
   * deadline is marked once its partition's mark has reached it. One more read, for an open
   * request indexed in bulk (the mark is the claiming router's clock, not this one's).
   */
  private async markedInBulk(record: RequestRecord, indexedInBulk: boolean): Promise<boolean> {
    if (record.breached || !record.trt || !indexedInBulk) return false;
    if (record.state !== 'accepted' && record.state !== 'forwarded') return false;
    const mark = await this.call('GET TRT mark', () => this.redis.get(this.trtMarkKey(this.tagOf(record.requestId))));
    return mark !== null && record.trt.deadline <= Number(mark);
  }

  /**
   * One script call per batch group claims new entries from every destination's stream, reads
   * their requests and marks them forwarded (claim-egress.lua): one round trip per claim. When
   * nothing is waiting and `blockMs` is given, an idle router then blocks on one XREADGROUP over
   * every stream (on its own connection) and takes what it brings (read-claimed.lua). A Redis

  /** Batched with the other responses of its partition in this turn: one script call for them all. */
  async recordResponse(response: NetworkResponse): Promise<ResponseOutcome> {
    const responseId = responseIdFor(response.requestId);
    const head = `{"kind":"response","requestId":${JSON.stringify(response.requestId)},"responseId":${JSON.stringify(responseId)},`
      + `"responseCode":${JSON.stringify(response.responseCode)},"body":`;
    const body = JSON.stringify(response.body ?? {});
    const tag = this.tagOf(response.requestId);
    const reply = await this.responses.add(this.batchGroup(tag), [tag,
      response.requestId, response.at, response.responseCode, response.wanMs ?? '', response.unsent ? '1' : '', head, body,
    ]);
    if (reply[0] !== 'recorded') return { outcome: reply[0] as 'duplicate' | 'unknown' };
    const [, breached, earlier, elapsed, trtClass, retracted] = reply;
    return {
      outcome: 'recorded', breached: breached === '1', breachMarkedEarlier: earlier === '1',
      ...(retracted ? { breachRetracted: Number(retracted) } : {}),
      trtClass: (trtClass || undefined) as TrtClass | undefined,
      elapsedMs: elapsed ? Number(elapsed) : undefined,
    };
  }

  /**
   * One call for a partition's responses. With replicas to wait for (waitReplicas), on the
   * acceptances' connection and followed by its WAIT: responses the replicas do not confirm in
   * time fail, unconfirmed, so their networks send them again (a repeat is answered as the first
   * recording, see respond-batch.lua) rather than forget a response a failover may lose.
   */
  private async respondBatch(items: (string | number)[][]): Promise<RespondReply[]> {
    const index = `${this.prefix}trt:${items[0][0]}`;
    const waiting = this.context.waitReplicas > 0;
    const connection = waiting ? this.context.acceptances : this.redis;
    const flat = await this.call('record response', () => this.confirmedWithin(
      connection.respondBatch(index, this.prefix, this.outboxMinId(), EGRESS_GROUP, ...items.flat())));
    if (waiting) {
      const short = await this.call('confirm replicated', () => this.confirmedWithin(this.replicasHolding(this.context.acceptances.pipeline().exists(index))));
      if (short) {
        throw new StateUnavailableError(`responses recorded, but ${short.confirmed} of the ${short.wanted} Redis replicas required confirmed them within ${short.waitedMs} ms: not confirmed, to be sent again`, { unconfirmed: true });
      }
    }
    return items.map((_, i) => flat.slice(6 * i, 6 * i + 6) as RespondReply);
  }
}

/** Each request's result from accept-batch.lua's flat answer (see the script), in the order sent. */
function acceptanceResults(reply: AcceptReply, requestIds: readonly string[]): AcceptanceResult[] {
  let at = 0;
  const counts = () => {
    const n = reply[at++] as number;
    at += n;
    return reply.slice(at - n, at) as number[];
  };
  return requestIds.map((requestId): AcceptanceResult => {
    const outcome = reply[at++] as string;
    switch (outcome) {
      case 'recorded': {
        const counted = counts();
        return counted.length > 0 ? { outcome: 'recorded', counts: counted } : { outcome: 'recorded' };
      }
      case 'duplicate':
      case 'landed': {
        const [leg, record] = [reply[at] as string, reply[at + 1] as string];
        at += 2;
        return { outcome, answer: unpackLeg(leg, '', '', record, requestId)!.answer };
      }
      case 'over_limit': {
        const breached = reply[at++] as number;
        return { outcome: 'over_limit', breached, counts: counts() };
      }
      case 'transform_leg_missing':
      case 'request_id_reused':
        return { outcome };
      default:
        throw new Error(`accept-batch.lua answered ${JSON.stringify(outcome)} for ${requestId}`);
    }
  });
}
