import type { DuisWebService as DomainDuisWebService } from '@dccrouter/domain';
import type { dccrouter, RichStatus as ProtocolRichStatus } from '@dccrouter/protocol';
import type { AcknowledgementMessage, DuisWebService, OutboxItemMessage, RichStatus, SignedServiceRequest } from './wire.ts';

// Checked when the project is type-checked (`npm run typecheck`, part of `npm test`), never run:
// it fails when a type of wire.ts and the router's own it stands for drift apart (each way the SDK
// needs: what it hands to protobufjs, what it reads from it).
// Wrapped in a tuple: a bare `From extends To` distributes over a union, giving `boolean` when only
// some members fit, which `true` satisfies, so a drifted union would pass.
type Assignable<From, To> = [From] extends [To] ? true : false;
export const checks: true[] = [
  true satisfies Assignable<SignedServiceRequest, dccrouter.v1.ISignedServiceRequest>,
  true satisfies Assignable<dccrouter.v1.ISignedServiceRequest, SignedServiceRequest>,
  true satisfies Assignable<dccrouter.v1.IAcknowledgement, AcknowledgementMessage>,
  true satisfies Assignable<dccrouter.v1.IOutboxItem, OutboxItemMessage>,
  true satisfies Assignable<OutboxItemMessage, dccrouter.v1.IOutboxItem>,
  true satisfies Assignable<ProtocolRichStatus, RichStatus>,
  true satisfies Assignable<RichStatus, ProtocolRichStatus>,
  true satisfies Assignable<DuisWebService, DomainDuisWebService>,
  true satisfies Assignable<DomainDuisWebService, DuisWebService>,
];

