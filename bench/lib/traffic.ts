// The realistic traffic model: a generated inventory, hundreds of Users with their own keys, and
// the DCC request mix, pre-signed before anything is timed (signing is the client's cost).
//
// Shape of the mix (shares of HTTP requests, defaults):
//   60%  meter reads: 4.1.1 Read Instantaneous Import Registers, 4.6.1 Retrieve Import Daily Read
//        Log, 4.8.1 Read Active Import Profile Data (CV 1: SMETS1 takes no local-delivery variants)
//   14%  prepayment top-ups, 2.2 TopUpDevice {"UTRN": …}
//   10%  tariff updates, 1.1.1 (critical): both legs in order on one connection, CV 4 (answered at
//        once with the Pre-Command) then CV 5 with the same RequestID and the signed Pre-Command
//    7%  firmware version reads, 11.2
//    7%  inventory reads, 8.2 (CV 8, target the Access Control Broker, body {"DeviceID": …})
//    2%  bad requests, in equal thirds: a signature by the wrong bytes (401 signature_invalid), an
//        unknown device (404 device_not_found), an SRV the User's roles may not send (4.2, ES/ED
//        only: 403 role_not_eligible); each must be refused with exactly that reason
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildJsonRequest, signBytes } from '@dccrouter/client';
import { seededRandom } from './stats.ts';

/** The DCC's average of about 100 million Service Requests a day. */
export const DCC_AVERAGE_PER_SECOND = 1150;
export const ACCESS_CONTROL_BROKER = '90-B3-D5-1F-30-00-00-02';
export const CSP_REGIONS = ['North', 'Central', 'South', '4G North', '4G Central', '4G South'] as const;
export const SMETS1_COHORTS = ['aclara', 'honeywell-elster', 'itron', 'landis-gyr', 'secure', 'edmi'] as const;
export const SMETS2_DESTINATIONS = ['smets2/north', 'smets2/central', 'smets2/south', 'smets2/4g-north', 'smets2/4g-central', 'smets2/4g-south'];

export type Kind =
  | 'read-4.1.1' | 'read-4.6.1' | 'read-4.8.1' | 'top-up-2.2' | 'tariff-1.1.1-cv4' | 'tariff-1.1.1-cv5'
  | 'firmware-11.2' | 'inventory-8.2' | 'bad-signature' | 'unknown-device' | 'wrong-role';

export interface Expectation {
  status: number;
  /** error.reason a refusal must carry. */
  reason?: string;
}

export interface TrafficItem {
  kind: Kind;
  requestId: string;
  /** The exact bytes sent and signed. */
  body: Buffer;
  /** Headers as sent: content type and X-DCC-Signature. */
  headers: Record<string, string>;
  signature: string;
  expect: Expectation;
}

/** Two HTTP requests sent one after the other on one connection: a tariff's two legs, or two independent requests. */
export type Unit = readonly [TrafficItem, TrafficItem];

export interface BenchUser {
  userId: string;
  roles: string[];
  publicKeyPem: string;
  privateKey: KeyObject;
}

export interface TrafficOptions {
  devices: number;
  users: number;
  /** Share of HTTP requests that are bad (refused), 0 to 0.5. */
  badShare: number;
  seed: number;
}

/** Shares of the single (non-tariff) requests before the bad share is taken out. */
const SINGLE_SHARES: [Kind, number][] = [
  ['read-4.1.1', 25], ['read-4.6.1', 20], ['read-4.8.1', 15], ['top-up-2.2', 14], ['firmware-11.2', 7], ['inventory-8.2', 7],
];
/** Share of HTTP requests that are a tariff leg (each tariff is two requests). */
const TARIFF_SHARE = 0.1;
const BAD_KINDS: Kind[] = ['bad-signature', 'unknown-device', 'wrong-role'];

const hex = (n: number) => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
const octets = (n: number) => `${hex(n >>> 24)}-${hex(n >>> 16)}-${hex(n >>> 8)}-${hex(n)}`;

export function deviceIdOf(index: number): string {
  return `00-DB-10-${octets(index)}-01`;
}

/** Never imported: the target of the "unknown device" bad requests. */
function unknownDeviceId(index: number): string {
  return `00-DB-EE-${octets(index)}-01`;
}

export function userIdOf(index: number): string {
  return `90-B3-D5-1F-40-${hex(index >>> 8)}-${hex(index)}-00`;
}

