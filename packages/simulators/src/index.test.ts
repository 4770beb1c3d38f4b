import type { EgressItem, NetworkResponse } from '@dccrouter/state';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSimulatorSettings, DeviceStates, PENCE_PER_KWH, SimulatedNetwork, type SimulatorSettings } from './index.ts';

const T0 = 1_800_000_000_000;
let counter = 0;

function item(srv: string, targetId: string, bodyElement: string, extra: Partial<EgressItem['record']> = {}): EgressItem {
  const requestId = `90-B3-D5-1F-30-01-00-00:${targetId}:${++counter}`;
  return {
    destination: 'any', entryId: String(counter),
    record: {
      requestId, originatorId: '90-B3-D5-1F-30-01-00-00', targetId, srv, commandVariant: 1, state: 'accepted', destination: 'any',
      acceptedAt: Date.now(), bodyElement, bodyValue: {}, ...extra,
    },
  };
}

/** A network on fake time: its responses and alerts, in the order they came. */
function network(destination: string, settings: Partial<SimulatorSettings>) {
  const responses: NetworkResponse[] = [];
  const alerts: { alertCode: string; deviceIds: readonly string[]; raisedAt: number }[] = [];
  const simulator = new SimulatedNetwork(destination, async (response) => void responses.push(response), { ...defaultSimulatorSettings(), ...settings },
    async (alertCode, deviceIds, raisedAt) => void alerts.push({ alertCode, deviceIds, raisedAt }));
  return { simulator, responses, alerts };
}

const running: SimulatedNetwork[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const simulator of running.splice(0)) simulator.close();
  vi.useRealTimers();
});

