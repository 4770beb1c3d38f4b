import { ALL_DESTINATIONS } from '@dccrouter/domain';
import { SimulatedNetwork, type ResponseSink, type SimulatorSettings } from '@dccrouter/simulators';

/** The simulated CSPs and S1SPs run in this process: one per destination of the contract. */
export function simulatedNetworks(sink: ResponseSink, settings: SimulatorSettings): Map<string, SimulatedNetwork> {
  return new Map(ALL_DESTINATIONS.map((destination) => [destination, new SimulatedNetwork(destination, sink, structuredClone(settings))]));
}
