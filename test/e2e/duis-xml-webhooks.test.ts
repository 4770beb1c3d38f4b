// DUIS XML end to end against the real router under Bun: a User registered with a certificate
// and receiveFormat "xml" sends signed DUIS XML requests (critical ones in two legs) and receives
// the device's responses, a device alert and a DCC alert as signed DUIS XML at its endpoint,
// each checked there with the router's certificate (GET /v1/router-certificate.pem).
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { Admin, ESME, nextCounter } from '../support/fixtures.ts';
import { checkRouterSignature, fieldOf, responseHeader, sampleTemplates, signDuis, withHeader, withoutSignature, withSignedPreCommand, xmlIdentity } from '../support/duis-xml.ts';

const SUPPLIER = '90-B3-D5-1F-30-0D-00-0C';
const routerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const identity = xmlIdentity('xml-webhook-supplier');

let router: RouterProcess;
let admin: Admin;
let certificate: string;
const receiver = new WebhookReceiver();

const template = (prefix: string) => sampleTemplates().find(({ name }) => name.startsWith(prefix))!.text;
const request = (prefix: string, cv: number, counter = nextCounter()) => withHeader(withoutSignature(template(prefix)), { requestId: `${SUPPLIER}:${ESME}:${counter}`, commandVariant: cv });

async function post(body: string, service: 'S' | 'D' | 'T') {
  const response = await fetch(`${router.url}/api/v1/service${service}`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
  const text = await response.text();
  return { status: response.status, text, ...responseHeader(text) };
}

beforeAll(async () => {
  await receiver.start();
  router = await startRouterProcess({
    ROUTER_SIGNING_KEY: routerKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, VERIFY_THREADS: '1',
    SIMULATOR_LATENCY_P50_MS: '10', SIMULATOR_LATENCY_P99_MS: '30', WEBHOOK_INTERVAL_MS: '20',
  });
  admin = new Admin(router.url, router.adminToken);
  receiver.trustRouter(routerKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, {
    roles: ['IS'], status: 'active', publicKeyPem: identity.publicKeyPem, certificatePem: identity.certificatePem,
    receiveEndpoint: receiver.url, receiveFormat: 'xml',
  })).status).toBe(200);
  await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
  certificate = await (await fetch(`${router.url}/v1/router-certificate.pem`)).text();
});

afterAll(async () => {
  await router?.stop();
  await receiver.stop();
});

