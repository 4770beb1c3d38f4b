// The answers' schemas, for the OpenAPI document. The operators' input schemas are the domain's
// (they validate the input); these describe what the router sends back.
import { z } from '@hono/zod-openapi';
import {
  CSP_REGIONS, DEVICE_TYPES, GENERATIONS, REFUSALS, ROLES, SMETS1_COHORTS, SMI_STATUSES, USER_STATUSES, countRulesSchema, valueRulesSchema,
  type RefusalReason,
} from '@dccrouter/domain';

const eui = z.string().regex(/^[0-9A-F]{2}(-[0-9A-F]{2}){7}$/).meta({ description: 'EUI-64, upper case', example: '90-B3-D5-1F-30-01-00-00' });
const isoTime = z.string().meta({ format: 'date-time', example: '2026-12-01T10:00:00.123Z' });

/** `{ "error": { "reason", "message" } }` with the reasons a route can answer at one status. */
export function errorAnswer(reasons: readonly string[], withField = false) {
  const error = z.object({
    reason: z.enum(reasons as [string, ...string[]]).meta({ description: 'The contract reason' }),
    message: z.string().meta({ description: 'Human-readable detail' }),
    ...(withField && { field: z.string().meta({ description: 'The input field at fault, e.g. `rules[2].limit`' }) }),
  });
  return z.object({ error });
}

export const fieldError = errorAnswer(['invalid_field'], true).meta({ id: 'FieldError', description: 'Bad operator input: the first field at fault' });

/** A JSON response in a route's `responses`. */
export function json(schema: z.ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A listing's page (a User's outbox, dead letters, quarantined requests): how many when `limit` is absent, and at most. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * A whole number in a query string, from min to max: decimal digits only (Number() and
 * z.coerce would also take `1e2`, `0x10`, ` 7` or `7.0`).
 */
export function queryInteger(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  // Documented as the integer it stands for (a query's values are all text on the wire).
  return z.string().regex(/^\d{1,9}$/, { error }).pipe(z.coerce.number<string>().min(min, { error }).max(max, { error }))
    .openapi({ type: 'integer', minimum: min, maximum: max, pattern: undefined });
}

export const unauthorized = json(errorAnswer(['unauthorized']), 'Authorization: Bearer <ROUTER_ADMIN_TOKEN> missing or wrong');
export const operatorBodyTooLarge = json(errorAnswer(['body_too_large']), "An operator's JSON body over 64 MiB: nothing was changed");
export const notFound = (what: string) => json(errorAnswer(['not_found']), `No such ${what}`);
export const invalidInput = json(fieldError, 'Bad input: `error.field` names the first field at fault');

export const userRecord = z.object({
  userId: eui,
  roles: z.array(z.enum(ROLES)),
  status: z.enum(USER_STATUSES),
  publicKeyPem: z.string(),
  receiveEndpoint: z.string().optional(),
  certificatePem: z.string().optional(),
  receiveFormat: z.enum(['json', 'xml']).optional(),
}).meta({ id: 'User' });

const party = eui.optional();
export const deviceRecord = z.object({
  deviceId: eui,
  deviceType: z.enum(DEVICE_TYPES),
  status: z.enum(SMI_STATUSES),
  generation: z.enum(GENERATIONS),
  cspRegion: z.enum(CSP_REGIONS).optional(),
  smets1Cohort: z.enum(SMETS1_COHORTS).optional(),
  deviceModel: z.string().optional(),
  firmwareVersion: z.string().optional(),
  pendingFirmwareVersion: z.string().optional().meta({ description: 'The version the last 11.1 distributed, which the next confirmed 11.3 activates (kept by the router, not written by operators)' }),
  firmwareNamedAt: z.string().optional().meta({ description: 'When an 11.1 last named a version for the device, kept through its activation (kept by the router, not written by operators)' }),
  pendingFirmwareAt: z.string().optional().meta({ description: 'When that 11.1 was served: an 11.3 accepted before then does not activate it' }),
  installationId: z.string().optional(),
  inventoryStatus: z.enum(SMI_STATUSES).optional().meta({ description: 'The status the inventory holds, when the Central Products List serves the device Suspended (status) instead' }),
  cplSuspension: z.string().optional().meta({ description: 'Why the Central Products List serves the device Suspended' }),
  acquiredAt: z.string().optional(),
  importSupplier: party,
  exportSupplier: party,
  gasSupplier: party,
  electricityDistributor: party,
  gasTransporter: party,
}).meta({ id: 'Device' });

