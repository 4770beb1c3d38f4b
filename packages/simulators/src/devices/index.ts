// The state a simulated device keeps between requests, so its answers are DUIS-shaped and
// consistent: registers that advance with time, prepayment credit that the import uses up, top-ups
// add to and a balance update sets (falling below a threshold raises a credit alert), the tariffs
// last set, and firmware activations (11.3) that take the SMETS1 distribution time and change the
// version.
import { MinHeap } from '@dccrouter/state';

/** A deterministic generator from a seed (mulberry32): the same seed gives the same estate. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A number from a device ID and a salt: each device its own consumption and starting values. */
function hashOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** What the import costs from the prepayment credit, in pence per kWh: the credit runs down with use. */
export const PENCE_PER_KWH = 25;
/** Credit alerts, each raised once as the credit falls below its threshold in pence (a top-up above it arms it again). */
export const CREDIT_ALERTS = [['LOW_CREDIT', 500], ['CREDIT_BELOW_DISABLEMENT', 0]] as const;
export type CreditAlertCode = (typeof CREDIT_ALERTS)[number][0];

export interface DeviceState {
  /** kWh at `since`, and the device's average import in kW. */
  importKwh: number;
  importKw: number;
  since: number;
  /** Prepayment credit in pence at `creditAt`; the import uses it up at PENCE_PER_KWH. */
  creditPence: number;
  creditAt: number;
  /** Counts top-ups: a credit alert armed before the last one is stale. */
  creditEpoch: number;
  /** The tariffs last set (1.1.x) with the prices last set (1.2.x), by element: 'Primary', 'Secondary'. */
  tariffs: Partial<Record<TariffElement, Record<string, unknown>>>;
  /** What 11.2 reports: the version the last completed 11.3 activated. */
  firmwareVersion: string;
  activations: number;
}

type TariffElement = 'Primary' | 'Secondary';

/** The estate's devices, created on first use from their ID and the seed (the same ID, the same device). */
export class DeviceStates {
  private readonly states = new Map<string, DeviceState>();
  /** When each device's credit falls below each threshold, earliest first. */
  private readonly creditAlerts = new MinHeap<{ deviceId: string; state: DeviceState; epoch: number; alertCode: CreditAlertCode }>();

  constructor(readonly seed = 1, private readonly maxDevices = 1_000_000) {}

  /** A device, the most recently used from now: past `maxDevices` the least recently used is forgotten. */
  get(deviceId: string, now: number): DeviceState {
    let state = this.states.get(deviceId);
    if (state) {
      // To the end (a Map keeps insertion order): the first is then the least recently used, not the
      // oldest created. Only once the map is half full, when an eviction can come: the move costs
      // about a microsecond a request, and before then the order decides nothing.
      if (this.states.size > this.maxDevices / 2) {
        this.states.delete(deviceId);
        this.states.set(deviceId, state);
      }
    } else {
      const random = seededRandom(hashOf(deviceId) ^ this.seed);
      state = {
        importKwh: Math.round(random() * 20_000 * 1000) / 1000, importKw: 0.1 + random() * 0.9, since: now,
        creditPence: Math.round(random() * 5_000), creditAt: now, creditEpoch: 0, tariffs: {}, firmwareVersion: '1.0', activations: 0,
      };
      if (this.states.size >= this.maxDevices) this.states.delete(this.states.keys().next().value!);
      this.states.set(deviceId, state);
      this.armCreditAlerts(deviceId, state, now);
    }
    return state;
  }

  /** The import register now: it advances at the device's own rate. */
  importRegister(deviceId: string, now: number): number {
    const state = this.get(deviceId, now);
    return Math.round((state.importKwh + (state.importKw * (now - state.since)) / 3_600_000) * 1000) / 1000;
  }

  /** The credit now, in pence: less what the import used since it was last set (negative once below disablement). */
  credit(deviceId: string, now: number): number {
    const state = this.get(deviceId, now);
    return Math.round(state.creditPence - this.usedPence(state, now));
  }

