import { describe, expect, it } from 'vitest';
import { defaultSimulatorSettings } from '@dccrouter/simulators';
import { MemoryStore } from '@dccrouter/state';
import { mergeSimulatorSettings, SimulatorControl } from './simulated.ts';

describe('mergeSimulatorSettings', () => {
  const current = defaultSimulatorSettings();

  it('lays a partial update over the current settings', () => {
    expect(mergeSimulatorSettings(current, { latencyMs: { p99: 900 }, stalled: true })).toStrictEqual({
      ok: true, value: { ...current, latencyMs: { p50: current.latencyMs.p50, p99: 900 }, stalled: true },
    });
    expect(mergeSimulatorSettings(current, {})).toStrictEqual({ ok: true, value: current });
    expect(mergeSimulatorSettings(current, { seed: 7 })).toStrictEqual({ ok: true, value: { ...current, seed: 7 } });
    expect(mergeSimulatorSettings(current, { firmwareActivationMs: 2 ** 31 - 1 })).toStrictEqual({ ok: true, value: { ...current, firmwareActivationMs: 2 ** 31 - 1 } });
    expect(mergeSimulatorSettings(current, { alertsPerDevicePerHour: 3_600 })).toStrictEqual({ ok: true, value: { ...current, alertsPerDevicePerHour: 3_600 } });
  });

  it.each([
    ['p99 below the p50 set', { latencyMs: { p99: 50 } }, { field: 'latencyMs.p99', message: 'must be a number of milliseconds >= p50' }],
    ['a negative p50', { latencyMs: { p50: -1 } }, { field: 'latencyMs.p50', message: 'must be a number of milliseconds from 0 to 2147483647' }],
    ['a p99 past a timer\'s longest delay', { latencyMs: { p99: 2 ** 31 } }, { field: 'latencyMs.p99', message: 'must be a number of milliseconds from 0 to 2147483647' }],
    ['a firmware activation past a timer\'s longest delay', { firmwareActivationMs: 2 ** 31 }, { field: 'firmwareActivationMs', message: 'must be a number of milliseconds from 0 to 2147483647' }],
    ['an unknown latency field', { latencyMs: { p90: 1 } }, { field: 'latencyMs.p90', message: 'is not a latency setting' }],
    ['a share over 1', { wanShare: 1.5 }, { field: 'wanShare', message: 'must be a number from 0 to 1' }],
    ['a failure rate as text', { failureRate: '0.1' }, { field: 'failureRate', message: 'must be a number from 0 to 1' }],
    ['stalled as text', { stalled: 'yes' }, { field: 'stalled', message: 'must be true or false' }],
    ['an alert rate past one per device per second', { alertsPerDevicePerHour: 3_601 }, { field: 'alertsPerDevicePerHour', message: 'must be a number from 0 to 3600 (at most one alert per device per second)' }],
    ['an alert rate of 1e308', { alertsPerDevicePerHour: 1e308 }, { field: 'alertsPerDevicePerHour', message: 'must be a number from 0 to 3600 (at most one alert per device per second)' }],
    ['a negative alert rate', { alertsPerDevicePerHour: -1 }, { field: 'alertsPerDevicePerHour', message: 'must be a number from 0 to 3600 (at most one alert per device per second)' }],
    ['a fractional seed', { seed: 1.5 }, { field: 'seed', message: 'must be an integer from 0 to 4294967295' }],
    ['a seed past 32 bits', { seed: 2 ** 32 }, { field: 'seed', message: 'must be an integer from 0 to 4294967295' }],
    ['an unknown setting', { colour: 'red' }, { field: 'colour', message: 'is not a simulator setting' }],
    ['not an object', [], { field: 'body', message: 'must be a JSON object' }],
  ])('refuses %s, naming the field', (_name, input, error) => {
    expect(mergeSimulatorSettings(current, input)).toStrictEqual({ ok: false, error });
  });
});

describe('SimulatorControl', () => {
  it('shares what was set, and leaves the rest to each router\'s own defaults', async () => {
    const store = new MemoryStore();
    const fast = new SimulatorControl(store, new Map(), { ...defaultSimulatorSettings(), latencyMs: { p50: 5, p99: 20 } });
    const slow = new SimulatorControl(store, new Map(), { ...defaultSimulatorSettings(), latencyMs: { p50: 100, p99: 500 } });
    expect((await fast.update('smets2/north', { stalled: true })).ok).toBe(true);
    expect(await slow.view('smets2/north')).toMatchObject({ stalled: true, latencyMs: { p50: 100, p99: 500 } });
    // Set once, kept when something else is set later, whoever sets it.
    expect((await slow.update('smets2/north', { failureRate: 0.5 })).ok).toBe(true);
    expect(await fast.view('smets2/north')).toMatchObject({ stalled: true, failureRate: 0.5, latencyMs: { p50: 5, p99: 20 } });
    expect((await fast.update('smets2/north', { latencyMs: { p50: 7, p99: 9 } })).ok).toBe(true);
    expect(await slow.view('smets2/north')).toMatchObject({ stalled: true, failureRate: 0.5, latencyMs: { p50: 7, p99: 9 } });
  });
});

describe('SimulatorControl and its sync', () => {
  it('keeps an update in force when a sync that read the settings before it lands after it', async () => {
    const store = new MemoryStore();
    const simulator = { settings: undefined as { stalled: boolean } | undefined, configure(settings: { stalled: boolean }) { this.settings = settings; } };
    const control = new SimulatorControl(store, new Map([['smets2/central', simulator as never]]), defaultSimulatorSettings());
    // A sync whose read is done, held before it applies what it read.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const getSettings = store.getSettings.bind(store);
    store.getSettings = async (names: readonly string[]) => {
      const read = await getSettings(names);
      await held;
      return read;
    };
    const sync = (control as unknown as { sync(): Promise<void> }).sync();
    expect((await control.update('smets2/central', { stalled: true })).ok).toBe(true);
    expect(simulator.settings?.stalled).toBe(true);
    release();
    await sync;
    expect(simulator.settings?.stalled).toBe(true);
    // The next sync applies what is stored.
    store.getSettings = getSettings;
    await (control as unknown as { sync(): Promise<void> }).sync();
    expect(simulator.settings?.stalled).toBe(true);
  });
});
