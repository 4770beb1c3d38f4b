import { buildServiceRequest, decodeJsonRequest, parseBodyJson, refuse, type Decoded, type ServiceRequest } from '@dccrouter/domain';
import { Long, ServiceRequest as ServiceRequestMessage, wireShapeProblem, type dccrouter } from '@dccrouter/protocol';

export const JSON_TYPE = 'application/json';
export const PROTOBUF_TYPE = 'application/x-protobuf';
/** `xml` only through the DUIS web services (/api/v1/service{S,D,T}), never by Content-Type on /v1/service-requests. */
export type RequestFormat = 'json' | 'protobuf' | 'xml';

/** A Content-Type header's media type, without its parameters, in lower case; undefined when none was given. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';', 1)[0].trim().toLowerCase();
}

/** The request format named by a Content-Type header, or undefined for anything else (row 1). */
export function requestFormat(contentType: string | undefined): RequestFormat | undefined {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === JSON_TYPE) return 'json';
  if (mediaType === PROTOBUF_TYPE) return 'protobuf';
  return undefined;
}

function decodeProtobufRequest(bytes: Uint8Array): Decoded<ServiceRequest> {
  // As JSON's duplicate keys are: bytes other decoders would read as another request are refused.
  const misshapen = wireShapeProblem(bytes);
  if (misshapen) return { ok: false, refusal: refuse('malformed_request', `body is not a dccrouter.v1.ServiceRequest as router.proto types it: ${misshapen}`) };
  let message: dccrouter.v1.ServiceRequest;
  try {
    message = ServiceRequestMessage.decode(bytes);
  } catch (error) {
    return { ok: false, refusal: refuse('malformed_request', `body is not a dccrouter.v1.ServiceRequest: ${(error as Error).message}`) };
  }
  const header = message.header;
  const requestId = header?.requestId;
  if (!header || !requestId) return { ok: false, refusal: refuse('malformed_request', 'header.request_id is missing') };
  const bodyValue = parseBodyJson(message.bodyJson);
  if (!bodyValue.ok) return bodyValue;
  const counter = requestId.counter;
  return buildServiceRequest({
    originatorId: requestId.originatorId,
    targetId: requestId.targetId,
    counter: Long.isLong(counter) ? counter.toUnsigned().toString() : String(counter),
    commandVariant: header.commandVariant,
    serviceReference: header.serviceReference,
    serviceReferenceVariant: header.serviceReferenceVariant,
    bodyElement: message.bodyElement,
    bodyValue: bodyValue.value,
    // Unset on the wire, not false: a request outside any sequence says nothing of one.
    firstInSequence: header.firstInSequence ?? undefined,
    precedingRequestId: header.precedingServiceRequestId || undefined,
  });
}

/** Row 3 of the refusal table: the body parses into a well-formed Service Request. */
export function decodeRequest(format: Exclude<RequestFormat, 'xml'>, bytes: Uint8Array): Decoded<ServiceRequest> {
  return format === 'json' ? decodeJsonRequest(bytes) : decodeProtobufRequest(bytes);
}
