import { z } from 'zod';
import { ALL_DESTINATIONS, objectError, parseWith, type Parsed } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { SimulatedNetwork, TIMER_MAX_MS, type AlertSink, type DevicePopulation, type ResponseSink, type SimulatorSettings } from '@dccrouter/simulators';
import { taskFailureReporter, type Logger } from '../log/index.ts';

/** How long a simulator's right to raise its destination's rate alerts lasts unrenewed (it renews it each second). */
const ALERT_LEASE_MS = 3_000;

/**
 * The simulated CSPs and S1SPs run in this process: one per destination of the contract, each
 * raising its alerts from the inventory's devices routed to it (the store's index of them); of the
 * processes running one, the holder of its destination's lease raises the rate alerts.
 */
export function simulatedNetworks(sink: ResponseSink, settings: SimulatorSettings, store: StateStore, owner: string, alerts?: AlertSink, clock?: () => number): Map<string, SimulatedNetwork> {
  const populationOf = (destination: string): DevicePopulation => ({
    count: () => store.countDevicesAt(destination),
    sample: (count) => store.sampleDevicesAt(destination, count),
    leads: () => store.leaseAlerts(destination, owner, ALERT_LEASE_MS),
  });
  return new Map(ALL_DESTINATIONS.map((destination) => [destination, new SimulatedNetwork(destination, sink, structuredClone(settings), alerts, populationOf(destination), clock)]));
}

/**
 * Each destination's settings under a setting of its own, so updates of different destinations
 * at the same moment never undo each other (one map for all lost all but one). `SETTING` alone is
 * where an earlier version kept them all: read for a destination that has none of its own yet.
 */
const SETTING = 'simulator-settings';
const settingOf = (destination: string) => `${SETTING}:${destination}`;

const SHARE = z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be a number from 0 to 1' }).max(1, { error: 'must be a number from 0 to 1' }).optional();
/** A device raises at most one rate alert a tick (a second): each tick's share is drawn from distinct devices. */
const ALERT_RATE_ERROR = 'must be a number from 0 to 3600 (at most one alert per device per second)';
const ALERT_RATE = z.number({ error: ALERT_RATE_ERROR }).min(0, { error: ALERT_RATE_ERROR }).max(3_600, { error: ALERT_RATE_ERROR }).optional();
/** At most what a timer takes (2^31 - 1 ms, about 24.8 days): past that runtimes fire it after 1 ms. */
const MILLISECONDS_ERROR = `must be a number of milliseconds from 0 to ${TIMER_MAX_MS}`;
const MILLISECONDS = z.number({ error: MILLISECONDS_ERROR }).min(0, { error: MILLISECONDS_ERROR }).max(TIMER_MAX_MS, { error: MILLISECONDS_ERROR }).optional();

/** `PUT /v1/admin/simulators/{destination}`: any of the settings; the others stay as they are. */
export const simulatorSettingsUpdateSchema = z.strictObject({
  latencyMs: z.strictObject({
    p50: MILLISECONDS,
    p99: MILLISECONDS.meta({ description: 'At least p50 (the one set or the one given)' }),
  }, objectError('must be an object { "p50", "p99" }', 'is not a latency setting')).optional().meta({ description: 'A log-normal latency by its median and 99th percentile' }),
  wanShare: SHARE.meta({ description: "SMETS1: the share of the latency on the SMETS1 WAN (excluded from TRT)" }),
  failureRate: SHARE.meta({ description: 'Share of requests answered with a network error (E20, E21)' }),
  stalled: z.boolean({ error: 'must be true or false' }).optional().meta({ description: 'A stalled network holds every request and answers them all when un-stalled (those in flight when it stalled included)' }),
  firmwareActivationMs: MILLISECONDS.meta({ description: 'SMETS1: how long an 11.3 Activate Firmware takes beyond the latency (firmware distribution over the SMETS1 WAN)' }),
  alertsPerDevicePerHour: ALERT_RATE
    .meta({ description: "Device alerts each of the network's devices (the inventory's routed to it) raises per hour, on average (TAMPER; credit alerts come from the credit running down); at most 3600, one per device per second (the simulator raises each second's share from distinct devices)" }),
  seed: z.number({ error: 'must be an integer from 0 to 4294967295' }).int({ error: 'must be an integer from 0 to 4294967295' })
    .min(0, { error: 'must be an integer from 0 to 4294967295' }).max(0xffff_ffff, { error: 'must be an integer from 0 to 4294967295' }).optional()
    .meta({ description: 'Seeds every random draw of the network (latency, failures, alerts) and its devices\' starting state; a new seed is a new estate' }),
}, objectError('must be a JSON object', 'is not a simulator setting')).meta({ id: 'SimulatorSettingsUpdate' });