/** What a rule set's PUT and GET answer: the validated input itself. */
export const countRules = countRulesSchema;
export const valueRules = valueRulesSchema;

export const importAnswer = z.object({
  imported: z.number().int().meta({ description: 'Devices written' }),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })).meta({ description: 'Lines refused, with the field at fault: the first 1,000' }),
  rejectedCount: z.number().int().meta({ description: 'Lines refused in all' }),
}).meta({ id: 'ImportResult' });

export const trtBudgets = z.record(z.string(), z.number().int()).meta({
  id: 'TrtBudgets', description: 'Budgets in milliseconds by TRT class',
  example: { 'smets2.onDemand': 30000, 'smets2.scheduled': 86400000, 'smets1.response': 16000, 'smets1.activateFirmware': 432000000, 'smets1.wanAllowance': 60000, 'smets1.wanLimit': 86400000 },
});

const quantiles = { p50Ms: z.number().optional(), p95Ms: z.number().optional(), p99Ms: z.number().optional() };
const classFigures = z.object({
  trtClass: z.string(),
  destination: z.string(),
  responded: z.number().int(),
  withinTrt: z.number().int(),
  breached: z.number().int().meta({ description: 'Responded late, or breached at the deadline without a response' }),
  inTrtShare: z.number().optional(),
  ...quantiles,
  endToEnd: z.object(quantiles).optional().meta({ description: 'SMETS1 only: end-to-end times, WAN time included' }),
});
export const monthlyReport = z.object({
  month: z.string().meta({ example: '2026-12' }),
  serviceMetrics: z.array(classFigures).meta({ description: 'SMETS2+: the Monthly Service Metrics' }),
  smets1Indicative: z.array(classFigures).meta({ description: 'SMETS1: indicative figures, judged and timed (p50Ms...) excluding SMETS1 WAN time; endToEnd includes it' }),
}).meta({ id: 'MonthlyReport' });

export const simulatorSettings = z.object({
  latencyMs: z.object({ p50: z.number(), p99: z.number() }),
  wanShare: z.number(),
  failureRate: z.number(),
  stalled: z.boolean(),
  alertsPerDevicePerHour: z.number().optional().meta({ description: 'Device alerts each device served raises per hour, on average (at most 3600, one per device per second)' }),
  firmwareActivationMs: z.number().optional().meta({ description: 'SMETS1: how long an 11.3 Activate Firmware takes beyond the latency' }),
  seed: z.number().int().optional().meta({ description: 'Seeds the network\'s random draws and its devices\' starting state' }),
  received: z.number().int().optional().meta({ description: "Requests this process's simulator received" }),
  devices: z.number().int().optional().meta({ description: "Devices this process's simulator has served (alerts come from them)" }),
  pending: z.number().int().optional().meta({ description: 'Requests it holds unanswered' }),
}).meta({ id: 'SimulatorSettings' });

const route = z.object({ generation: z.enum(GENERATIONS).optional(), destination: z.string().meta({ example: 'smets2/north' }) });
const trtStatus = z.object({
  budgetMs: z.number().int(),
  deadline: isoTime,
  elapsedMs: z.number().optional().meta({ description: 'Once responded: the TRT-measured time (SMETS1: excluding the WAN share)' }),
  wanMs: z.number().optional(),
  breached: z.boolean(),
});
export const requestStatus = z.object({
  requestId: z.string(),
  state: z.enum(['accepted', 'forwarded', 'responded', 'delivered', 'quarantined', 'deleted', 'transformed']),
  route,
  responseCode: z.string().optional(),
  trt: trtStatus.optional(),
  quarantine: z.object({ ref: z.string(), breach: z.enum(['user', 'dcc', 'value']) }).optional(),
  sequence: z.object({ firstInSequence: z.boolean().optional(), precedingRequestId: z.string().optional() }).optional()
    .meta({ description: "A sequenced service's place in its sequence, as its header gave it (DUIS FirstInSequence / PrecedingServiceRequestID)" }),
}).meta({ id: 'RequestStatus' });

export const outboxItem = z.object({
  cursor: z.string().meta({ example: '1764583200123-0' }),
  kind: z.enum(['response', 'deviceAlert', 'dccAlert']),
  requestId: z.string().optional(),
  responseId: z.string().optional(),
  responseCode: z.string().optional(),
  alertCode: z.string().optional(),
  body: z.unknown(),
}).meta({ id: 'OutboxItem' });

