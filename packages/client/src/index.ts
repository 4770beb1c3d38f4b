import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { DUIS_WEB_SERVICES, findSrv, SIGNED_PRE_COMMAND, SIGNED_LEG_VARIANTS } from '@dccrouter/domain';
import { Long, MAX_PULL_WAIT_MS as PULL_WAIT_MAX_MS, ServiceRequest } from '@dccrouter/protocol';
import type { AcknowledgementMessage, DuisWebService } from './wire.ts';
import { retryWait, TIMER_MAX_MS } from './backoff.ts';

/**
 * A User's signing key, checked to be what the router verifies: an ECDSA P-256 private key. Any
 * other (P-384, RSA, Ed25519) would sign every request in a way the router refuses (401), so it is
 * refused here, at once, saying so.
 */
export function userSigningKey(privateKeyPem: string): KeyObject {
  const key = createPrivateKey(privateKeyPem);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(`the key is ${key.asymmetricKeyType === 'ec' ? `an EC key on ${curve}` : `a${key.asymmetricKeyType === 'rsa' ? 'n' : ''} ${key.asymmetricKeyType} key`}: the router verifies ECDSA P-256 (prime256v1) signatures only`);
  }
  return key;
}

/** Options in whole milliseconds, as timers take them: a mistake is told at construction, not as a failed send. */
function checkedMs(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > TIMER_MAX_MS) throw new RangeError(`${name} must be a whole number of milliseconds from ${min} to ${TIMER_MAX_MS}, not ${value}`);
  return value;
}

/** base64 DER ECDSA P-256 / SHA-256 signature of the exact bytes, as X-DCC-Signature carries it. */
export function signBytes(privateKey: KeyObject | string, bytes: Uint8Array | string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign('sha256', typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { key, dsaEncoding: 'der' }).toString('base64');
}

export interface RequestSpec {
  originatorId: string;
  targetId: string;
  /** A decimal uint64; text or bigint so counters past 2^53 stay exact. */
  counter: string | bigint;
  commandVariant: number;
  /** Service Reference Variant, e.g. "4.1.1". */
  srv: string;
  /** Defaults to the SRV's from the catalogue. */
  serviceReference?: string;
  /** Defaults to the SRV's body element, or SignedPreCommand for CV 5, 6, 7. */
  bodyElement?: string;
  bodyValue?: Record<string, unknown> | '';
}

function resolved(spec: RequestSpec) {
  const srv = findSrv(spec.srv);
  return {
    serviceReference: spec.serviceReference ?? srv?.serviceReference ?? spec.srv,
    bodyElement: spec.bodyElement ?? (SIGNED_LEG_VARIANTS.has(spec.commandVariant) ? SIGNED_PRE_COMMAND : srv?.bodyElement ?? 'Unknown'),
    bodyValue: spec.bodyValue ?? {},
  };
}

/** The contract's JSON form. `counterAsNumber` writes the counter as a JSON integer (still exact). */
export function buildJsonRequest(spec: RequestSpec, options: { counterAsNumber?: boolean } = {}): string {
  const { serviceReference, bodyElement, bodyValue } = resolved(spec);
  const counter = String(spec.counter);
  const document = {
    header: {
      requestId: { originatorId: spec.originatorId, targetId: spec.targetId, counter: options.counterAsNumber ? '__COUNTER__' : counter },
      commandVariant: spec.commandVariant,
      serviceReference,
      serviceReferenceVariant: spec.srv,
    },
    body: { [bodyElement]: bodyValue },
  };
  const text = JSON.stringify(document);
  // JSON.stringify cannot write an integer past 2^53 exactly; splice the digits in as a bare literal.
  return options.counterAsNumber ? text.replace('"__COUNTER__"', counter) : text;
}

const UINT64 = /^(0|[1-9][0-9]{0,19})$/;
const UINT64_MAX = 18446744073709551615n;

/**
 * The contract's protobuf form (dccrouter.v1.ServiceRequest). Its counter is a uint64 field, so a
 * counter that is not one (which JSON would carry for the router to refuse) cannot be written: RangeError.
 */