/** A well-mixed integer from a device index, so type, generation and region do not follow the owner. */
function mix32(value: number): number {
  let h = Math.imul(value ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface DeviceProfile {
  deviceId: string;
  deviceType: 'ESME' | 'GSME';
  generation: 'SMETS1' | 'SMETS2+';
  owner: number;
}

/**
 * Device i belongs to User i mod users (its import supplier for an ESME, gas supplier for a GSME).
 * About a quarter are SMETS1 (spread over the six S1SP cohorts), the rest SMETS2+ (over the six
 * CSP regions); 55% electricity meters, 45% gas meters.
 */
export function deviceProfile(index: number, users: number): DeviceProfile & { line: Record<string, unknown> } {
  const h = mix32(index);
  const smets1 = h % 4 === 0;
  const deviceType = (h >>> 8) % 100 < 55 ? 'ESME' : 'GSME';
  const owner = index % users;
  const place = (h >>> 16) % 6;
  const line: Record<string, unknown> = {
    deviceId: deviceIdOf(index), deviceType, status: 'Commissioned', generation: smets1 ? 'SMETS1' : 'SMETS2+',
    ...(smets1 ? { smets1Cohort: SMETS1_COHORTS[place] } : { cspRegion: CSP_REGIONS[place] }),
    firmwareVersion: '4.2.1',
    ...(deviceType === 'ESME' ? { importSupplier: userIdOf(owner) } : { gasSupplier: userIdOf(owner) }),
  };
  return { deviceId: deviceIdOf(index), deviceType, generation: smets1 ? 'SMETS1' : 'SMETS2+', owner, line };
}

/** The inventory as the NDJSON import takes it, one device a line, devices first .. first + devices - 1. */
export function inventoryNdjson(devices: number, users: number, first = 0): Buffer {
  const lines: string[] = new Array(devices);
  for (let i = 0; i < devices; i++) lines[i] = JSON.stringify(deviceProfile(first + i, users).line);
  return Buffer.from(lines.join('\n') + '\n');
}

/** Each User gets its own P-256 key pair and the supplier roles. */
export function makeUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { userId: userIdOf(i), roles: ['IS', 'GS'], publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey };
  });
}

/**
 * The pre-signed request pool. Units are made on demand (and cached), deterministically from
 * their index, so the pool can grow between timed runs without changing what came before. Every
 * router run starts on an empty store, so the same signed bytes are new to each router.
 */
export class TrafficPool {
  private readonly units: Unit[] = [];
  private readonly random: () => number;
  private readonly base: bigint;
  private readonly singles: [Kind, number][];

  constructor(readonly options: TrafficOptions, readonly users: BenchUser[], readonly name: string, counterBase: bigint) {
    this.random = seededRandom(options.seed);
    this.base = counterBase;
    const singleShare = 1 - TARIFF_SHARE;
    const badOfSingles = Math.min(1, options.badShare / singleShare);
    const goodTotal = SINGLE_SHARES.reduce((sum, [, share]) => sum + share, 0);
    this.singles = [
      ...SINGLE_SHARES.map(([kind, share]): [Kind, number] => [kind, (share / goodTotal) * (1 - badOfSingles)]),
      ...BAD_KINDS.map((kind): [Kind, number] => [kind, badOfSingles / BAD_KINDS.length]),
    ];
  }

  get size(): number {
    return this.units.length;
  }

  /** Makes and signs units until there are at least `count`. */
  ensure(count: number): void {
    while (this.units.length < count) this.units.push(this.makeUnit(this.units.length));
  }

  unit(index: number): Unit {
    this.ensure(index + 1);
    return this.units[index];
  }

  /** The first `count` units (made if needed). */
  take(count: number): Unit[] {
    this.ensure(count);
    return this.units.slice(0, count);
  }

  private makeUnit(index: number): Unit {
    if (this.random() < TARIFF_SHARE) return this.tariff(index);
    return [this.single(index * 2, this.pickSingle()), this.single(index * 2 + 1, this.pickSingle())];
  }

  private pickSingle(): Kind {
    let r = this.random();
    for (const [kind, share] of this.singles) {
      if ((r -= share) < 0) return kind;
    }
    return this.singles[0][0];
  }

  private pickDevice(): { device: DeviceProfile; user: BenchUser } {
    const deviceIndex = Math.floor(this.random() * this.options.devices);
    const device = deviceProfile(deviceIndex, this.users.length);
    return { device, user: this.users[device.owner] };
  }

  private counter(slot: number): bigint {
    return this.base + BigInt(slot);
  }

  private item(kind: Kind, user: BenchUser, targetId: string, slot: number, srv: string, commandVariant: number, bodyValue: Record<string, unknown>, expect: Expectation): TrafficItem {
    const counter = this.counter(slot);
    const text = buildJsonRequest({ originatorId: user.userId, targetId, counter, commandVariant, srv, bodyValue });
    const body = Buffer.from(text);
    // A bad signature is a well-formed signature by the right key over other bytes.
    const signature = signBytes(user.privateKey, kind === 'bad-signature' ? Buffer.from(text + ' ') : body);
    return {
      kind, body, signature, expect,
      requestId: `${user.userId}:${targetId}:${counter}`,
      headers: { 'content-type': 'application/json', 'x-dcc-signature': signature },
    };
  }