/** A partial update laid over the current settings; p99 below p50 is refused. */
export function mergeSimulatorSettings(current: SimulatorSettings, input: unknown): Parsed<SimulatorSettings> {
  const parsed = parseWith(simulatorSettingsUpdateSchema, input, { style: 'path', root: 'body' });
  if (!parsed.ok) return parsed;
  const { latencyMs, wanShare, failureRate, stalled, alertsPerDevicePerHour, firmwareActivationMs, seed } = parsed.value;
  const next: SimulatorSettings = { ...current, latencyMs: { ...current.latencyMs } };
  if (latencyMs) {
    next.latencyMs = { p50: latencyMs.p50 ?? current.latencyMs.p50, p99: latencyMs.p99 ?? current.latencyMs.p99 };
    if (next.latencyMs.p99 < next.latencyMs.p50) return { ok: false, error: { field: 'latencyMs.p99', message: 'must be a number of milliseconds >= p50' } };
  }
  if (wanShare !== undefined) next.wanShare = wanShare;
  if (failureRate !== undefined) next.failureRate = failureRate;
  if (stalled !== undefined) next.stalled = stalled;
  if (alertsPerDevicePerHour !== undefined) next.alertsPerDevicePerHour = alertsPerDevicePerHour;
  if (firmwareActivationMs !== undefined) next.firmwareActivationMs = firmwareActivationMs;
  if (seed !== undefined) next.seed = seed;
  return { ok: true, value: next };
}
const POLL_MS = 1000;

export interface SimulatorView extends SimulatorSettings {
  /** Counts of this process's simulator, when it runs one. */
  received?: number;
  pending?: number;
  devices?: number;
}

/**
 * Simulator settings shared through the store, so the operators' API of any router instance
 * configures the simulated networks wherever they run: in a router process, or in a separate
 * networks process (`npm run networks`). Each process applies changes within a second; the
 * instance that took the change applies it at once.
 */
export class SimulatorControl {
  private timer?: ReturnType<typeof setInterval>;
  private applied = '';
  /** Updates made through this process: a sync that read before one of them does not apply what it read. */
  private updates = 0;

  constructor(
    private readonly store: StateStore,
    private readonly local: Map<string, SimulatedNetwork>,
    private readonly defaults: SimulatorSettings,
  ) {}

  /** Applies what is stored, then again each second; a failed read is logged (at most every 10 s) and counted. */
  async start(log?: Logger): Promise<void> {
    await this.sync();
    const failed = log && taskFailureReporter(log, 'simulator-settings-refresh');
    this.timer = setInterval(() => void this.sync().catch((error) => {
      failed?.({ err: error }, 'simulated networks\' settings not read from the store: the last ones read stay in force');
    }), POLL_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  isDestination(destination: string): boolean {
    return ALL_DESTINATIONS.includes(destination);
  }

  async view(destination: string): Promise<SimulatorView> {
    const stored = await this.stored();
    const simulator = this.local.get(destination);
    const settings = this.settingsOf(stored, destination);
    return simulator ? { ...settings, received: simulator.received, pending: simulator.pending, devices: simulator.deviceCount } : settings;
  }

  /**
   * Stores what was set, this time and before, not this process's defaults for the rest: every
   * router fills those in from its own settings (a partial change must not pin one router's
   * environment on the others).
   */
  async update(destination: string, input: unknown): Promise<Parsed<SimulatorSettings>> {
    // What a version that kept every destination in one setting stored, for a destination not written since.
    const legacy = (await this.store.getSetting<Record<string, Partial<SimulatorSettings>>>(SETTING))?.[destination];
    let merged: Parsed<SimulatorSettings> | undefined;
    // Merged into what is stored when written (compare-and-set): a change another instance makes
    // to the same destination meanwhile (another field) is kept, not overwritten.
    await this.store.updateSetting<Partial<SimulatorSettings>>(settingOf(destination), (current) => {
      const stored = current ?? legacy ?? {};
      merged = mergeSimulatorSettings({ ...this.defaults, ...stored }, input);
      if (!merged.ok) return undefined;
      const set = new Set([...Object.keys(stored), ...Object.keys(input as object)]);
      return Object.fromEntries(Object.entries(merged.value).filter(([field]) => set.has(field)));
    });
    if (!merged!.ok) return merged!;
    // This destination's only: the others as read may be stale by now (the next sync brings them).
    this.local.get(destination)?.configure(structuredClone(merged!.value));
    // The next sync applies what is stored whatever it last applied: stored settings put back as
    // they were (by another instance, before that sync) differ from what this process now runs.
    this.applied = '';
    this.updates++;
    return merged!;
  }

  /** Every destination's stored settings, in one read. */
  private async stored(): Promise<Record<string, Partial<SimulatorSettings>>> {
    const [earlier, ...own] = await this.store.getSettings([SETTING, ...ALL_DESTINATIONS.map(settingOf)]) as [Record<string, SimulatorSettings> | undefined, ...(Partial<SimulatorSettings> | undefined)[]];
    const stored: Record<string, Partial<SimulatorSettings>> = {};
    ALL_DESTINATIONS.forEach((destination, i) => {
      const settings = own[i] ?? earlier?.[destination];
      if (settings) stored[destination] = settings;
    });
    return stored;
  }

  /** A destination's settings: this process's defaults fill in what was not set (and what settings stored by an earlier version lack, e.g. the seed). */
  private settingsOf(stored: Record<string, Partial<SimulatorSettings>>, destination: string): SimulatorSettings {
    return { ...this.defaults, ...stored[destination] };
  }

  private async sync(): Promise<void> {
    const updates = this.updates;
    const stored = await this.stored();
    // Read before an update this process made since: older than what it runs now.
    if (updates === this.updates) this.apply(stored);
  }

  private apply(stored: Record<string, Partial<SimulatorSettings>>): void {
    const text = JSON.stringify(stored);
    if (text === this.applied) return;
    this.applied = text;
    for (const [destination, simulator] of this.local) simulator.configure(structuredClone(this.settingsOf(stored, destination)));
  }
}