describe('DUIS XML under Bun, with an XML webhook receiver', () => {
  it('serves a certificate of ROUTER_SIGNING_KEY', () => {
    expect(certificate).toContain('-----BEGIN CERTIFICATE-----');
    expect(router.output()).not.toContain('ROUTER_SIGNING_KEY was not set');
  });

  it('acknowledges a signed request and POSTs the device\'s response as signed DUIS XML', async () => {
    const answer = await post(signDuis(request('ECS26a_4.13', 1), identity), 'S');
    expect([answer.status, answer.responseCode]).toEqual([202, 'I99']);
    expect(checkRouterSignature(answer.text, certificate)).toBeUndefined();
    await expect.poll(() => receiver.received.find((item) => item.xml && responseHeader(item.xml).requestId === answer.requestId), { timeout: 10_000 }).toBeTruthy();
    const delivered = receiver.received.find((item) => item.xml && responseHeader(item.xml).requestId === answer.requestId);
    expect(delivered.kind).toBe('response');
    expect(delivered.cursor).toBeTruthy();
    expect(responseHeader(delivered.xml)).toMatchObject({ responseCode: 'I0', body: 'ResponseMessage' });
    // sr:ResponseMessage names the SRV answered, as the schema (and duis-parser) require.
    expect([fieldOf(delivered.xml, 'ServiceReference'), fieldOf(delivered.xml, 'ServiceReferenceVariant')]).toEqual(['4.13', '4.13']);
    expect(checkRouterSignature(delivered.xml, certificate)).toBeUndefined();
    // Delivery is recorded as for JSON receivers.
    const client = new RouterClient(router.url, identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    await expect.poll(async () => (await client.status(SUPPLIER, answer.requestId!)).state, { timeout: 5_000 }).toBe('delivered');
  });

  it('runs a critical request in two legs over serviceT then serviceS', async () => {
    const counter = nextCounter();
    const transform = await post(signDuis(request('ECS01a_1.1.1', 4, counter), identity), 'T');
    expect([transform.status, transform.responseCode]).toEqual([200, 'I0']);
    const payload = fieldOf(transform.text, 'GBCSPayload')!;
    expect(fieldOf(transform.text, 'GBCSVersion')).toBe('4.3');
    const signedLeg = withSignedPreCommand(request('ECS01a_1.1.1', 5, counter), payload);
    const sent = await post(signDuis(signedLeg, identity), 'S');
    expect([sent.status, sent.responseCode]).toEqual([202, 'I99']);
  });

  it('POSTs device alerts and DCC alerts as signed DUIS XML too', async () => {
    const raised = await admin.request('POST', `/v1/admin/simulators/${encodeURIComponent('smets2/north')}:raise-alerts`, { alertCode: 'TAMPER', devices: [ESME] });
    expect(raised.status).toBe(200);
    await expect.poll(() => receiver.received.some((item) => item.kind === 'deviceAlert'), { timeout: 10_000 }).toBe(true);
    const alert = receiver.received.find((item) => item.kind === 'deviceAlert');
    expect(responseHeader(alert.xml).body).toBe('DeviceAlertMessage');
    expect(fieldOf(alert.xml, 'AlertCode')).toBe('TAMPER');
    // Which device raised it, in the document and in a header, as the JSON item's deviceId.
    expect([fieldOf(alert.xml, 'DeviceID'), alert.deviceId]).toEqual([ESME, ESME]);
    expect(checkRouterSignature(alert.xml, certificate)).toBeUndefined();

    // A request in excess of the User's threshold: quarantined, and an AD1 DCC alert follows.
    expect((await admin.put(`/v1/admin/thresholds/users/${SUPPLIER}`, { rules: [{ srv: '4.13', limit: 1, windowSeconds: 600 }] })).status).toBe(200);
    expect((await post(signDuis(request('ECS26a_4.13', 1), identity), 'S')).status).toBe(202);
    const held = await post(signDuis(request('ECS26a_4.13', 1), identity), 'S');
    expect(held.status).toBe(202);
    await expect.poll(() => receiver.received.some((item) => item.kind === 'dccAlert'), { timeout: 10_000 }).toBe(true);
    const dccAlert = receiver.received.find((item) => item.kind === 'dccAlert');
    expect(responseHeader(dccAlert.xml)).toMatchObject({ requestId: held.requestId, body: 'DCCAlertMessage' });
    expect(fieldOf(dccAlert.xml, 'DCCAlertCode')).toBe('AD1');
    expect(checkRouterSignature(dccAlert.xml, certificate)).toBeUndefined();
    expect(receiver.refused).toEqual([]);
  });

  it('POSTs a held request refused at its ExecutionDateTime as a signed sr:Response with its code, its reason in X-DCC-Reason', async () => {
    const client = new RouterClient(router.url, identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const held = await client.submit({
      originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1',
      bodyValue: { ExecutionDateTime: new Date(Date.now() + 2_000).toISOString() },
    });
    expect(held.status).toBe(202);
    const requestId = held.answer.header.requestId as string;
    // The meter changes supplier while the request is held.
    await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: '90-B3-D5-1F-30-0D-00-0D' });
    try {
      await expect.poll(() => receiver.received.find((item) => item.xml && responseHeader(item.xml).requestId === requestId), { timeout: 10_000 }).toBeTruthy();
    } finally {
      await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
    }
    const refused = receiver.received.find((item) => item.xml && responseHeader(item.xml).requestId === requestId);
    expect(responseHeader(refused.xml)).toMatchObject({ responseCode: 'E4', body: 'ResponseMessage' });
    expect(refused.reason).toBe('not_authorised_for_device');
    expect(checkRouterSignature(refused.xml, certificate)).toBeUndefined();
  });
});