  private single(slot: number, kind: Kind): TrafficItem {
    const { device, user } = this.pickDevice();
    const accepted: Expectation = { status: 202 };
    switch (kind) {
      case 'read-4.1.1': return this.item(kind, user, device.deviceId, slot, '4.1.1', 1, {}, accepted);
      case 'read-4.6.1': return this.item(kind, user, device.deviceId, slot, '4.6.1', 1, {}, accepted);
      case 'read-4.8.1': return this.item(kind, user, device.deviceId, slot, '4.8.1', 1, {}, accepted);
      case 'top-up-2.2': return this.item(kind, user, device.deviceId, slot, '2.2', 1, { UTRN: utrn(this.random) }, accepted);
      case 'firmware-11.2': return this.item(kind, user, device.deviceId, slot, '11.2', 1, {}, accepted);
      case 'inventory-8.2': return this.item(kind, user, ACCESS_CONTROL_BROKER, slot, '8.2', 8, { DeviceID: device.deviceId }, { status: 200 });
      case 'bad-signature': return this.item(kind, user, device.deviceId, slot, '4.1.1', 1, {}, { status: 401, reason: 'signature_invalid' });
      case 'unknown-device': return this.item(kind, user, unknownDeviceId(slot), slot, '4.1.1', 1, {}, { status: 404, reason: 'device_not_found' });
      case 'wrong-role': return this.item(kind, user, device.deviceId, slot, '4.2', 1, {}, { status: 403, reason: 'role_not_eligible' });
      default: throw new Error(`not a single request kind: ${kind}`);
    }
  }

  /** CV 4 then CV 5 with the same RequestID; the CV 5 body carries the Pre-Command as the User signed it. */
  private tariff(index: number): Unit {
    const { device, user } = this.pickDevice();
    const slot = index * 2;
    const tariff = {
      StandingCharge: 2500 + Math.floor(this.random() * 1000),
      TOUTariff: { Prices: [{ Index: 1, Price: 2450 }, { Index: 2, Price: 1310 }], SwitchingTable: [{ StartTime: '07:00:00', Index: 1 }, { StartTime: '23:00:00', Index: 2 }] },
    };
    const cv4 = this.item('tariff-1.1.1-cv4', user, device.deviceId, slot, '1.1.1', 4, tariff, { status: 200 });
    // The Pre-Command the router answers the CV 4 leg with is derived deterministically from the
    // request (packages/router/src/pipeline/commands.ts); deriving the same bytes here lets the
    // CV 5 leg be signed before the timed part, as if the User had signed the CV 4 answer.
    const digest = createHash('sha256').update(`PreCommand\n${cv4.requestId}\n1.1.1\n${JSON.stringify(tariff)}`).digest();
    const payload = Buffer.concat([Buffer.from('DCCR1 PreCommand 1.1.1 '), digest]).toString('base64');
    const counter = this.counter(slot);
    const text = buildJsonRequest({ originatorId: user.userId, targetId: device.deviceId, counter, commandVariant: 5, srv: '1.1.1', bodyValue: { GBCSPayload: payload } });
    const body = Buffer.from(text);
    const signature = signBytes(user.privateKey, body);
    const cv5: TrafficItem = {
      kind: 'tariff-1.1.1-cv5', body, signature, expect: { status: 202 },
      requestId: cv4.requestId,
      headers: { 'content-type': 'application/json', 'x-dcc-signature': signature },
    };
    return [cv4, cv5];
  }
}

function utrn(random: () => number): string {
  let digits = '';
  for (let i = 0; i < 20; i++) digits += Math.floor(random() * 10);
  return digits;
}

/** What the router should answer for an item, given the stages switched off in its run. */
export function expectationFor(item: TrafficItem, verifySignatures: boolean): Expectation {
  if (!verifySignatures && item.kind === 'bad-signature') return { status: 202 };
  return item.expect;
}

/** Checks one answer against its expectation; a description of the difference, or undefined. */
export function checkAnswer(item: TrafficItem, status: number, body: string, verifySignatures: boolean): string | undefined {
  const expected = expectationFor(item, verifySignatures);
  if (status !== expected.status) return `${item.kind}: expected ${expected.status}, got ${status} ${body.slice(0, 600)}`;
  if (expected.reason && !body.includes(`"reason":"${expected.reason}"`)) return `${item.kind}: expected reason ${expected.reason}, got ${body.slice(0, 200)}`;
  return undefined;
}

/**
 * Checks echo+verify's answer: it judges the signature and nothing else, so only the requests
 * signed over other bytes are refused (401); unknown devices and wrong roles are its 202s.
 */
export function checkVerifyAnswer(item: TrafficItem, status: number, body: string): string | undefined {
  const expected = item.kind === 'bad-signature' ? 401 : 202;
  return status === expected ? undefined : `${item.kind}: expected ${expected} from echo+verify, got ${status} ${body.slice(0, 200)}`;
}

