// The state a simulated device keeps between requests, so its answers are DUIS-shaped and
// consistent: registers that advance with time, prepayment credit changed by top-ups, the
// tariff last set, and firmware activations (11.3) that take the SMETS1 distribution time.

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

export interface DeviceState {
  /** kWh at `since`, and the device's average import in kW. */
  importKwh: number;
  importKw: number;
  since: number;
  /** Prepayment credit in pence. */
  creditPence: number;
  tariff?: Record<string, unknown>;
  /** What 11.2 reports until an activation (the inventory keeps the version the CPL judges). */
  firmwareVersion: string;
  activations: number;
}

/** The estate's devices, created on first use from their ID (the same ID, the same device). */
export class DeviceStates {
  private readonly states = new Map<string, DeviceState>();

  constructor(private readonly seed = 1, private readonly maxDevices = 1_000_000) {}

  get(deviceId: string, now: number): DeviceState {
    let state = this.states.get(deviceId);
    if (!state) {
      const random = seededRandom(hashOf(deviceId) ^ this.seed);
      state = {
        importKwh: Math.round(random() * 20_000 * 1000) / 1000, importKw: 0.1 + random() * 0.9, since: now,
        creditPence: Math.round(random() * 5_000), firmwareVersion: '1.0', activations: 0,
      };
      if (this.states.size >= this.maxDevices) this.states.delete(this.states.keys().next().value!);
      this.states.set(deviceId, state);
    }
    return state;
  }

  /** The import register now: it advances at the device's own rate. */
  importRegister(deviceId: string, now: number): number {
    const state = this.get(deviceId, now);
    return Math.round((state.importKwh + (state.importKw * (now - state.since)) / 3_600_000) * 1000) / 1000;
  }
}

export interface DeviceAnswer {
  body: Record<string, unknown>;
  /** Extra time the device takes (11.3 on SMETS1: distribution over the slow SMETS1 WAN). */
  extraMs?: number;
  /** Applied when the answer is sent, not before (an activation changes the firmware then). */
  apply?: () => void;
}

/**
 * What a device answers to a request, by SRV, in DUIS's element names: reads report the state,
 * top-ups and tariffs change it, and 11.3 activates firmware (for SMETS1 after `smets1ActivationMs`).
 */
export function deviceAnswer(states: DeviceStates, deviceId: string, srv: string, element: string, value: unknown, now: number, smets1ActivationMs: number | undefined): DeviceAnswer {
  const state = states.get(deviceId, now);
  const input = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  switch (srv) {
    case '4.1.1':
      return { body: { [element]: { ImportRegister: { Value: states.importRegister(deviceId, now), Unit: 'kWh' }, ReadAt: new Date(now).toISOString() } } };
    case '2.2': {
      const amount = Number(input.TopUpAmount ?? input.CreditAmount ?? 0);
      return { body: { [element]: { CreditAdded: amount, MeterBalance: state.creditPence + amount } }, apply: () => void (state.creditPence += amount) };
    }
    case '1.1.1':
      return { body: { [element]: { TariffApplied: true } }, apply: () => void (state.tariff = input) };
    case '11.2':
      return { body: { [element]: { FirmwareVersion: state.firmwareVersion } } };
    case '11.3':
      // The image was distributed by the DSP's 11.1 (the inventory names it); activating it takes
      // the SMETS1 distribution time. Either leg's element: the answer is ActivateFirmware's.
      return { body: { ActivateFirmware: { Activated: true } }, extraMs: smets1ActivationMs, apply: () => void (state.activations += 1) };
    default:
      return { body: { [element]: {} } };
  }
}
