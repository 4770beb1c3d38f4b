import type { Device, Generation, TrtClass, User } from '@dccrouter/domain';

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

export interface TrtRecord {
  class: TrtClass;
  budgetMs: number;
  startsAt: number;
  deadline: number;
}

/** What the router knows of an acknowledged request. */
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
}

/** Everything one request needs from the store, fetched in one round trip. */
export interface RequestContext {
  user?: User;
  /** Absent when the target is not a device in the inventory (or no device was asked for). */
  device?: Device;
  /** This RequestID's record of the same leg, when one was acknowledged before. */
  leg?: LegRecord;
  /** For a signed leg: the RequestID's transform leg, when there is one. */
  transformLeg?: LegRecord;
}

export interface Acceptance {
  leg: Leg;
  legRecord: LegRecord;
  record: RequestRecord;
}

/**
 * The atomic outcome of recording an acknowledgement, judged in this order: the same leg with the
 * same body hash already recorded (duplicate: its answer is returned); a signed leg without a
 * transform leg of the same SRV; the same leg with another body (reused); otherwise recorded.
 */
export type AcceptanceResult =
  | { outcome: 'recorded' }
  | { outcome: 'duplicate'; answer: StoredAnswer }
  | { outcome: 'transform_leg_missing' }
  | { outcome: 'request_id_reused' };

/** Raised when the store cannot be reached or did not answer: nothing may be acknowledged. */
export class StateUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateUnavailableError';
  }
}

export interface StateStore {
  readonly kind: 'memory' | 'redis';

  putUser(user: User): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;

  putDevice(device: Device): Promise<void>;
  /** Bulk load for imports: all or nothing per call is not promised, each device is written whole. */
  putDevices(devices: readonly Device[]): Promise<void>;
  getDevice(deviceId: string): Promise<Device | undefined>;

  /**
   * One round trip for the request path: the originator, the target device (unless `deviceId`
   * is undefined) and the RequestID's record of `leg` (and of its transform leg for a signed leg).
   */
  loadContext(originatorId: string, deviceId: string | undefined, requestId: string, leg: Leg): Promise<RequestContext>;

  /** Records an acknowledgement atomically; see AcceptanceResult for the order of judgement. */
  recordAcceptance(requestId: string, acceptance: Acceptance): Promise<AcceptanceResult>;

  getRequest(requestId: string): Promise<RequestRecord | undefined>;

  /** Small shared settings (TRT budgets, thresholds), as JSON-able values. */
  getSetting<T>(name: string): Promise<T | undefined>;
  putSetting<T>(name: string, value: T): Promise<void>;

  /** Resolves when the store answers; throws StateUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
