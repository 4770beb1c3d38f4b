import { ALL_DESTINATIONS } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { mergeSimulatorSettings, SimulatedNetwork, type ResponseSink, type SettingsCheck, type SimulatorSettings } from '@dccrouter/simulators';

/** The simulated CSPs and S1SPs run in this process: one per destination of the contract. */
export function simulatedNetworks(sink: ResponseSink, settings: SimulatorSettings): Map<string, SimulatedNetwork> {
  return new Map(ALL_DESTINATIONS.map((destination) => [destination, new SimulatedNetwork(destination, sink, structuredClone(settings))]));
}

const SETTING = 'simulator-settings';
const POLL_MS = 1000;

export interface SimulatorView extends SimulatorSettings {
  /** Counts of this process's simulator, when it runs one. */
  received?: number;
  pending?: number;
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

  constructor(
    private readonly store: StateStore,
    private readonly local: Map<string, SimulatedNetwork>,
    private readonly defaults: SimulatorSettings,
  ) {}

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), POLL_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  isDestination(destination: string): boolean {
    return ALL_DESTINATIONS.includes(destination);
  }

  async view(destination: string): Promise<SimulatorView> {
    const stored = (await this.store.getSetting<Record<string, SimulatorSettings>>(SETTING)) ?? {};
    const simulator = this.local.get(destination);
    const settings = stored[destination] ?? this.defaults;
    return simulator ? { ...settings, received: simulator.received, pending: simulator.pending } : settings;
  }

  async update(destination: string, input: unknown): Promise<SettingsCheck> {
    const stored = (await this.store.getSetting<Record<string, SimulatorSettings>>(SETTING)) ?? {};
    const merged = mergeSimulatorSettings(stored[destination] ?? this.defaults, input);
    if (!merged.ok) return merged;
    stored[destination] = merged.value;
    await this.store.putSetting(SETTING, stored);
    this.apply(stored);
    return merged;
  }

  private async sync(): Promise<void> {
    this.apply((await this.store.getSetting<Record<string, SimulatorSettings>>(SETTING)) ?? {});
  }

  private apply(stored: Record<string, SimulatorSettings>): void {
    const text = JSON.stringify(stored);
    if (text === this.applied) return;
    this.applied = text;
    for (const [destination, simulator] of this.local) simulator.configure(structuredClone(stored[destination] ?? this.defaults));
  }
}