  topUp(deviceId: string, amountPence: number, now: number): void {
    const state = this.get(deviceId, now);
    this.setCredit(deviceId, state.creditPence - this.usedPence(state, now) + amountPence, now);
  }

  /** The credit from now, in pence (1.5 Update Meter Balance sets it, a top-up adds to it); its alerts armed again. */
  setCredit(deviceId: string, pence: number, now: number): void {
    const state = this.get(deviceId, now);
    // A credit that is not a finite number would stay so for good (every balance null, no credit alert armed).
    if (!Number.isFinite(pence)) return;
    state.creditPence = pence;
    state.creditAt = now;
    state.creditEpoch++;
    this.armCreditAlerts(deviceId, state, now);
  }

  /** The credit alerts due by `now` (each once), for the network to raise. */
  creditAlertsDue(now: number): { deviceId: string; alertCode: CreditAlertCode }[] {
    const due: { deviceId: string; alertCode: CreditAlertCode }[] = [];
    while ((this.creditAlerts.peekKey() ?? Infinity) <= now) {
      const { deviceId, state, epoch, alertCode } = this.creditAlerts.pop()!.value;
      // Not if topped up since (armed again then), nor if forgotten meanwhile.
      if (state.creditEpoch === epoch && this.states.get(deviceId) === state) due.push({ deviceId, alertCode });
    }
    return due;
  }

  private usedPence(state: DeviceState, now: number): number {
    return (state.importKw * (now - state.creditAt) / 3_600_000) * PENCE_PER_KWH;
  }

  /** Credit alerts armed and not yet due, stale ones included (for tests of its bound). */
  get armedCreditAlerts(): number {
    return this.creditAlerts.size;
  }

  /** Each threshold the credit is above now gets its crossing time: credit falls by importKw × PENCE_PER_KWH an hour. */
  private armCreditAlerts(deviceId: string, state: DeviceState, now: number): void {
    const credit = state.creditPence - this.usedPence(state, now);
    const pencePerMs = (state.importKw * PENCE_PER_KWH) / 3_600_000;
    for (const [alertCode, threshold] of CREDIT_ALERTS) {
      if (credit > threshold) this.creditAlerts.push(now + (credit - threshold) / pencePerMs, { deviceId, state, epoch: state.creditEpoch, alertCode });
    }
    // A top-up leaves its device's earlier alerts stale and an evicted device its own, due days
    // or years away: past four times what the live devices can have armed, they are dropped.
    if (this.creditAlerts.size > 4 * CREDIT_ALERTS.length * this.states.size + 1_024) {
      this.creditAlerts.retain((alert) => alert.state.creditEpoch === alert.epoch && this.states.get(alert.deviceId) === alert.state);
    }
  }
}

export interface DeviceAnswer {
  body: Record<string, unknown>;
  /** Extra time the device takes (11.3 on SMETS1: distribution over the slow SMETS1 WAN). */
  extraMs?: number;
  /**
   * What the command changes, applied as it arrives, before any later request is acted on (a read
   * after it sees it, whenever the answers are sent); not at all when the network fails it.
   */
  apply?: () => void;
  /** What changes when the answer is sent, not before: an 11.3 activation completes then (SMETS1: after its distribution time). */
  complete?: () => void;
  /** A device alert the device raises once the answer is sent (an activation completed). */
  alertCode?: string;
}

/** A request as the device acts on it. */
export interface DeviceCommand {
  srv: string;
  /** The body element and its value: for a signed Pre-Command (CV 5), what its transform leg asked (the device decodes the payload). */
  element: string;
  value: unknown;
  /** 11.3: the version its image carries (the one 11.1 distributed), if any. */
  firmwareVersion?: string;
}

/** 1.1.1 / 1.1.2 set a tariff, 1.2.1 / 1.2.2 its prices (`Prices`), 4.11.1 / 4.11.2 read it: by element. */
const TARIFF_UPDATES: Record<string, TariffElement> = { '1.1.1': 'Primary', '1.1.2': 'Secondary' };
const PRICE_UPDATES: Record<string, TariffElement> = { '1.2.1': 'Primary', '1.2.2': 'Secondary' };
const TARIFF_READS: Record<string, TariffElement> = { '4.11.1': 'Primary', '4.11.2': 'Secondary' };

