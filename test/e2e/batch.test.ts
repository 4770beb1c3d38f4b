// The batch endpoint authenticated once (contract v1.1): one X-DCC-Batch-Signature over the whole
// body instead of a signature per item, on the real router under Bun against the test Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildJsonRequest, buildProtobufRequest, type RequestSpec, type RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { ACB, Admin, ESME, metricTotal, nextCounter, SECOND_SUPPLIER, SUPPLIER } from '../support/fixtures.ts';

const SMETS1_ESME = '00-DB-12-34-56-78-A1-A0';
const UNREGISTERED = '90-B3-D5-1F-30-09-09-09';

let router: RouterProcess;
let signer: RouterClient;
let other: RouterClient;

type Item = { body: string } | { bodyBase64: string; contentType: string };
type Result = { status: number; answer: any };

beforeAll(async () => {
  // A key prefix of its own on the shared test Redis: this file's Users, devices and RequestIDs only.
  router = await startRouterProcess({ REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `test:${randomUUID()}:`, VERIFY_THREADS: '1' });
  const admin = new Admin(router.url, router.adminToken);
  signer = await admin.user(SUPPLIER, ['IS', 'GS']);
  other = await admin.user(SECOND_SUPPLIER, ['IS', 'GS']);
  await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
  await admin.device(SMETS1_ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'aclara', importSupplier: SUPPLIER });
});

afterAll(async () => {
  await router?.stop();
});

const read = (overrides: Partial<RequestSpec> = {}): RequestSpec => ({
  originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1', ...overrides,
});

/** POSTs a batch body as given; `headers` carries the batch's authentication, if any. */
async function postBatch(body: string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const response = await fetch(`${router.url}/v1/service-requests:batch`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
  });
  return { status: response.status, json: await response.json() };
}

/** The headers of a batch signed once by `client` as `userId`, over these exact bytes. */
const signedOnce = (body: string, client = signer, userId = SUPPLIER) => ({ 'x-dcc-user': userId, 'x-dcc-batch-signature': client.sign(body) });

/** The single path, for comparison: one request with its own signature. */
async function single(body: string | Uint8Array, contentType = 'application/json', client = signer): Promise<Result> {
  const response = await fetch(`${router.url}/v1/service-requests`, {
    method: 'POST', headers: { 'content-type': contentType, 'x-dcc-signature': client.sign(body) }, body: body as BodyInit,
  });
  return { status: response.status, answer: await response.json() };
}

/** A refusal's answer without its time, which is the time of each answer. */
const refusal = (result: Result) => ({ status: result.status, header: { ...result.answer.header, responseDateTime: undefined }, error: result.answer.error });