export function buildProtobufRequest(spec: RequestSpec): Uint8Array {
  const { serviceReference, bodyElement, bodyValue } = resolved(spec);
  const counter = String(spec.counter);
  if (!UINT64.test(counter) || BigInt(counter) > UINT64_MAX) {
    throw new RangeError(`counter must be a decimal uint64 (0 to ${UINT64_MAX}) to go as protobuf, got "${counter}"`);
  }
  return ServiceRequest.encode({
    header: {
      requestId: { originatorId: spec.originatorId, targetId: spec.targetId, counter: Long.fromString(counter, true) },
      commandVariant: spec.commandVariant,
      serviceReference,
      serviceReferenceVariant: spec.srv,
    },
    bodyElement,
    bodyJson: bodyValue === '' ? '' : JSON.stringify(bodyValue),
  }).finish();
}

/**
 * The DUIS web service (`/api/v1/service{S,D,T}`) of a DUIS XML sr:Request, by the first
 * CommandVariant in it (its header's); undefined when it has none from 1 to 8. The router checks
 * the choice itself (row 10, E13).
 */
export function duisWebServiceOf(document: string): DuisWebService | undefined {
  const commandVariant = Number(/<(?:[\w.-]+:)?CommandVariant>\s*([1-8])\s*</.exec(document)?.[1]);
  return (Object.keys(DUIS_WEB_SERVICES) as DuisWebService[]).find((service) => (DUIS_WEB_SERVICES[service] as readonly number[]).includes(commandVariant));
}

export interface SubmitResult {
  status: number;
  answer: any;
  /** Over gRPC: the acknowledgement's typed fields. */
  acknowledgement?: AcknowledgementMessage;
  /** Over gRPC, for a refusal given as a status: its code. */
  grpcCode?: number;
  /** How long the router asked to wait before resubmitting: HTTP's Retry-After, gRPC's RetryInfo, a stream refusal's retry_after_ms. */
  retryDelayMs?: number;
  /** A DUIS XML refusal's contract reason (its X-DCC-Reason header): the sr:Response itself carries the DUIS code. */
  reason?: string;
}

/** The router's acknowledgement (contract: I99 forwarded, answered later; I0 answered now). */
export interface Acknowledgement {
  header: { requestId: string; responseCode: 'I99' | 'I0'; responseDateTime: string };
  route: { generation?: 'SMETS1' | 'SMETS2+'; destination: string };
  trt?: { budgetMs: number; deadline: string };
  body?: Record<string, unknown>;
  quarantine?: { ref: string; breach: string };
  deleted?: { breach: string };
}

/** A request's status as its User reads it back (contract: "Reading back, as a User"). */
export interface RequestStatus {
  requestId: string;
  state: 'accepted' | 'forwarded' | 'responded' | 'delivered' | 'transformed' | 'quarantined' | 'deleted';
  route: { generation?: string; destination: string };
  responseCode?: string;
  trt?: { budgetMs: number; deadline: string; elapsedMs?: number; wanMs?: number; breached: boolean; overdue?: boolean };
  quarantine?: { ref: string; breach: string };
}

/** One of the User's outbound items: a response, a device alert or a DCC alert. */
export interface OutboundItem {
  cursor: string;
  kind: 'response' | 'deviceAlert' | 'dccAlert';
  requestId?: string;
  responseId?: string;
  responseCode?: string;
  alertCode?: string;
  /** A device alert's device, and when the device raised it (RFC 3339). */
  deviceId?: string;
  raisedAt?: string;
  body: unknown;
  /** A dead letter queued again by an operator: the cursor it had (seen before under that one). */
  redrivenFrom?: string;
}