/** An amount as a User's body gives it: a number or its text; anything else (an object, whose conversion may throw) is none. */
function amountOf(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
}

/**
 * What a device answers to a request, by SRV, in DUIS's element names: reads report the state,
 * top-ups, balance updates and tariffs change it, and 11.3 activates firmware (for SMETS1 after
 * `smets1ActivationMs`). Credit is in pence: 2.2 adds `TopUpAmount` (or `CreditAmount`), 1.5 sets
 * `MeterBalance` (or `Balance`), and 2.2, 1.5 and 4.18 report the balance as `MeterBalance`.
 */
export function deviceAnswer(states: DeviceStates, deviceId: string, command: DeviceCommand, now: number, smets1ActivationMs: number | undefined): DeviceAnswer {
  const { srv, element } = command;
  const state = states.get(deviceId, now);
  const input = (command.value && typeof command.value === 'object' ? command.value : {}) as Record<string, unknown>;
  if (TARIFF_UPDATES[srv]) {
    const which = TARIFF_UPDATES[srv];
    return { body: { [element]: { TariffApplied: true } }, apply: () => void (state.tariffs[which] = input) };
  }
  if (PRICE_UPDATES[srv]) {
    const which = PRICE_UPDATES[srv];
    return { body: { [element]: { PriceApplied: true } }, apply: () => void (state.tariffs[which] = { ...state.tariffs[which], Prices: input }) };
  }
  if (TARIFF_READS[srv]) return { body: { [element]: state.tariffs[TARIFF_READS[srv]] ?? {} } };
  switch (srv) {
    case '4.1.1':
      return { body: { [element]: { ImportRegister: { Value: states.importRegister(deviceId, now), Unit: 'kWh' }, ReadAt: new Date(now).toISOString() } } };
    case '2.2': {
      const credit = states.credit(deviceId, now);
      const given = amountOf(input.TopUpAmount ?? input.CreditAmount ?? 0);
      // An amount that is not a number (text such as "5.00 GBP"), or that the credit cannot hold, adds nothing.
      const amount = Number.isFinite(credit + given) ? given : 0;
      return { body: { [element]: { CreditAdded: amount, MeterBalance: credit + amount } }, apply: () => states.topUp(deviceId, amount, now) };
    }
    case '4.18':
      return { body: { [element]: { MeterBalance: states.credit(deviceId, now) } } };
    case '1.5': {
      // The balance to set, in pence like 2.2's amount (`MeterBalance`, or `Balance`); one that is not a finite number changes nothing.
      const balance = amountOf(input.MeterBalance ?? input.Balance);
      if (!Number.isFinite(balance)) return { body: { [element]: { MeterBalance: states.credit(deviceId, now) } } };
      return { body: { [element]: { MeterBalance: balance } }, apply: () => states.setCredit(deviceId, balance, now) };
    }
    case '11.2':
      return { body: { [element]: { FirmwareVersion: state.firmwareVersion } } };
    case '11.3':
      // No 11.1 distributed an image: nothing to activate, and no alert (the router records no activation either).
      if (!command.firmwareVersion) return { body: { ActivateFirmware: { Activated: false, Reason: 'no firmware image distributed: no 11.1 named a version for the device' } } };
      // The image was distributed by the DSP's 11.1 (the inventory names its version); activating it
      // takes the SMETS1 distribution time. Either leg's element: the answer is ActivateFirmware's.
      return {
        body: { ActivateFirmware: { Activated: true } }, extraMs: smets1ActivationMs, alertCode: 'FIRMWARE_ACTIVATED',
        complete: () => {
          state.activations += 1;
          if (command.firmwareVersion) state.firmwareVersion = command.firmwareVersion;
        },
      };
    default:
      return { body: { [element]: {} } };
  }
}