export const responsesPage = z.object({
  items: z.array(outboxItem),
  next: z.string().meta({ description: 'The cursor to ask `after` next time; equals `after` when nothing is new' }),
}).meta({ id: 'ResponsesPage' });

export const quarantineOutcome = z.object({ ref: z.string(), requestId: z.string(), state: z.string() }).meta({ id: 'QuarantineOutcome' });

// --- the service-request hot path (documented only: its pipeline does not go through zod) ---

/** The refusal reasons of the request pipeline, by HTTP status (the contract's refusal table). */
export const PIPELINE_REASONS: Record<number, RefusalReason[]> = {};
for (const [reason, { http }] of Object.entries(REFUSALS)) {
  if (reason === 'not_found' || reason === 'unauthorized' || reason === 'invalid_field') continue;
  (PIPELINE_REASONS[http] ??= []).push(reason as RefusalReason);
}

const answerHeader = z.object({
  requestId: z.string().optional().meta({ example: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000' }),
  responseCode: z.string().optional().meta({ description: 'I99, I0, or the DUIS code of a refusal row (E1, E2, ...)', example: 'I99' }),
  responseDateTime: isoTime,
});

export const serviceAnswer = z.object({
  header: answerHeader,
  route: route.optional(),
  trt: z.object({ budgetMs: z.number().int(), deadline: isoTime }).optional().meta({ description: 'For every request with a TRT class' }),
  body: z.unknown().optional().meta({ description: 'Synchronous answers: PreCommand (CV 4), LocalCommand (CV 2, 6), the non-device answer (CV 8)' }),
  quarantine: z.object({ ref: z.string(), breach: z.enum(['user', 'dcc', 'value']) }).optional(),
  deleted: z.object({ breach: z.literal('value') }).optional(),
}).meta({ id: 'ServiceAnswer', description: 'An acceptance (202 I99, or 200 I0/I99)' });

export function serviceRefusal(reasons: readonly string[]) {
  return z.object({ header: answerHeader, error: errorAnswer(reasons).shape.error });
}

const requestIdSchema = z.object({
  originatorId: z.string().meta({ example: '90-B3-D5-1F-30-01-00-00' }),
  targetId: z.string().meta({ example: '00-DB-12-34-56-78-90-A0' }),
  counter: z.union([z.string().regex(/^(0|[1-9][0-9]{0,19})$/), z.number().int()]).meta({
    description: 'Decimal uint64 as a JSON string or integer (read losslessly: never round it through a JS number)', example: '1000',
  }),
});

export const serviceRequest = z.object({
  header: z.object({
    requestId: requestIdSchema,
    commandVariant: z.number().int().min(1).max(8),
    serviceReference: z.string().meta({ example: '4.1' }),
    serviceReferenceVariant: z.string().meta({ example: '4.1.1' }),
    firstInSequence: z.boolean().optional().meta({ description: 'A sequenced service: the first of its sequence (DUIS FirstInSequence)' }),
    precedingServiceRequestId: z.string().optional().meta({ description: 'A sequenced service: the RequestID it follows (DUIS PrecedingServiceRequestID)', example: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:999' }),
  }),
  body: z.record(z.string(), z.union([z.record(z.string(), z.unknown()), z.literal('')])).meta({
    description: 'Exactly one key: the SRV\'s body element (or `SignedPreCommand` for CV 5, 6, 7); `ExecutionDateTime` inside it future-dates the request',
    minProperties: 1, maxProperties: 1,
    example: { ReadInstantaneousImportRegisters: { ExecutionDateTime: '2027-01-15T09:00:00Z' } },
  }),
}).meta({ id: 'ServiceRequest' });

export const batchRequest = z.object({
  requests: z.array(z.object({
    body: z.string().optional().meta({ description: "The request's JSON text, exactly the bytes signed" }),
    bodyBase64: z.string().optional().meta({ description: 'Or its bytes in base64 (protobuf items)' }),
    contentType: z.string().optional().meta({ description: 'With bodyBase64: application/json or application/x-protobuf' }),
    signature: z.string().optional().meta({ description: 'X-DCC-Signature of the item; absent when the batch is signed once' }),
  })),
}).meta({ id: 'ServiceRequestBatch' });

export const batchAnswer = z.object({
  results: z.array(z.object({
    status: z.number().int().meta({ description: 'The HTTP status the item would have had alone' }),
    answer: z.union([serviceAnswer, serviceRefusal(Object.values(PIPELINE_REASONS).flat())]),
  })),
}).meta({ id: 'BatchAnswer' });
