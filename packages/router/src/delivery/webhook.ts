import { findSrv, type User } from '@dccrouter/domain';
import { respondedRequestIds, type OutboxItem, type StateStore } from '@dccrouter/state';
import { taskFailureReporter, type Logger } from '../log/index.ts';
import { backoffDelay, WEBHOOK_SIGNATURE_HEADER, type RouterSigningKey } from './signing.ts';
import { XML_TYPE, xmlOutboxItem } from '../duis-xml/response.ts';
import type { XmlSigner } from '../duis-xml/sign.ts';

export interface WebhookOptions {
  owner: string;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  batch: number;
  /**
   * How long the outbox keeps an item (OUTBOX_RETENTION_SECONDS): it is trimmed by time whatever
   * the delivery cursor, so an item still undelivered near the end of it is dead-lettered first.
   */
  outboxRetentionMs: number;
  /** The backoff's jitter, in [0, 1): Math.random unless told (tests fix it). */
  random?: () => number;
}

/** How long before its retention ends an undelivered item is taken as aging: a quarter of the retention, at most an hour. */
function agingMarginMs(retentionMs: number): number {
  return Math.min(retentionMs / 4, 3_600_000);
}

/** For a User taking DUIS XML: each response's SRV by RequestID (undefined when its record is gone). */
type XmlServices = Map<string, { serviceReference: string; serviceReferenceVariant: string } | undefined>;

interface Retry {
  cursor: string;
  /** The endpoint that failed it: another (the operator changed it) starts the item's attempts again. */
  endpoint: string;
  attempts: number;
  notBefore: number;
  /** When its endpoint was last compared with the User's (endpointChanged). */
  checkedAt: number;
}

/**
 * How often a pass reads its User again, and settles what it delivered so far: an endpoint changed
 * or removed meanwhile (a wrong party, a compromised host) gets nothing more from it after this,
 * and a status read shows `delivered` within it.
 */
const RECHECK_MS = 1_000;

/**
 * Delivers each User's outbound items to its Receive Response endpoint, in order, at least once.
 * One router instance at a time holds a User's delivery lease; an item that keeps failing is
 * retried with exponential backoff and equal jitter, then dead-lettered so the items behind it can
 * move on. Each POST is signed with the router's key (X-DCC-Router-Signature).
 */
export class WebhookDeliverer {
  private readonly retries = new Map<string, Retry>();
  /** Each User's delivery under way: a pass starts only Users not already being delivered to. */
  private readonly running = new Map<string, Promise<void>>();
  /** Users whose delivery lease this instance holds (or held last): given up when it stops. */
  private readonly leased = new Set<string>();
  /** A store refusing writes fails every User's pass every tick: each counted, logged at most every 10 s. */
  private readonly passFailed: ReturnType<typeof taskFailureReporter>;

  constructor(
    private readonly store: StateStore,
    private readonly options: WebhookOptions,
    private readonly log: Logger,
    private readonly signingKey: RouterSigningKey,
    /** Signs the DUIS XML sent to Users registered with receiveFormat "xml". */
    private readonly xmlSigner: XmlSigner,
    private readonly metrics: { delivered: (n: number) => void; failed: () => void; deadLettered: () => void },
  ) {
    this.passFailed = taskFailureReporter(log, 'webhook-delivery');
  }

  /**
   * The delivery loop's pass: each User with something new gets a delivery of its own, unless one
   * is under way, and the pass ends once they are started. A slow receiver (each POST may take
   * WEBHOOK_TIMEOUT_MS, a pass 100 of them) then holds up only its own User's items, not every
   * other User's on this instance.
   */
  async startAll(): Promise<void> {
    const users = await this.store.webhookBacklog();
    for (const userId of users.filter((user) => !this.running.has(user))) {
      const delivery = this.deliverUser(userId)
        .catch((error) => this.passFailed({ err: error, userId }, 'webhook delivery pass failed'))
        .finally(() => this.running.delete(userId));
      this.running.set(userId, delivery);
    }
  }

  /** Every delivery under way, finished (at shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.running.values());
  }

  /**
   * Gives up the leases of Users with no delivery under way (at shutdown, after idle()): the
   * instance that replaces this one (a restart, a rolling deploy) delivers at once rather than
   * after the lease's four POST time limits.
   */
  async releaseLeases(): Promise<void> {
    const idle = [...this.leased].filter((userId) => !this.running.has(userId));
    await Promise.all(idle.map(async (userId) => {
      await this.store.releaseDelivery(userId, this.options.owner);
      this.leased.delete(userId);
    }));
  }

