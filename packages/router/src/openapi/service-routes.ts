import { z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { REFUSALS } from '@dccrouter/domain';
import { batchAnswer, batchRequest, json, PIPELINE_REASONS, serviceAnswer, serviceRefusal, serviceRequest } from './schemas.ts';

const statusText: Record<number, string> = {
  400: 'Rows 3, 7-10: malformed, unknown SRV, command variant not allowed, wrong target',
  401: 'Row 5: signature missing, undecodable or not the originator\'s',
  403: 'Rows 4, 6, 11, 14: unknown User, User not active, role not eligible, not authorised for the device',
  404: 'Row 13: device not in the inventory',
  409: 'Rows 17-19: device status, transform leg missing, RequestID reused with another body',
  413: 'Row 2: body over MAX_BODY_BYTES (batch: BATCH_MAX_BYTES or more than BATCH_MAX_ITEMS items)',
  415: 'Row 1: Content-Type neither JSON nor protobuf',
  422: 'Rows 12, 15, 16: future dating not allowed, device type incompatible, not available for SMETS1',
  503: 'Nothing accepted: overloaded, state store unavailable, or the outcome unknown (resubmit the same bytes). Carries Retry-After',
};

/** Every refusal of the pipeline at its status, each with its contract reason. */
function refusals(): RouteConfig['responses'] {
  const responses: RouteConfig['responses'] = {};
  for (const [status, reasons] of Object.entries(PIPELINE_REASONS)) {
    const codes = reasons.map((reason) => [reason, (REFUSALS[reason] as { code?: string }).code] as const);
    const described = codes.map(([reason, code]) => (code ? `\`${reason}\` (${code})` : `\`${reason}\``)).join(', ');
    responses[status] = {
      ...json(serviceRefusal(reasons), `${statusText[Number(status)]}. Reasons: ${described}`),
      ...(status === '503' && { headers: { 'Retry-After': { description: 'Seconds to wait before resubmitting the same bytes', schema: { type: 'string' } } } }),
    };
  }
  return responses;
}

const protobufBody = (message: string) => z.string().meta({ format: 'binary', description: `A protobuf \`${message}\` (see GET /v1/router.proto)` });

/**
 * The signed request path, documented here and served by the edge's own handlers: its pipeline
 * reads and checks the raw bytes itself (the signature covers them) and stays off zod for speed.
 */
export function documentServiceRoutes(app: OpenAPIHono<any>): void {
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/service-requests', tags: ['Service requests'], summary: 'Submit one signed service request',
    description: 'The body is signed as sent (see "Signing a service request"). A byte-identical resubmission of an acknowledged request gets its original answer; only acknowledged requests use up a RequestID. Refusals are checked in the contract\'s row order, the first failing row wins.',
    request: {
      headers: z.object({
        'X-DCC-Signature': z.string().meta({ param: { name: 'X-DCC-Signature', in: 'header', required: true }, description: "base64 DER ECDSA P-256 / SHA-256 over the body's bytes, by the originator's key" }),
      }),
      body: {
        required: true,
        content: { 'application/json': { schema: serviceRequest }, 'application/x-protobuf': { schema: protobufBody('ServiceRequest') } },
      },
    },
    responses: {
      200: json(serviceAnswer, 'Answered synchronously (CV 2, 4, 6, 8): I0, or I99 where DUIS answers without data'),
      202: json(serviceAnswer, 'Accepted for a device (I99); its response follows (webhook or GET /v1/responses)'),
      ...refusals(),
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/service-requests:batch', tags: ['Service requests'], summary: 'Submit many signed service requests at once',
    description: 'Each item is decoded, validated, answered and recorded on its own, exactly as if sent alone. Items carry their own signature, or the batch is signed once (X-DCC-User and X-DCC-Batch-Signature over the whole body): an item of another originator is then refused with row 5.',
    request: {
      headers: z.object({
        'X-DCC-User': z.string().optional().meta({ param: { name: 'X-DCC-User', in: 'header' }, description: 'Signed once: the User signing the batch' }),
        'X-DCC-Batch-Signature': z.string().optional().meta({ param: { name: 'X-DCC-Batch-Signature', in: 'header' }, description: "Signed once: base64 DER ECDSA P-256 / SHA-256 over the whole body's bytes" }),
      }),
      body: {
        required: true,
        content: { 'application/json': { schema: batchRequest }, 'application/x-protobuf': { schema: protobufBody('ServiceRequestBatch') } },
      },
    },
    responses: {
      200: json(batchAnswer, "Every item's own status and answer, in order"),
      400: json(serviceRefusal(['malformed_request']), 'The batch itself is not a batch (each item is judged on its own)'),
      401: json(serviceRefusal(['signature_invalid']), 'Signed once: X-DCC-User or X-DCC-Batch-Signature missing or not valid; the whole batch is refused'),
      413: json(serviceRefusal(['body_too_large']), 'Over BATCH_MAX_BYTES, or more than BATCH_MAX_ITEMS items'),
      415: json(serviceRefusal(['unsupported_media_type']), 'Content-Type neither JSON nor protobuf'),
      503: {
        ...json(serviceRefusal(['overloaded', 'state_unavailable']), 'Saturated, shutting down, or the state store unreachable: nothing accepted. Carries Retry-After'),
        headers: { 'Retry-After': { description: 'Seconds to wait before resubmitting', schema: { type: 'string' } } },
      },
    },
  });
  const duisXml = (description: string) => ({ description, content: { 'application/xml': { schema: z.string().meta({ description: 'A DUIS V5.4 sr:Response, signed by the router (enveloped XML signature)' }) } } });
  for (const [service, variants, name] of [['S', '1, 3, 5, 7', 'Send Command'], ['D', '2, 6, 8', 'Non-Device'], ['T', '4', 'Transform']] as const) {
    app.openAPIRegistry.registerPath({
      method: 'post', path: `/api/v1/service${service}`, tags: ['DUIS XML'], summary: `DUIS ${name} web service: a signed DUIS XML request (command variants ${variants})`,
      description: 'The DCC User Interface\'s own format (contract v1.1, "DUIS XML ingress"): a DUIS V5.4 sr:Request with an enveloped XML signature (SignedInfo in exclusive C14N, ECDSA-SHA256 as raw r||s, one Reference URI="" with the enveloped-signature transform and a SHA-256 digest, ds:X509IssuerSerial naming the certificate registered for the originator). The same pipeline as /v1/service-requests: the same rows in the same order and HTTP statuses; a command variant this service does not take is row 10 (E13). Answered with a signed sr:Response whose sr:ResponseCode is the row\'s DUIS code; X-DCC-Route, X-DCC-TRT, X-DCC-Quarantine, X-DCC-Deleted and X-DCC-Reason carry what DUIS has no element for.',
      request: { body: { required: true, content: { 'application/xml': { schema: z.string().meta({ description: 'A signed DUIS V5.4 sr:Request' }) } } } },
      responses: {
        ...(service === 'S' ? { 202: duisXml('Accepted for a device (I99); its response follows (webhook, as DUIS XML for a User with receiveFormat "xml", or GET /v1/responses)') }
          : { 200: duisXml(service === 'T' ? 'Transformed: I0 with the sr:PreCommand to sign' : 'Answered synchronously: I0 (a local command, or the non-device answer), or I99') }),
        ...Object.fromEntries(Object.entries(statusText).map(([status, text]) => [status, duisXml(status === '415' ? 'Row 1: Content-Type is not application/xml' : status === '400' ? `${text}; XML not well-formed, with a DOCTYPE, or not shaped like the schema (row 3); wrong web service (row 10, E13)` : text)])),
      },
    });
  }
}