describe('a simulated network', () => {
  /** 40 reads of 10 devices with failures and spread latencies: what came back, and when. */
  async function run(seed: number) {
    vi.setSystemTime(T0);
    const { simulator, responses } = network('smets2/north', { seed, failureRate: 0.4, latencyMs: { p50: 50, p99: 2_000 } });
    running.push(simulator);
    counter = 0;
    for (let i = 0; i < 40; i++) await simulator.send(item('4.1.1', `00-DB-12-34-56-78-90-${String(i % 10).padStart(2, '0')}`, 'ReadInstantaneousImportRegisters'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(responses).toHaveLength(40);
    return responses.map((r) => [r.requestId, r.responseCode, r.at - T0, r.body]);
  }

  it('answers the same requests alike for the same seed (latency, failures, device state), and otherwise for another', async () => {
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    const codes = first.map(([, code]) => code);
    expect(codes).toContain('I0');
    expect(codes.some((code) => code === 'E20' || code === 'E21')).toBe(true);
    expect(await run(43)).not.toEqual(first);
  });

  it('answers requests due in the same millisecond together, each at its time and in arrival order; a closed network answers none still pending', async () => {
    vi.setSystemTime(T0);
    const { simulator, responses } = network('smets2/north', { latencyMs: { p50: 20, p99: 20 } });
    running.push(simulator);
    const sent = [0, 0, 0, 5].map(() => item('4.1.1', '00-DB-12-34-56-78-90-A0', 'ReadInstantaneousImportRegisters'));
    for (const request of sent.slice(0, 3)) simulator.send(request);
    await vi.advanceTimersByTimeAsync(5);
    simulator.send(sent[3]);
    await vi.advanceTimersByTimeAsync(15);
    expect(responses.map((r) => [r.requestId, r.at - T0])).toEqual(sent.slice(0, 3).map((r) => [r.record.requestId, 20]));
    await vi.advanceTimersByTimeAsync(5);
    expect(responses.map((r) => r.at - T0)).toEqual([20, 20, 20, 25]);

    simulator.send(item('4.1.1', '00-DB-12-34-56-78-90-A0', 'ReadInstantaneousImportRegisters'));
    simulator.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(responses).toHaveLength(4);
  });

  it('holds the answers of requests in flight when stalled, as well as those arriving, and sends them all when un-stalled, in-flight ones first', async () => {
    const { simulator, responses, alerts } = network('smets2/north', { latencyMs: { p50: 100, p99: 100 } });
    running.push(simulator);
    const meter = '00-DB-12-34-56-78-90-A1';
    const inFlight = [item('4.1.1', meter, 'ReadInstantaneousImportRegisters'), item('11.3', meter, 'ActivateFirmware', { firmwareVersion: '2.0' })];
    for (const request of inFlight) await simulator.send(request);
    await vi.advanceTimersByTimeAsync(50);
    simulator.configure({ ...simulator.current(), stalled: true });
    const arrived = item('11.2', meter, 'ReadFirmwareVersion');
    await simulator.send(arrived);
    await vi.advanceTimersByTimeAsync(10_000);
    expect([responses, alerts, simulator.pending]).toEqual([[], [], 3]);
    simulator.configure({ ...simulator.current(), stalled: false });
    await vi.advanceTimersByTimeAsync(10);
    expect(responses.map((r) => [r.requestId, r.at - T0])).toEqual([...inFlight, arrived].map((r) => [r.record.requestId, 10_050]));
    expect(alerts.map((a) => a.alertCode)).toEqual(['FIRMWARE_ACTIVATED']);
    expect(simulator.pending).toBe(0);
  });

  it('answers a RequestID once: the last ones are remembered (the oldest forgotten first), and one unanswered however old', async () => {
    // Remembering 1,000 (200,000 unless told).
    const responses: NetworkResponse[] = [];
    const alerts: string[] = [];
    const simulator = new SimulatedNetwork('smets2/north', async (response) => void responses.push(response), { ...defaultSimulatorSettings(), latencyMs: { p50: 0, p99: 0 } },
      async (alertCode) => void alerts.push(alertCode), undefined, Date.now, 1_000);
    running.push(simulator);
    const meter = '00-DB-12-34-56-78-90-C1';
    const reads = async (count: number) => {
      for (let i = 0; i < count; i++) await simulator.send(item('11.2', meter, 'ReadFirmwareVersion'));
    };
    await reads(500);
    const activation = item('11.3', meter, 'ActivateFirmware', { firmwareVersion: '2.0' });
    await simulator.send(activation);
    await reads(500);
    await vi.advanceTimersByTimeAsync(10);
    // Redelivered after 1,001 requests: still remembered, not activated twice.
    await simulator.send(activation);
    await vi.advanceTimersByTimeAsync(10);
    expect(responses.filter((r) => r.requestId === activation.record.requestId)).toHaveLength(1);
    expect(alerts.filter((code) => code === 'FIRMWARE_ACTIVATED')).toHaveLength(1);

    // Held by a stall past 1,000 others: forgotten by then, but still unanswered.
    simulator.configure({ ...simulator.current(), stalled: true });
    const held = item('11.3', meter, 'ActivateFirmware', { firmwareVersion: '3.0' });
    await simulator.send(held);
    await reads(1_000);
    await simulator.send(held);
    simulator.configure({ ...simulator.current(), stalled: false });
    await vi.advanceTimersByTimeAsync(10);
    expect(responses.filter((r) => r.requestId === held.record.requestId)).toHaveLength(1);
    expect(alerts.filter((code) => code === 'FIRMWARE_ACTIVATED')).toHaveLength(2);
  });

  it('answers in DUIS element names alone, without placeholders', async () => {
    const { simulator, responses } = network('smets2/north', { latencyMs: { p50: 5, p99: 5 } });
    running.push(simulator);
    await simulator.send(item('4.1.1', '00-DB-12-34-56-78-90-A0', 'ReadInstantaneousImportRegisters'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(Object.keys(responses[0].body as object)).toEqual(['ReadInstantaneousImportRegisters']);
  });

  it('takes the SMETS1 distribution time for 11.3, then reports the version activated and raises FIRMWARE_ACTIVATED', async () => {
    const { simulator, responses, alerts } = network('smets1/itron', { latencyMs: { p50: 10, p99: 10 }, firmwareActivationMs: 30_000 });
    running.push(simulator);
    const meter = '00-DB-12-34-56-78-91-00';
    await simulator.send(item('11.3', meter, 'ActivateFirmware', { commandVariant: 5, firmwareVersion: '3.2' }));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(responses).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(responses.map((r) => [r.responseCode, r.srv, r.body])).toEqual([['I0', '11.3', { ActivateFirmware: { Activated: true } }]]);
    expect(alerts).toEqual([{ alertCode: 'FIRMWARE_ACTIVATED', deviceIds: [meter], raisedAt: responses[0].at }]);
    await simulator.send(item('11.2', meter, 'ReadFirmwareVersion'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(responses[1].body).toEqual({ ReadFirmwareVersion: { FirmwareVersion: '3.2' } });
  });

  it('waits out a latency or a firmware activation longer than a timer takes (2^31 - 1 ms), not answering at once', async () => {
    // Without an alert sink: no credit check each second, over the 25 days advanced.
    const responses: NetworkResponse[] = [];
    const simulator = new SimulatedNetwork('smets1/itron', async (response) => void responses.push(response), { ...defaultSimulatorSettings(), latencyMs: { p50: 3e9, p99: 3e9 } });
    running.push(simulator);
    await simulator.send(item('4.1.1', '00-DB-12-34-56-78-91-01', 'ReadInstantaneousImportRegisters'));
    simulator.configure({ ...simulator.current(), latencyMs: { p50: 10, p99: 10 }, firmwareActivationMs: 2 ** 31 });
    await simulator.send(item('11.3', '00-DB-12-34-56-78-91-01', 'ActivateFirmware', { firmwareVersion: '2.0' }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(responses).toEqual([]);
    // Capped at the longest delay: both answer then.
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(responses.map((r) => r.srv)).toEqual(['4.1.1', '11.3']);
  });

  it('sets a tariff from a signed Pre-Command\'s command, and reads it back', async () => {
    const { simulator, responses } = network('smets2/south', { latencyMs: { p50: 5, p99: 5 } });
    running.push(simulator);
    const meter = '00-DB-12-34-56-78-92-00';
    await simulator.send(item('1.1.1', meter, 'SignedPreCommand', { commandVariant: 5, bodyElement: 'SignedPreCommand', bodyValue: { GBCSPayload: 'opaque' },
      command: { element: 'UpdateImportTariffPrimaryElement', value: { StandingCharge: 42 } } }));
    await vi.advanceTimersByTimeAsync(1_000);
    await simulator.send(item('4.11.1', meter, 'ReadTariffPrimaryElement'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(responses.map((r) => r.body)).toEqual([{ UpdateImportTariffPrimaryElement: { TariffApplied: true } }, { ReadTariffPrimaryElement: { StandingCharge: 42 } }]);
  });

  it('acts on a change as it arrives: a read sent after it sees it, though the change answers late', async () => {
    const { simulator, responses } = network('smets2/south', { latencyMs: { p50: 400, p99: 400 } });
    running.push(simulator);
    const meter = '00-DB-12-34-56-78-92-01';
    await simulator.send(item('1.1.1', meter, 'UpdateImportTariffPrimaryElement', { bodyValue: { StandingCharge: 42 } }));
    await vi.advanceTimersByTimeAsync(300);
    simulator.configure({ ...simulator.current(), latencyMs: { p50: 200, p99: 200 } });
    await simulator.send(item('4.11.1', meter, 'ReadTariffPrimaryElement'));
    await vi.advanceTimersByTimeAsync(250);
    // The update answers at 400 ms, the read (sent at 300 ms) at 500 ms, with the tariff set.
    expect(responses.map((r) => [r.srv, r.at - T0, r.body])).toEqual([
      ['1.1.1', 400, { UpdateImportTariffPrimaryElement: { TariffApplied: true } }],
      ['4.11.1', 500, { ReadTariffPrimaryElement: { StandingCharge: 42 } }],
    ]);
  });

  it('sets a balance from a critical 1.5\'s command, which a 4.18 sent after it reads though answered first', async () => {
    const { simulator, responses } = network('smets2/south', { latencyMs: { p50: 300, p99: 300 } });
    running.push(simulator);
    const meter = '00-DB-12-34-56-78-92-02';
    await simulator.send(item('1.5', meter, 'SignedPreCommand', { commandVariant: 5, bodyElement: 'SignedPreCommand', bodyValue: { GBCSPayload: 'opaque' },
      command: { element: 'UpdateMeterBalance', value: { MeterBalance: 2_500 } } }));
    simulator.configure({ ...simulator.current(), latencyMs: { p50: 10, p99: 10 } });
    await simulator.send(item('4.18', meter, 'ReadMeterBalance'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(responses.map((r) => [r.srv, r.body])).toEqual([['4.18', { ReadMeterBalance: { MeterBalance: 2_500 } }], ['1.5', { UpdateMeterBalance: { MeterBalance: 2_500 } }]]);
  });

  it('raises rate alerts at most once per device a second, and goes on raising them after a rate past that', async () => {
    const { simulator, alerts } = network('smets2/north', { alertsPerDevicePerHour: 1e308, latencyMs: { p50: 5, p99: 5 } });
    running.push(simulator);
    const meters = ['00-DB-12-34-56-78-90-B1', '00-DB-12-34-56-78-90-B2', '00-DB-12-34-56-78-90-B3'];
    for (const meter of meters) await simulator.send(item('4.1.1', meter, 'ReadInstantaneousImportRegisters'));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(alerts.map((a) => [...a.deviceIds].sort())).toEqual([meters, meters, meters]);
    // Back to one per device per second: they keep coming (a NaN carry had stopped them until a restart).
    simulator.configure({ ...simulator.current(), alertsPerDevicePerHour: 3_600 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(alerts.slice(3).map((a) => [...a.deviceIds].sort())).toEqual([meters, meters]);
  });

  it('raises LOW_CREDIT when a device\'s credit runs below the threshold, not before', async () => {
    // The device of this seed whose credit reaches 500 p soonest.
    const states = new DeviceStates(1);
    const hoursTo = (id: string) => {
      const state = states.get(id, T0);
      return state.creditPence > 500 ? (state.creditPence - 500) / (state.importKw * PENCE_PER_KWH) : Infinity;
    };
    const ids = Array.from({ length: 2_000 }, (_, i) => `00-DB-12-34-56-78-${String(Math.floor(i / 100)).padStart(2, '0')}-${String(i % 100).padStart(2, '0')}`);
    const meter = ids.reduce((best, id) => (hoursTo(id) < hoursTo(best) ? id : best));
    const crossingMs = hoursTo(meter) * 3_600_000;
    expect(crossingMs).toBeLessThan(3_600_000);

    const { simulator, alerts } = network('smets2/north', { seed: 1, latencyMs: { p50: 5, p99: 5 } });
    running.push(simulator);
    await simulator.send(item('4.1.1', meter, 'ReadInstantaneousImportRegisters'));
    await vi.advanceTimersByTimeAsync(crossingMs - 2_000);
    expect(alerts).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(alerts.map((a) => [a.alertCode, a.deviceIds])).toEqual([['LOW_CREDIT', [meter]]]);
  });
});