/** A refusal by the router: its contract reason, HTTP status and DUIS code, and how long to wait for a 503. */
export class RouterRefusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly responseCode?: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${status} ${reason}: ${message}`);
    this.name = 'RouterRefusal';
  }

  static from(result: SubmitResult): RouterRefusal {
    const error = result.answer?.error ?? {};
    const message = error.message ?? (typeof result.answer === 'string' ? result.answer : JSON.stringify(result.answer));
    // A DUIS XML refusal names its reason in X-DCC-Reason (result.reason), not in a JSON body.
    return new RouterRefusal(result.status, error.reason ?? result.reason ?? 'unknown', message, result.answer?.header?.responseCode, result.retryDelayMs);
  }
}

/** The options with their defaults, each checked (a mistake throws at construction). */
export function clientOptions(options: ClientOptions): Required<ClientOptions> {
  const retries = options.retries ?? 3;
  if (!Number.isSafeInteger(retries) || retries < 0) throw new RangeError(`retries must be a whole number from 0, not ${options.retries}`);
  return { timeoutMs: checkedMs('timeoutMs', options.timeoutMs, 10_000, 1), retries, retryBaseMs: checkedMs('retryBaseMs', options.retryBaseMs, 200, 0) };
}

export interface ClientOptions {
  /** Each HTTP call's time limit (ms); 10 s unless told. */
  timeoutMs?: number;
  /**
   * Resubmissions of the same bytes after a 503 (honouring Retry-After) or a lost connection: safe,
   * since a RequestID is recorded once and a retry gets the original answer. 3 unless told. Each
   * wait is at least what was asked, plus up to a quarter more at random (retryWait), so clients
   * refused together do not all come back in the same instant.
   */
  retries?: number;
  /** The first wait when the router gives no Retry-After (doubling each time, plus jitter); 200 ms unless told. */
  retryBaseMs?: number;
}

/** A 503's Retry-After in ms, as seconds (the router's) or an HTTP date (a proxy's may be); undefined when it names none. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(header);
  return Number.isFinite(at) && at > now ? at - now : undefined;
}

/** The router's JSON answer; anything else (a proxy's error page) as its text, so it still ends as a typed refusal. */
function answerOf(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A DCC User's connection to the router: signs every body with the User's key. */
export class RouterClient {
  private readonly key: KeyObject;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  /** The router's address, without a trailing "/" (paths are appended to it: "//v1/..." is another path). */
  readonly baseUrl: string;

  constructor(baseUrl: string, privateKeyPem: string, options: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.key = userSigningKey(privateKeyPem);
    ({ timeoutMs: this.timeoutMs, retries: this.retries, retryBaseMs: this.retryBaseMs } = clientOptions(options));
  }

  sign(bytes: Uint8Array | string): string {
    return signBytes(this.key, bytes);
  }

  /** Submits a request and answers what the router answered, refusals included (see `send` for typed answers). */
  async submit(spec: RequestSpec, format: 'json' | 'protobuf' = 'json'): Promise<SubmitResult> {
    const body = format === 'json' ? buildJsonRequest(spec) : buildProtobufRequest(spec);
    return this.submitBytes(body, format === 'json' ? 'application/json' : 'application/x-protobuf');
  }

  /** Submits a request: its acknowledgement, or a RouterRefusal (503s already retried). */
  async send(spec: RequestSpec, format: 'json' | 'protobuf' = 'json'): Promise<Acknowledgement> {
    const result = await this.submit(spec, format);
    if (result.status >= 300) throw RouterRefusal.from(result);
    return result.answer as Acknowledgement;
  }

  /**
   * A critical request's two legs: CV 4 (the router answers the pre-command to sign), then CV 5
   * with the same RequestID carrying it. `signPreCommand` stands for the User's own GBCS signing;
   * by default the payload goes back as the router gave it (the simulated networks accept it).
   */
  async sendCritical(spec: Omit<RequestSpec, 'commandVariant'>, signPreCommand: (payload: string) => string = (payload) => payload): Promise<{ transform: Acknowledgement; signed: Acknowledgement }> {
    const transform = await this.send({ ...spec, commandVariant: 4 });
    // Held back by Threshold Anomaly Detection: its Pre-Command comes through the outbox once released.
    const held = (transform as { quarantine?: { ref: string; breach: string } }).quarantine;
    if (held) throw new Error(`the CV 4 leg was quarantined (${held.breach} breach, ref ${held.ref}): no Pre-Command to sign until it is released, when it reaches the User's outbox`);
    const payload = (transform.body?.PreCommand as { GBCSPayload?: string } | undefined)?.GBCSPayload;
    if (typeof payload !== 'string') throw new Error(`the CV 4 answer carries no PreCommand.GBCSPayload: ${JSON.stringify(transform)}`);
    const signed = await this.send({ ...spec, commandVariant: 5, bodyValue: { GBCSPayload: signPreCommand(payload) } });
    return { transform, signed };
  }

  /**
   * Several requests in one call (`POST /v1/service-requests:batch`), each signed; each item's
   * answer in order. `signedOnce` signs the whole batch once instead (contract v1.1).
   */
  async batch(userId: string, specs: readonly RequestSpec[], options: { signedOnce?: boolean } = {}): Promise<SubmitResult[]> {
    const bodies = specs.map((spec) => buildJsonRequest(spec));
    const requests = bodies.map((body) => (options.signedOnce ? { body } : { body, signature: this.sign(body) }));
    const results: SubmitResult[] = [];
    // Items refused 503 are sent again (their same bytes, in a batch of their own) after the
    // batch's Retry-After, as a single request would be; each still 503 after the last carries it.
    let pending = requests.map((_, i) => i);
    for (let attempt = 0; ; attempt++) {
      const text = JSON.stringify({ requests: pending.map((i) => requests[i]) });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.signedOnce) Object.assign(headers, { 'x-dcc-user': userId, 'x-dcc-batch-signature': this.sign(text) });
      const result = await this.post('/v1/service-requests:batch', text, headers);
      if (result.status !== 200) throw RouterRefusal.from(result);
      (result.answer.results as { status: number; answer: unknown }[]).forEach((item, k) => {
        results[pending[k]] = item.status === 503 && result.retryDelayMs !== undefined
          ? { status: item.status, answer: item.answer, retryDelayMs: result.retryDelayMs }
          : { status: item.status, answer: item.answer };
      });
      pending = pending.filter((i) => results[i].status === 503);
      if (pending.length === 0 || attempt >= this.retries) return results;
      await new Promise((resolve) => setTimeout(resolve, retryWait(attempt, this.retryBaseMs, result.retryDelayMs)));
    }
  }

  /** A request's status, as its User. */
  async status(userId: string, requestId: string): Promise<RequestStatus> {
    const result = await this.call(userId, 'GET', `/v1/service-requests/${requestId}`);
    if (result.status !== 200) throw RouterRefusal.from(result);
    return result.answer as RequestStatus;
  }

  /**
   * The User's outbound items after a cursor (oldest first); resume with `next`. With `waitMs`
   * (up to MAX_PULL_WAIT_MS), a pull that finds nothing waits that long for the first item (a long poll).
   */
  async pull(userId: string, after?: string, limit = 100, waitMs = 0): Promise<{ items: OutboundItem[]; next: string }> {
    const query = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}), ...(waitMs > 0 ? { wait: String(waitMs) } : {}) });
    const asked = Date.now();
    const result = await this.call(userId, 'GET', `/v1/responses?${query}`, undefined, waitMs);
    if (result.status !== 200) throw RouterRefusal.from(result);
    const page = result.answer as { items: OutboundItem[]; next: string };
    // A waiting pull answered empty at once (the User already has as many waiting as the router
    // allows) returns no sooner than EMPTY_PULL_PAUSE_MS: a loop of long polls never spins.
    const early = EMPTY_PULL_PAUSE_MS - (Date.now() - asked);
    if (waitMs > 0 && page.items.length === 0 && early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    return page;
  }

  /**
   * A signed call as a User (reading back its data, releasing its quarantined requests): the
   * signature covers `<METHOD>\n<path and query as sent>\n<timestamp>` (now, unless given).
   * `waitMs`: how long the router may hold it (a waiting pull), added to the time limit. A read
   * (GET) refused 503 or not answered is asked again as a submission is (after Retry-After, up to
   * `retries`), signed afresh; anything else is sent once (a release sent again after it landed
   * would be refused as no longer quarantined). A 503's Retry-After is its `retryDelayMs`.
   */
  async call(userId: string, method: string, pathAndQuery: string, timestamp?: string, waitMs = 0): Promise<SubmitResult> {
    const retries = method === 'GET' ? this.retries : 0;
    for (let attempt = 0; ; attempt++) {
      let askedMs: number | undefined;
      try {
        const at = timestamp ?? new Date().toISOString();
        const signature = this.sign(`${method}\n${pathAndQuery}\n${at}`);
        const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
          method,
          headers: { 'x-dcc-user': userId, 'x-dcc-timestamp': at, 'x-dcc-signature': signature },
          signal: AbortSignal.timeout(Math.min(this.timeoutMs + waitMs, TIMER_MAX_MS)),
        });
        // Its text, as a submission's: a proxy's page that is not JSON stays text, never a SyntaxError.
        const result: SubmitResult = { status: response.status, answer: answerOf(await response.text()) };
        askedMs = retryAfterMs(response.headers.get('retry-after'));
        if (askedMs !== undefined) result.retryDelayMs = askedMs;
        if (result.status !== 503 || attempt >= retries) return result;
      } catch (error) {
        if (attempt >= retries) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, retryWait(attempt, this.retryBaseMs, askedMs)));
    }
  }

  /**
   * Posts a DUIS XML sr:Request already signed by the User's XML signing tool (an enveloped
   * ds:Signature: this SDK signs JSON and protobuf only) to its DUIS web service; the answer is the
   * router's signed sr:Response, as text. Retried like any submission.
   */
  async submitXml(document: string): Promise<SubmitResult> {
    const service = duisWebServiceOf(document);
    if (!service) throw new Error('not a DUIS sr:Request: no CommandVariant from 1 to 8 in it');
    return this.post(`/api/v1/service${service}`, document, { 'content-type': 'application/xml' });
  }

  /** Sends exact bytes, signed as they are; a 503 or a lost connection is retried with the same bytes. */
  async submitBytes(body: Uint8Array | string, contentType = 'application/json', signature: string | null = this.sign(body)): Promise<SubmitResult> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (signature !== null) headers['x-dcc-signature'] = signature;
    return this.post('/v1/service-requests', body, headers);
  }

  private async post(path: string, body: Uint8Array | string, headers: Record<string, string>): Promise<SubmitResult> {
    for (let attempt = 0; ; attempt++) {
      let result: SubmitResult | undefined;
      let askedMs: number | undefined;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: body as BodyInit, signal: AbortSignal.timeout(this.timeoutMs) });
        result = { status: response.status, answer: answerOf(await response.text()) };
        const reason = response.headers.get('x-dcc-reason');
        if (reason) result.reason = reason;
        askedMs = retryAfterMs(response.headers.get('retry-after'));
        if (askedMs !== undefined) result.retryDelayMs = askedMs;
        if (result.status !== 503 || attempt >= this.retries) return result;
      } catch (error) {
        // Not answered (refused, reset, timed out): the same bytes again are safe.
        if (attempt >= this.retries) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, retryWait(attempt, this.retryBaseMs, askedMs)));
    }
  }
}

export { GrpcRouterClient, refusalOf, type GrpcClientOptions } from './grpc.ts';

/** The longest a pull may wait for its first item (ms): the router's limit. */
export const MAX_PULL_WAIT_MS: number = PULL_WAIT_MAX_MS;
export type { AcknowledgementMessage, DuisWebService, OutboxItemMessage, RichStatus, SignedServiceRequest, Uint64 } from './wire.ts';
/** The least a waiting pull answered empty takes (see RouterClient.pull). */
const EMPTY_PULL_PAUSE_MS = 200;