/** Shares of each kind among the first `count` units: what was actually sent. */
export function mixOf(units: readonly Unit[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const unit of units) for (const item of unit) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  const total = units.length * 2;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => [kind, Number((n / total).toFixed(4))]));
}

/**
 * The batch endpoint's JSON form for a run of units: a pair of batches, the first holding each
 * unit's first request and the second its second, so a tariff's CV 5 leg is always sent after
 * the batch holding its CV 4 leg was answered, on the same connection.
 */
export interface BatchPair {
  bodies: readonly [Buffer, Buffer];
  items: readonly [TrafficItem[], TrafficItem[]];
  /** Headers of each batch beyond its content type (a batch signed once names its User and signature). */
  headers?: readonly [Record<string, string>, Record<string, string>];
}

/**
 * Batches authenticated once (contract v1.1): each batch holds one User's requests, without their
 * own signatures, and carries X-DCC-User and X-DCC-Batch-Signature over its bytes. Requests made
 * to carry a bad signature are left out (a batch signature covers every item).
 */
export function signedOnceBatchPairs(units: readonly Unit[], batchSize: number, users: readonly BenchUser[]): BatchPair[] {
  const keys = new Map(users.map((user) => [user.userId, user.privateKey]));
  // Each User's requests as units of its own: a tariff's two legs stay one unit (CV 4 in a pair's
  // first batch, CV 5 in its second); independent requests are paired up per User.
  const byUser = new Map<string, Unit[]>();
  const waiting = new Map<string, TrafficItem>();
  const originator = (item: TrafficItem) => item.requestId.split(':')[0];
  const add = (userId: string, unit: Unit) => {
    const list = byUser.get(userId);
    if (list) list.push(unit);
    else byUser.set(userId, [unit]);
  };
  for (const unit of units) {
    if (unit[0].kind === 'tariff-1.1.1-cv4') {
      add(originator(unit[0]), unit);
      continue;
    }
    for (const item of unit) {
      if (item.kind === 'bad-signature') continue;
      const userId = originator(item);
      const other = waiting.get(userId);
      if (other) {
        waiting.delete(userId);
        add(userId, [other, item]);
      } else waiting.set(userId, item);
    }
  }
  const pairs: BatchPair[] = [];
  for (const [userId, mine] of byUser) {
    for (let start = 0; start + batchSize <= mine.length; start += batchSize) {
      const slice = mine.slice(start, start + batchSize);
      const items: [TrafficItem[], TrafficItem[]] = [slice.map((unit) => unit[0]), slice.map((unit) => unit[1])];
      const encode = (list: TrafficItem[]) => Buffer.from(JSON.stringify({ requests: list.map((item) => ({ body: item.body.toString() })) }));
      const signedBy = (body: Buffer) => ({ 'x-dcc-user': userId, 'x-dcc-batch-signature': signBytes(keys.get(userId)!, body) });
      const bodies = [encode(items[0]), encode(items[1])] as const;
      pairs.push({ bodies, items, headers: [signedBy(bodies[0]), signedBy(bodies[1])] });
    }
  }
  return pairs;
}

export function batchPairs(units: readonly Unit[], batchSize: number): BatchPair[] {
  const pairs: BatchPair[] = [];
  for (let start = 0; start + batchSize <= units.length; start += batchSize) {
    const slice = units.slice(start, start + batchSize);
    const firsts = slice.map((unit) => unit[0]);
    const seconds = slice.map((unit) => unit[1]);
    const encode = (items: TrafficItem[]) =>
      Buffer.from(JSON.stringify({ requests: items.map((item) => ({ body: item.body.toString(), signature: item.signature })) }));
    pairs.push({ bodies: [encode(firsts), encode(seconds)], items: [firsts, seconds] });
  }
  return pairs;
}

/** Checks a batch answer item by item: answers come back in order. */
export function checkBatchAnswer(items: readonly TrafficItem[], status: number, body: string, verifySignatures: boolean, statuses: Record<string, number>): string | undefined {
  if (status !== 200) return `batch: expected 200, got ${status} ${body.slice(0, 200)}`;
  const found = [...body.matchAll(/\{"status":(\d{3}),"answer":/g)].map((m) => Number(m[1]));
  if (found.length !== items.length) return `batch: expected ${items.length} answers, got ${found.length}`;
  let problem: string | undefined;
  found.forEach((itemStatus, i) => {
    statuses[itemStatus] = (statuses[itemStatus] ?? 0) + 1;
    const expected = expectationFor(items[i], verifySignatures);
    if (itemStatus !== expected.status && !problem) problem = `batch item ${items[i].kind}: expected ${expected.status}, got ${itemStatus}`;
  });
  return problem;
}
