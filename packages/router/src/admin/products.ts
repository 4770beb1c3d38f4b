import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  ELIGIBILITY_STATUSES, euiSchema, firmwareUpgradesInputSchema, parseFirmwareUpgradesInput, parseProductCombinationInput, parseWith,
  productCombinationInputSchema, type FieldError,
} from '@dccrouter/domain';
import { documented } from '../openapi/index.ts';
import { errorAnswer, invalidInput, json, notFound, operatorBodyTooLarge, queryInteger, unauthorized } from '../openapi/schemas.ts';
import { enrol, eligibilityOf, enrolmentReport, ENROLMENT_REFUSALS } from '../products/installations.ts';
import type { AdminDeps, JsonBody } from './index.ts';

// The SMETS1 product registers, installation eligibility (SEC H5.8), the enrolment report and
// enrolment itself: the operators' API of contract v1.1's "Product registers" section. Operators'
// reads refresh the registers first (two small reads), so they answer what was last written anywhere.

const OPERATOR = [{ operatorBearer: [] }];
const TAGS = ['Product policy'];
const jsonBody = (schema: z.ZodType) => ({ content: { 'application/json': { schema } }, required: true });
const pathParam = (name: string, description: string) => z.string().meta({ param: { name, in: 'path' }, description });

const productDevice = z.object({
  deviceType: z.string(), deviceModel: z.string(), firmwareVersion: z.string(),
  addedAt: z.string().optional().meta({ description: 'When an amendment added it to the entry (absent: there from the start); eligibility through it starts then' }),
  replacedVersions: z.array(z.object({ firmwareVersion: z.string(), addedAt: z.string().optional() })).optional()
    .meta({ description: 'The versions this slot held before amendments moved it on, oldest first: a device that can reach one fits the slot from its date' }),
});
const combination = z.object({
  entryId: z.string(), list: z.enum(['EPC', 'PPC']), commsProvider: z.string(), devices: z.array(productDevice),
  dateFirstAdded: z.string().meta({ description: 'When the entry first appeared; never changed' }),
  dateAddedToEpc: z.string().optional().meta({ description: 'When it reached the EPC' }),
  updatedAt: z.string(),
}).meta({ id: 'ProductCombination' });
const upgrades = z.object({
  deviceModel: z.string(), paths: z.array(z.object({ from: z.string(), to: z.string(), addedAt: z.string() })), updatedAt: z.string(),
}).meta({ id: 'FirmwareUpgrades' });
const status = z.enum(ELIGIBILITY_STATUSES as [string, ...string[]]);
const eligibility = z.object({
  installationId: z.string(), status, entry: z.string().optional(),
  upgrades: z.array(z.object({ deviceId: z.string(), from: z.string(), to: z.string() })).optional()
    .meta({ description: 'The shortest chain of existing upgrades, device by device, in order' }),
  eligibleSince: z.string().optional(), enrolBy: z.string().optional(), enrolledAt: z.string().optional(),
}).meta({ id: 'InstallationEligibility' });
const refusalReasons = Object.values(ENROLMENT_REFUSALS);
const report = z.object({
  supplier: z.string(), at: z.string(),
  counts: z.record(z.string(), z.number().int()).meta({ description: 'Installations per eligibility status, and enrolled' }),
  due: z.array(z.object({ installationId: z.string(), status, entry: z.string().optional(), enrolBy: z.string(), overdue: z.boolean() })),
  truncated: z.literal(true).optional().meta({ description: 'More were due than `maxDue`: `due` holds the soonest of them' }),
}).meta({ id: 'EnrolmentReport' });

export interface ProductRouteHelpers {
  readJson: (c: Context) => Promise<JsonBody>;
  invalid: (c: Context, problem: FieldError) => Response;
}