async function roundTrips(stage: string): Promise<number> {
  const metrics = await (await fetch(`${router.url}/metrics`)).text();
  return Number(new RegExp(`dccrouter_redis_round_trips_total\\{stage="${stage}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
}

describe('a batch authenticated once', () => {
  // One mixed batch, answered item by item as the single path would answer each.
  const accepted = buildJsonRequest(read());
  const smets1 = buildProtobufRequest(read({ targetId: SMETS1_ESME }));
  const inventory = buildJsonRequest(read({ targetId: ACB, commandVariant: 8, srv: '8.2', bodyValue: { DeviceID: ESME } }));
  const foreign = buildJsonRequest(read({ originatorId: SECOND_SUPPLIER }));
  const unregistered = buildJsonRequest(read({ originatorId: UNREGISTERED }));
  const malformed = '{"header":';
  const items: Item[] = [
    { body: accepted },
    { bodyBase64: Buffer.from(smets1).toString('base64'), contentType: 'application/x-protobuf' },
    { body: inventory },
    { body: foreign },
    { body: unregistered },
    { body: malformed },
    { body: accepted },
    // Not shaped as a batch item at all: refused on its own too.
    { text: accepted } as unknown as Item,
  ];
  const batch = JSON.stringify({ requests: items });
  let first: Result[];

  it('answers every item on its own: acknowledged, answered at once, or refused alone', async () => {
    const { status, json } = await postBatch(batch, signedOnce(batch));
    expect(status).toBe(200);
    first = json.results;
    expect(first.map((r) => [r.status, r.answer.error?.reason ?? r.answer.header.responseCode])).toEqual([
      [202, 'I99'], [202, 'I99'], [200, 'I0'], [401, 'signature_invalid'], [401, 'signature_invalid'], [400, 'malformed_request'], [202, 'I99'], [400, 'malformed_request'],
    ]);
    expect(first[7].answer.error.message).toBe('requests[7] needs "body" (text) or "bodyBase64"');
    expect(first[0].answer.route).toEqual({ generation: 'SMETS2+', destination: 'smets2/north' });
    expect(first[1].answer.route).toEqual({ generation: 'SMETS1', destination: 'smets1/aclara' });
    expect(first[2].answer.body.ReadInventory.Devices[0]).toMatchObject({ deviceId: ESME, deviceType: 'ESME' });
    // Another User's request is not the signer's to send: row 5, naming why.
    expect(first[3].answer.error.message).toContain("is not the batch's signer");
    // Registered or not: the contract's rule for a batch signed once ("an item whose originator is
    // not that User is refused with row 5") comes before row 4, so the signer learns nothing of who is registered.
    expect(first[4].answer.error.message).toContain("is not the batch's signer");
    // The same bytes twice in one batch: one request, the same answer.
    expect(first[6].answer).toEqual(first[0].answer);
  });

  it('sends a request once however many times its bytes are in one batch', async () => {
    const forwarded = () => metricTotal(router.url, 'dccrouter_egress_forwarded_total');
    const before = await forwarded();
    const twice = buildJsonRequest(read());
    const body = JSON.stringify({ requests: [{ body: twice }, { body: twice }, { body: twice }] });
    const { json } = await postBatch(body, signedOnce(body));
    expect(json.results.map((r: Result) => r.status)).toEqual([202, 202, 202]);
    // Answered alike (the copies are one request), handed to its network once.
    expect(new Set(json.results.map((r: Result) => JSON.stringify(r.answer))).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await forwarded() - before).toBe(1);
  });

  it('gives each item the answer the single path gives it', async () => {
    // Recorded items: the single path replays exactly what the batch recorded.
    expect(await single(accepted)).toEqual(first[0]);
    expect(await single(smets1, 'application/x-protobuf')).toEqual(first[1]);
    expect(await single(inventory)).toEqual(first[2]);
    // Refusals: the same row, code and message as sent alone.
    expect(refusal(await single(malformed))).toEqual(refusal(first[5]));
    // An unregistered originator alone is row 4; in the signer's batch, row 5 (above) comes first.
    expect(refusal(await single(unregistered)).error.reason).toBe('unknown_user');
    // The foreign item alone under the signer's key is row 5 too (it is not the originator's signature).
    expect(refusal(await single(foreign)).error.reason).toBe(first[3].answer.error.reason);
  });

  it('replayed, gives every item its original answer', async () => {
    const { status, json } = await postBatch(batch, signedOnce(batch));
    expect(status).toBe(200);
    const replayed: Result[] = json.results;
    // Recorded answers come back byte for byte (same time, same TRT deadline): nothing was sent twice.
    for (const i of [0, 1, 2, 6]) expect(replayed[i]).toEqual(first[i]);
    // Refused items were never recorded: refused again alike.
    for (const i of [3, 4, 5, 7]) expect(refusal(replayed[i])).toEqual(refusal(first[i]));
  });

  it('refuses the whole batch when the body was altered, the signature is missing or by another key, or the User is unknown', async () => {
    const spec = read();
    const body = JSON.stringify({ requests: [{ body: buildJsonRequest(spec) }, { body: buildJsonRequest(read()) }] });
    const headers = signedOnce(body);
    // One byte changed after signing (the last digit of the first item's counter): still a valid
    // batch of valid requests, no longer what was signed.
    const counter = String(spec.counter);
    const at = body.indexOf(counter) + counter.length - 1;
    const tampered = body.slice(0, at) + (body[at] === '1' ? '2' : '1') + body.slice(at + 1);
    expect(tampered).not.toBe(body);
    expect(tampered.length).toBe(body.length);
    const cases = [
      await postBatch(tampered, headers),
      await postBatch(body, { 'x-dcc-user': SUPPLIER }),
      await postBatch(body, { 'x-dcc-batch-signature': headers['x-dcc-batch-signature'] }),
      await postBatch(body, { ...headers, 'x-dcc-batch-signature': '%%%' }),
      await postBatch(body, signedOnce(body, other, SUPPLIER)),
      await postBatch(body, signedOnce(body, signer, UNREGISTERED)),
    ];
    for (const refused of cases) {
      // The single path's refusal shape, for the batch as a whole: no results at all.
      expect({ status: refused.status, reason: refused.json.error?.reason }).toEqual({ status: 401, reason: 'signature_invalid' });
      expect(refused.json.results).toBeUndefined();
      expect(refused.json.header.responseDateTime).toEqual(expect.any(String));
    }
    expect(cases.map((c) => c.json.error.message)).toEqual([
      "X-DCC-Batch-Signature is not a valid signature of the batch's body by the key of X-DCC-User",
      'X-DCC-Batch-Signature is missing',
      'X-DCC-User is missing or not an EUI-64',
      'X-DCC-Batch-Signature is not base64',
      "X-DCC-Batch-Signature is not a valid signature of the batch's body by the key of X-DCC-User",
      `X-DCC-User ${UNREGISTERED} is not a registered User`,
    ]);
    // Refused whole means nothing of it was recorded: the genuine batch is accepted afterwards, as new.
    const genuine = await postBatch(body, headers);
    expect(genuine.json.results.map((r: Result) => r.status)).toEqual([202, 202]);
  });

  it('takes the User header in any case, as every EUI-64', async () => {
    const body = JSON.stringify({ requests: [{ body: buildJsonRequest(read()) }] });
    const { json } = await postBatch(body, signedOnce(body, signer, SUPPLIER.toLowerCase()));
    expect(json.results.map((r: Result) => r.status)).toEqual([202]);
  });

  it('still takes batches of individually signed requests', async () => {
    const mine = buildJsonRequest(read());
    const theirs = buildJsonRequest(read({ originatorId: SECOND_SUPPLIER }));
    const body = JSON.stringify({
      requests: [
        { body: mine, signature: signer.sign(mine) },
        // Without the batch headers each item speaks for itself: another User's own signed request is theirs to send.
        { body: theirs, signature: other.sign(theirs) },
        { body: mine.replace('4.1.1', '4.1.9'), signature: signer.sign(mine) },
        { body: buildJsonRequest(read()) },
      ],
    });
    const { status, json } = await postBatch(body, {});
    expect(status).toBe(200);
    expect(json.results.map((r: Result) => [r.status, r.answer.error?.reason ?? r.answer.header.responseCode])).toEqual([
      // The second passes row 5 on its own key and is refused later, at row 14: the ESME is not SECOND_SUPPLIER's.
      [202, 'I99'], [403, 'not_authorised_for_device'], [401, 'signature_invalid'], [401, 'signature_invalid'],
    ]);
  });

  it('records a whole batch together: its acceptances share one store round trip', async () => {
    // Warm the caches (the directory's User and device, the threshold rules for a second), so
    // nothing but the write is awaited per item.
    const warm = JSON.stringify({ requests: [{ body: buildJsonRequest(read()) }] });
    await postBatch(warm, signedOnce(warm));
    const before = await roundTrips('record acceptance');
    const size = 300;
    const body = JSON.stringify({ requests: Array.from({ length: size }, () => ({ body: buildJsonRequest(read()) })) });
    const { json } = await postBatch(body, signedOnce(body));
    expect(json.results.filter((r: Result) => r.status === 202)).toHaveLength(size);
    // No item waits for another: all reach the store's batcher in the same turn, one script call.
    expect(await roundTrips('record acceptance') - before).toBe(1);
  });
});
