import { originatorOf, type NetworkResponse, type StateStore } from '@dccrouter/state';
import type { SimulatedNetwork, SimulatorSettings } from '@dccrouter/simulators';
import { pollUntil } from '../background/index.ts';
import type { RouterConfig } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { childrenOf, type LifecycleMetrics } from '../metrics/index.ts';
import type { StatsAggregator } from '../stats/index.ts';
import { judgedResponseCounter } from '../trt/judged-responses.ts';
import { deviceAlertSink } from '../alerts/index.ts';
import { EgressDispatcher, responseRecorder, type DirectEgress } from './index.ts';
import { SimulatorControl, simulatedNetworks } from './simulated.ts';
import { recordActivatedFirmware } from '../products/firmware.ts';

export interface Networks {
  simulators: Map<string, SimulatedNetwork>;
  /** The request path's hand-over to these networks. */
  egress: DirectEgress;
  control: SimulatorControl;
  /** Records a response as the networks' are (for one the router gives itself: a held request refused at its release). */
  recordResponse: (response: NetworkResponse) => Promise<void>;
  /**
   * Takes no more requests, lets the simulators answer what they hold until `deadline` (epoch ms;
   * at once without one), then drops the rest.
   */
  stop(deadline?: number): Promise<void>;
}

/**
 * The downstream side: egress from the durable queues to the simulated networks (when this
 * process runs them) and their responses back into the store, with the TRT figures they carry.
 * Runs inside a router (NETWORKS=simulated) or alone (`npm run networks`).
 */
export async function startNetworks(
  store: StateStore, config: RouterConfig, log: Logger, lifecycle: LifecycleMetrics, instance: string, stats: StatsAggregator,
  /** Told of each response recorded, by the User whose outbox it went to (wakes its waiting pulls and feeds). */
  outboxAdded: (userId: string) => void = () => {},
  /** When a network answers: the clock the routers time requests by (StoreClock), so a TRT is measured on one footing. */
  clock: () => number = Date.now,
): Promise<Networks> {
  const responses = childrenOf(lifecycle.responses);
  const countJudged = judgedResponseCounter(lifecycle, stats);
  const recordResponse = responseRecorder(store, (response, outcome) => {
    outboxAdded(originatorOf(response.requestId));
    // A response the router gave itself (a held request refused at its release) is no network's.
    if (response.unsent) lifecycle.heldRefused.inc({ reason: (response.body as { error: { reason: string } }).error.reason });
    else responses(response.destination, response.responseCode).inc();
    // An 11.3 Activate Firmware answered I0 makes the version its last 11.1 named the device's own
    // (contract v1.1: the CPL judges it by that), whatever else the network's body says.
    if (response.responseCode === 'I0' && response.srv === '11.3') recordActivatedFirmware(store, response.requestId, log);
    countJudged(response, outcome);
  });
  const defaults: SimulatorSettings = {
    latencyMs: { p50: config.simulatorLatencyP50Ms, p99: Math.max(config.simulatorLatencyP99Ms, config.simulatorLatencyP50Ms) },
    wanShare: config.simulatorWanShare,
    failureRate: config.simulatorFailureRate,
    stalled: false,
    alertsPerDevicePerHour: 0,
    firmwareActivationMs: config.simulatorFirmwareActivationMs,
    seed: config.simulatorSeed,
  };
  const simulators = config.networks === 'simulated' ? simulatedNetworks(recordResponse, defaults, store, instance, deviceAlertSink(store, log), clock) : new Map<string, SimulatedNetwork>();
  const control = new SimulatorControl(store, simulators, defaults);
  await control.start(log);
  const forwarded = childrenOf(lifecycle.forwarded);
  const egress = new EgressDispatcher(store, [...simulators.values()], {
    consumer: instance, batch: config.egressBatch, redeliverAfterMs: config.egressRedeliverMs, idlePollMs: config.egressIdlePollMs,
    lingerMs: config.egressLingerMs, handOver: config.egressHandOver,
  }, log, (count, destination) => forwarded(destination).inc(count), (how, count) => lifecycle.redelivered.inc({ how }, count));
  egress.start();
  return {
    simulators,
    egress,
    control,
    recordResponse,
    async stop(deadline = 0) {
      await egress.stop();
      control.stop();
      // Answered now rather than redelivered after the lease's end (30 s: a SMETS2+ request's whole
      // TRT). What is still held at the deadline (a stalled network, a firmware activation) stays
      // pending in the store and is sent again after the redelivery delay.
      await pollUntil(() => [...simulators.values()].every((simulator) => simulator.pending === 0), deadline);
      for (const simulator of simulators.values()) simulator.close();
    },
  };
}