  /** An item whose retention ends within the aging margin: the outbox will soon drop it, delivered or not. */
  private aging(cursor: string): boolean {
    const queuedAt = Number(cursor.slice(0, cursor.indexOf('-')));
    return queuedAt < Date.now() - this.options.outboxRetentionMs + agingMarginMs(this.options.outboxRetentionMs);
  }

  private async deliverUser(userId: string): Promise<void> {
    const retry = this.retries.get(userId);
    // An aging item does not wait out its backoff: it gets its last attempt now; nor does one
    // whose endpoint the operator changed (looked at once a second while waiting).
    if (retry && retry.notBefore > Date.now() && !this.aging(retry.cursor) && !(await this.endpointChanged(userId, retry))) {
      // Held through the backoff (which may outlast a lease): another instance taking the User
      // over would start its attempts and backoff again, and an item might never be dead-lettered.
      await this.renewLease(userId);
      return;
    }
    if (!(await this.renewLease(userId))) return;
    const user = await this.store.getUser(userId);
    if (!user?.receiveEndpoint) return;
    const items = await this.store.readOutbox(userId, await this.store.deliveryCursor(userId), this.options.batch);
    // Items acknowledged in a row are settled together (one cursor write, one state script); a
    // crash before that sends them again, which a webhook receiver must accept anyway.
    const delivered: OutboxItem[] = [];
    try {
      const xml = user.receiveFormat === 'xml' ? await this.servicesOf(items) : undefined;
      await this.deliverItems(userId, user, xml, items, retry, delivered);
    } finally {
      if (delivered.length > 0) await this.settleDelivered(userId, delivered);
    }
  }

  private async deliverItems(
    userId: string, user: User, xml: XmlServices | undefined, items: OutboxItem[], retry: Retry | undefined, delivered: OutboxItem[],
  ): Promise<void> {
    const endpoint = user.receiveEndpoint!;
    let checkedAt = Date.now();
    // Why the endpoint last failed an aging item in this pass: the aging items after it are
    // dead-lettered without a try, so that a backlog behind a failing endpoint (each item's
    // attempts and backoff taking seconds) is not trimmed away undelivered and not dead-lettered.
    let failingNearRetention: string | undefined;
    for (const item of items) {
      // Renewed before each POST, so a pass outlasting one lease (a slow receiver) keeps it, and
      // no other instance posts the same items beside it, out of order; lost, the pass stops here.
      if (item !== items[0] && !(await this.renewLease(userId))) return;
      if (Date.now() - checkedAt >= RECHECK_MS) {
        checkedAt = Date.now();
        if (delivered.length > 0) await this.settleDelivered(userId, delivered.splice(0));
        const now = await this.store.getUser(userId);
        if (now?.receiveEndpoint !== endpoint || now?.receiveFormat !== user.receiveFormat) return;
      }
      const aging = this.aging(item.cursor);
      if (aging && failingNearRetention !== undefined) {
        await this.deadLetterItem(userId, item, `not tried: near the end of its retention, and the endpoint has just failed another (${failingNearRetention})`, delivered);
        continue;
      }
      const failure = await this.post(endpoint, item, xml);
      if (failure === undefined) {
        this.retries.delete(userId);
        delivered.push(item);
        continue;
      }
      const attempts = (retry?.cursor === item.cursor && retry.endpoint === endpoint ? retry.attempts : 0) + 1;
      this.metrics.failed();
      // The first failure of an item says why at once (a dead letter comes only after every attempt's backoff).
      if (attempts === 1) this.log.warn({ userId, cursor: item.cursor, requestId: item.requestId, reason: failure }, 'webhook delivery failed: retried with backoff');
      if (attempts >= this.options.maxAttempts || aging) {
        if (aging) failingNearRetention = failure;
        await this.deadLetterItem(userId, item, `${failure} after ${attempts} attempts${aging && attempts < this.options.maxAttempts ? ', the last near the end of its retention' : ''}`, delivered);
        continue;
      }
      const delay = backoffDelay(attempts, this.options.backoffBaseMs, this.options.backoffMaxMs, this.options.random);
      this.retries.set(userId, { cursor: item.cursor, endpoint, attempts, notBefore: Date.now() + delay, checkedAt: Date.now() });
      // Later items wait: delivery stays in order per User.
      return;
    }
  }

