import type { SrvDefinition } from '../types/index.ts';
import { SRV_DEFINITIONS } from './srv-definitions.ts';

export { SRV_DEFINITIONS };

const BY_SRV = new Map(SRV_DEFINITIONS.map((d) => [d.srv, d]));

/** The SRV definition for a Service Reference Variant such as "4.1.1", or undefined. */
export function findSrv(srv: string): SrvDefinition | undefined {
  return BY_SRV.get(srv);
}

/**
 * When the DCC holds a future-dated request of this SRV until its ExecutionDateTime (the SRV is
 * future-dated by the DSP: 'dsp', 'dsp+device'); undefined when it has none, or when its device
 * holds it ('device'): sent at once, whose device answers at once and acts at that time.
 */
export function dspHeldUntil(srv: SrvDefinition, executionDateTime: number | undefined): number | undefined {
  return srv.futureDated === 'dsp' || srv.futureDated === 'dsp+device' ? executionDateTime : undefined;
}

/** Body element name carried by the signed second leg (CV 5, 6, 7) of a critical request. */
export const SIGNED_PRE_COMMAND = 'SignedPreCommand';
