import { createHash } from 'node:crypto';
import type { ServiceRequest } from '@dccrouter/domain';

/**
 * Real GBCS encoding is out of scope: the payloads the router hands back (a Pre-Command to sign,
 * a command for local delivery) are opaque, derived deterministically from the request so a retry
 * gets the same bytes.
 */
function opaquePayload(kind: string, request: ServiceRequest): string {
  const digest = createHash('sha256')
    .update(kind).update('\n')
    .update(request.requestIdText).update('\n')
    .update(request.serviceReferenceVariant).update('\n')
    .update(JSON.stringify(request.bodyValue))
    .digest();
  return Buffer.concat([Buffer.from(`DCCR1 ${kind} ${request.serviceReferenceVariant} `), digest]).toString('base64');
}

export function preCommandFor(request: ServiceRequest): { GBCSPayload: string } {
  return { GBCSPayload: opaquePayload('PreCommand', request) };
}

export function localCommandFor(request: ServiceRequest): string {
  return opaquePayload('LocalCommand', request);
}