  /** Whether the User's endpoint is no longer the one that failed the item it waits to retry; asked at most once per RECHECK_MS. */
  private async endpointChanged(userId: string, retry: Retry): Promise<boolean> {
    if (Date.now() - retry.checkedAt < RECHECK_MS) return false;
    retry.checkedAt = Date.now();
    return (await this.store.getUser(userId))?.receiveEndpoint !== retry.endpoint;
  }

  /** Dead-letters an item (the items delivered before it settled first) and moves the User's cursor past it. */
  private async deadLetterItem(userId: string, item: OutboxItem, reason: string, delivered: OutboxItem[]): Promise<void> {
    await this.store.deadLetter(userId, item, reason);
    this.metrics.deadLettered();
    this.log.error({ userId, cursor: item.cursor, requestId: item.requestId, reason }, 'webhook item dead-lettered');
    this.retries.delete(userId);
    if (delivered.length > 0) await this.settleDelivered(userId, delivered.splice(0));
    await this.store.setDeliveryCursor(userId, item.cursor);
  }

  /**
   * For a User that takes DUIS XML: the SRV each response answers, which sr:ResponseMessage names
   * (DUIS clients such as duis-parser require it). Read from the requests' records, only for
   * these Users, one read per response in the batch, together.
   */
  private async servicesOf(items: readonly OutboxItem[]): Promise<XmlServices> {
    const services: XmlServices = new Map();
    await Promise.all(items.map(async (item) => {
      if (item.kind !== 'response' || !item.requestId || services.has(item.requestId)) return;
      services.set(item.requestId, undefined);
      const srv = findSrv((await this.store.getRequest(item.requestId))?.srv ?? '');
      if (srv) services.set(item.requestId, { serviceReference: srv.serviceReference, serviceReferenceVariant: srv.srv });
    }));
    return services;
  }

  /** Takes or renews this instance's right to deliver the User's items, for four POSTs' time limits. */
  private async renewLease(userId: string): Promise<boolean> {
    const held = await this.store.leaseDelivery(userId, this.options.owner, this.options.timeoutMs * 4);
    if (held) this.leased.add(userId);
    else this.leased.delete(userId);
    return held;
  }

  private async settleDelivered(userId: string, items: readonly OutboxItem[]): Promise<void> {
    await this.store.setDeliveryCursor(userId, items[items.length - 1].cursor);
    this.metrics.delivered(items.length);
    await this.store.markDelivered(respondedRequestIds(items), Date.now());
  }

  /** undefined on a 2xx; otherwise why it failed. */
  private async post(endpoint: string, item: OutboxItem, xml: XmlServices | undefined): Promise<string | undefined> {
    try {
      // Signed afresh at each attempt, so a retry is inside the receiver's replay window. A User
      // that asked for XML gets a signed DUIS sr:Response (its own XML signature, as DCC sends
      // them), with the cursor and kind in headers; the webhook signature header covers it too.
      const body = Buffer.from(xml ? xmlOutboxItem(item, this.xmlSigner, Date.now(), item.requestId ? xml.get(item.requestId) : undefined) : JSON.stringify(item));
      const headers: Record<string, string> = { 'content-type': xml ? XML_TYPE : 'application/json', [WEBHOOK_SIGNATURE_HEADER]: this.signingKey.signWebhook(body) };
      if (xml) {
        Object.assign(headers, { 'x-dcc-cursor': item.cursor, 'x-dcc-kind': item.kind });
        // What a JSON receiver reads in the item: for deduplicating a redriven item, and an alert's device.
        if (item.redrivenFrom) headers['x-dcc-redriven-from'] = item.redrivenFrom;
        if (item.deviceId) headers['x-dcc-device-id'] = item.deviceId;
        const refusal = (item.body as { error?: { reason?: unknown } } | undefined)?.error?.reason;
        if (typeof refusal === 'string') headers['x-dcc-reason'] = refusal;
      }
      const response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body,
        // Only the endpoint's own 2xx acknowledges: a redirect followed would turn the POST into a GET elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await discardBody(response);
      if (response.status >= 300 && response.status < 400) return `HTTP ${response.status}: a redirect, not followed (only the endpoint's own 2xx acknowledges)`;
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
    }
  }
}

/** What of a receiver's answer is read (then the rest is cancelled): enough to keep its connection for the next post. */
const ANSWER_READ_BYTES = 64 * 1024;

/**
 * Discards a receiver's answer body. The receiver is the User's: one answering without end would
 * otherwise have the router buffer it until the time limit (about 1 GB in 5 s on a local socket).
 */
async function discardBody(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (let read = 0; read <= ANSWER_READ_BYTES;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A body cut short says nothing of the delivery: the status does.
  }
}