export function productRoutes(app: OpenAPIHono, deps: AdminDeps, { readJson, invalid }: ProductRouteHelpers): void {
  const { store, registers } = deps;
  const notFoundAnswer = (c: Context, message: string) => c.json({ error: { reason: 'not_found', message } }, 404);

  documented(app, {
    method: 'put', path: '/product-combinations/{entryId}', tags: TAGS, security: OPERATOR,
    summary: 'Add or change a SMETS1 Eligible (EPC) or Pending (PPC) Product Combination',
    description: '`dateFirstAdded` is stamped when the entry first appears and never changes; moving it from the PPC to the EPC records `dateAddedToEpc`. An EPC entry cannot go back to the PPC.',
    request: { params: z.object({ entryId: pathParam('entryId', 'The entry\'s identifier') }), body: jsonBody(productCombinationInputSchema) },
    responses: {
      200: json(combination, 'The entry, after the change'), 400: invalidInput, 401: unauthorized,
      409: json(errorAnswer(['epc_entry_stays']), 'An EPC entry put back on the PPC'),
      413: operatorBodyTooLarge,
    },
  }, async (c) => {
    const entryId = c.req.param('entryId')!;
    if (entryId.length > 128) return invalid(c, { field: 'entryId', message: 'must be at most 128 characters' });
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseProductCombinationInput(body.value);
    if (!parsed.ok) return invalid(c, parsed.error);
    const updated = await registers.putCombination(entryId, parsed.value);
    return updated.ok ? c.json(updated.entry) : c.json({ error: { reason: 'epc_entry_stays', message: updated.message } }, 409);
  });

  const listQuery = z.object({ list: z.enum(['EPC', 'PPC'], { error: 'must be EPC or PPC' }).optional().meta({ param: { name: 'list', in: 'query' }, description: 'One list; both when absent' }) });
  documented(app, {
    method: 'get', path: '/product-combinations', tags: TAGS, security: OPERATOR, summary: 'The SMETS1 Eligible or Pending Product Combinations',
    request: { query: listQuery },
    responses: { 200: json(z.object({ entries: z.array(combination) }), 'The entries, by entryId'), 400: invalidInput, 401: unauthorized },
  }, async (c) => {
    const parsed = parseWith(listQuery, c.req.query(), { style: 'top', root: 'query' });
    if (!parsed.ok) return invalid(c, parsed.error);
    await registers.refresh();
    return c.json({ entries: registers.list(parsed.value.list) });
  });

  const modelParams = { params: z.object({ deviceModel: pathParam('deviceModel', 'A device model') }) };
  documented(app, {
    method: 'put', path: '/firmware-upgrades/{deviceModel}', tags: TAGS, security: OPERATOR, summary: "Set a model's existing firmware upgrades",
    description: 'Replaces the model\'s paths; a path that existed before keeps the date it was added (eligibility through it runs from then).',
    request: { ...modelParams, body: jsonBody(firmwareUpgradesInputSchema) },
    responses: { 200: json(upgrades, 'The model\'s upgrades'), 400: invalidInput, 401: unauthorized, 413: operatorBodyTooLarge },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseFirmwareUpgradesInput(body.value);
    if (!parsed.ok) return invalid(c, parsed.error);
    return c.json(await registers.putUpgrades(c.req.param('deviceModel')!, parsed.value));
  });

  documented(app, {
    method: 'get', path: '/firmware-upgrades/{deviceModel}', tags: TAGS, security: OPERATOR, summary: "A model's existing firmware upgrades",
    request: modelParams,
    responses: { 200: json(upgrades, 'The model\'s upgrades'), 401: unauthorized, 404: notFound('model with upgrades') },
  }, async (c) => {
    await registers.refresh();
    const found = registers.upgradesOf(c.req.param('deviceModel')!);
    return found ? c.json(found) : notFoundAnswer(c, `no firmware upgrades for ${c.req.param('deviceModel')}`);
  });

  const installationParams = { params: z.object({ installationId: pathParam('installationId', 'A SMETS1 Installation (its devices\' installationId)') }) };
  documented(app, {
    method: 'get', path: '/installations/{installationId}/eligibility', tags: TAGS, security: OPERATOR,
    summary: 'Whether a SMETS1 Installation may be enrolled (SEC H5.8), and by when',
    request: installationParams,
    responses: { 200: json(eligibility, 'Its eligibility'), 401: unauthorized, 404: notFound('installation') },
  }, async (c) => {
    await registers.refresh();
    const answer = await eligibilityOf(store, registers, c.req.param('installationId')!);
    return answer ? c.json(answer) : notFoundAnswer(c, `no installation ${c.req.param('installationId')}: no SMETS1 device names it`);
  });

  documented(app, {
    method: 'post', path: '/installations/{installationId}:enrol', tags: TAGS, security: OPERATOR,
    summary: 'Enrol an eligible SMETS1 Installation: its devices become Commissioned and routable',
    description: 'Refused (409) unless the installation is eligible now: `upgrade_required` (eligible after the upgrades named), '
      + '`product_combination_pending` (only on the PPC) or `product_combination_not_eligible`. Enrolling again answers the first enrolment.',
    request: installationParams,
    responses: {
      200: json(z.object({ installationId: z.string(), enrolledAt: z.string(), entry: z.string().optional(), devices: z.array(z.string()) }), 'Enrolled'),
      401: unauthorized, 404: notFound('installation'),
      409: json(errorAnswer(refusalReasons).extend({ eligibility }), 'Not eligible now: why, with its eligibility'),
    },
  }, async (c) => {
    const installationId = c.req.param('installationId')!.replace(/:enrol$/, '');
    await registers.refresh();
    const outcome = await enrol(store, registers, (ids, change) => deps.directory.updateDevices(ids, change), installationId, new Date());
    if (outcome.outcome === 'unknown') return notFoundAnswer(c, `no installation ${installationId}: no SMETS1 device names it`);
    if (outcome.outcome === 'refused') {
      return c.json({ error: { reason: outcome.reason, message: `installation ${installationId} is ${outcome.eligibility.status}: it may be enrolled only when eligible (SEC H5.8)` }, eligibility: outcome.eligibility }, 409);
    }
    const { outcome: _, ...enrolled } = outcome;
    return c.json(enrolled);
  });

  const reportQuery = z.object({
    supplier: euiSchema('is required: the supplier\'s User ID (EUI-64)').meta({ param: { name: 'supplier', in: 'query' } }),
    at: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time' }).optional()
      .meta({ param: { name: 'at', in: 'query' }, description: 'The report as of this time (planning ahead); now when absent' }),
    maxDue: queryInteger(1, 1_000_000).optional()
      .meta({ param: { name: 'maxDue', in: 'query' }, description: 'List at most this many due installations, the soonest (`truncated` says when there were more); all when absent' }),
  });
  documented(app, {
    method: 'get', path: '/enrolment-report', tags: TAGS, security: OPERATOR,
    summary: "A supplier's SMETS1 enrolment report: installations per status, and those due within 30 days or overdue",
    request: { query: reportQuery },
    responses: { 200: json(report, 'The report'), 400: invalidInput, 401: unauthorized },
  }, async (c) => {
    const parsed = parseWith(reportQuery, c.req.query(), { style: 'top', root: 'query' });
    if (!parsed.ok) return invalid(c, parsed.error);
    await registers.refresh();
    const { supplier, at, maxDue } = parsed.value;
    return c.json(await enrolmentReport(store, registers, supplier, at === undefined ? Date.now() : Date.parse(at), maxDue));
  });
}
