// DUIS XML ingress (contract v1.1), driven by the DCC test suite's request templates: every
// template, in every command variant its SRV allows, gets the same outcome, route and TRT over
// /api/v1/service{S,D,T} as the same request over JSON; forged and tampered signatures, the wrong
// service, malformed XML and entity tricks are refused by their rows. Two routers in this process,
// on each store (embedded, then Redis): one takes the XML, the other the JSON, so both see the
// same RequestIDs fresh.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findSrv, SIGNED_LEG_VARIANTS } from '@dccrouter/domain';
import { RouterClient } from '@dccrouter/client';
import { StateUnavailableError } from '@dccrouter/state';
import { selfSignedCertificate } from '../../packages/router/src/duis-xml/certificate.ts';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, nextCounter } from '../support/fixtures.ts';
import {
  checkRouterSignature, fieldOf, jsonEquivalent, responseHeader, sampleTemplates, signDuis, withHeader, withoutSignature, withSignedPreCommand,
  xmlIdentity, type XmlIdentity,
} from '../support/duis-xml.ts';

const SUPPLIER = '90-B3-D5-1F-30-01-00-00';
const NETWORK_OPERATOR = '90-B3-D5-1F-30-02-00-00';
const ESME = '00-DB-12-34-56-78-90-A0';
const SERVICE_FOR: Record<number, 'S' | 'D' | 'T'> = { 1: 'S', 3: 'S', 5: 'S', 7: 'S', 2: 'D', 6: 'D', 8: 'D', 4: 'T' };

let xmlRouter: InProcessRouter;
let jsonRouter: InProcessRouter;
let routerCertificate: string;
const identities = new Map<string, XmlIdentity>();
const jsonClients = new Map<string, RouterClient>();

async function postXml(body: string, service: 'S' | 'D' | 'T', contentType = 'application/xml') {
  const response = await fetch(`${xmlRouter.url}/api/v1/service${service}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, ...responseHeader(text.replace(/\n<!--[\s\S]*-->$/, '')) };
}

/** What is compared between the formats: status, DUIS code, reason, route and TRT budget. */
interface Outcome { status: number; responseCode?: string; reason?: string; destination?: string; generation?: string; budgetMs?: number }

function xmlOutcome(answer: Awaited<ReturnType<typeof postXml>>): Outcome {
  const route = answer.headers.get('x-dcc-route');
  const trt = answer.headers.get('x-dcc-trt');
  return {
    status: answer.status,
    responseCode: answer.responseCode,
    reason: answer.headers.get('x-dcc-reason') ?? undefined,
    destination: route?.split(';')[0],
    generation: route ? /generation=(\S+)/.exec(route)?.[1] : undefined,
    budgetMs: trt ? Number(/budgetMs=(\d+)/.exec(trt)![1]) : undefined,
  };
}

function jsonOutcome(result: { status: number; answer: any }): Outcome {
  const { answer } = result;
  return {
    status: result.status,
    responseCode: answer.header?.responseCode,
    reason: answer.error?.reason,
    destination: answer.route?.destination,
    generation: answer.route?.generation,
    budgetMs: answer.trt?.budgetMs,
  };
}

const strip = (outcome: Outcome) => Object.fromEntries(Object.entries(outcome).filter(([, v]) => v !== undefined));

/** A template as an unsigned request with a fresh counter and a given command variant. */
function variantOf(text: string, commandVariant: number, counter: string): { unsigned: string; originator: string; requestId: string } {
  const requestId = /<sr:RequestID>([^<]*)<\/sr:RequestID>/.exec(text)![1];
  const [originator, target] = requestId.split(':');
  const fresh = `${originator}:${target}:${counter}`;
  return { unsigned: withHeader(withoutSignature(text), { requestId: fresh, commandVariant }), originator, requestId: fresh };
}

const templates = sampleTemplates();
const cases = templates.flatMap(({ name, text }) => {
  const srv = /<sr:ServiceReferenceVariant>([^<]*)</.exec(text)![1];
  const variants = findSrv(srv)?.commandVariants ?? [Number(/<sr:CommandVariant>(\d+)/.exec(text)![1])];
  return variants.map((cv) => [`${name} CV ${cv}`, text, cv] as const);
});

const stores = [
  ['embedded', () => ({})],
  ['redis', () => ({ REDIS_URL: inject('redisUrl') })],
] as const;

describe.each(stores)('DUIS XML on the %s store', (_store, env) => {
  beforeAll(async () => {
    [xmlRouter, jsonRouter] = await Promise.all([startInProcess(env()), startInProcess(env())]);
    for (const [userId, roles] of [[SUPPLIER, ['IS', 'GS']], [NETWORK_OPERATOR, ['ED', 'GT']]] as const) {
      const identity = xmlIdentity(`user ${userId}`);
      identities.set(userId, identity);
      const user = { roles, status: 'active', publicKeyPem: identity.publicKeyPem, certificatePem: identity.certificatePem };
      for (const router of [xmlRouter, jsonRouter]) {
        const answer = await new Admin(router.url, router.adminToken).put(`/v1/admin/users/${userId}`, user);
        expect(answer.status).toBe(200);
      }
      jsonClients.set(userId, new RouterClient(jsonRouter.url, identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string));
    }
    routerCertificate = await (await fetch(`${xmlRouter.url}/v1/router-certificate.pem`)).text();
  });

  afterAll(async () => {
    await Promise.all([xmlRouter?.close(), jsonRouter?.close()]);
  });

  describe('DUIS XML against JSON, template by template', () => {
    it('reads the whole sample: every SRV in it, every command variant its SRV allows', () => {
      expect(templates.length).toBeGreaterThanOrEqual(40);
      expect(new Set(cases.map(([, , cv]) => cv))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    });

    it.each(cases)('%s: the same outcome, route and TRT as over JSON', async (_name, text, commandVariant) => {
      const counter = nextCounter();
      const signedLeg = SIGNED_LEG_VARIANTS.has(commandVariant);
      // The signed leg of a critical request follows its CV 4 leg (same RequestID), on each router.
      const first = variantOf(text, signedLeg ? 4 : commandVariant, counter);
      const identity = identities.get(first.originator);
      const client = jsonClients.get(first.originator) ?? jsonClients.get(SUPPLIER)!;
      const sign = (unsigned: string) => signDuis(unsigned, identity ?? identities.get(SUPPLIER)!);

      let xml = await postXml(sign(first.unsigned), SERVICE_FOR[signedLeg ? 4 : commandVariant]);
      let json = await client.submitBytes(jsonEquivalent(first.unsigned));
      expect(strip(xmlOutcome(xml))).toEqual(strip(jsonOutcome(json)));
      expect(checkRouterSignature(xml.text.replace(/\n<!--[\s\S]*-->$/, ''), routerCertificate)).toBeUndefined();
      if (xml.status < 300) expect(xml.requestId).toBe(first.requestId.toUpperCase());

      // A registered User's CV 4 leg is answered, so its signed leg is always compared; only a template
      // of another originator (ECS47e's) has none, refused as over JSON.
      if (signedLeg) expect([xml.status, xmlOutcome(xml).reason]).toEqual(identity ? [200, undefined] : [403, 'unknown_user']);
      if (signedLeg && identity) {
        // The Pre-Command each router handed back, signed by the User and sent as CV 5, 6 or 7.
        const xmlPayload = fieldOf(xml.text, 'GBCSPayload')!;
        expect(xmlPayload).toBe(json.answer.body.PreCommand.GBCSPayload);
        const second = withSignedPreCommand(variantOf(text, commandVariant, counter).unsigned, xmlPayload);
        xml = await postXml(sign(second), SERVICE_FOR[commandVariant]);
        json = await client.submitBytes(jsonEquivalent(second));
        expect(strip(xmlOutcome(xml))).toEqual(strip(jsonOutcome(json)));
      }
      if (xml.status === 200 && commandVariant === 2) expect(fieldOf(xml.text, 'GBCSPayload')).toBe(json.answer.body.LocalCommand);
    });

    it('acknowledges most of the sample (it is the DCC test suite\'s success cases)', async () => {
      let acknowledged = 0;
      for (const { text } of templates) {
        const cv = Number(/<sr:CommandVariant>(\d+)/.exec(text)![1]);
        const { unsigned, originator } = variantOf(text, cv, nextCounter());
        const answer = await postXml(signDuis(unsigned, identities.get(originator) ?? identities.get(SUPPLIER)!), SERVICE_FOR[cv]);
        if (answer.status < 300) acknowledged++;
      }
      expect(acknowledged).toBeGreaterThanOrEqual(templates.length * 0.6);
    });
  });

  it("answers the DCC's 11.1 UpdateFirmware template, which names its devices in DeviceIDList, I0", async () => {
    const template = templates.find(({ name }) => name.startsWith('11.1_'))!.text;
    const { unsigned, originator } = variantOf(template, 8, nextCounter());
    const answer = await postXml(signDuis(unsigned, identities.get(originator)!), 'D');
    expect([answer.status, answer.responseCode, fieldOf(answer.text, 'DeviceIDList')]).toEqual([200, 'I0', '00-DB-12-34-56-78-90-A0']);
  });

  describe('DUIS XML refusals', () => {
    const template = templates.find(({ name }) => name.startsWith('CS01a_2.2'))!.text; // 2.2 TopUpDevice, CV 1
    const supplier = () => identities.get(SUPPLIER)!;
    const fresh = () => variantOf(template, 1, nextCounter()).unsigned;

    it('answers a good request with a signed sr:Response naming the router\'s certificate', async () => {
      const signed = signDuis(fresh(), supplier());
      const answer = await postXml(signed, 'S');
      expect(answer.status).toBe(202);
      expect(answer.headers.get('content-type')).toContain('application/xml');
      expect(answer.responseCode).toBe('I99');
      expect(answer.body).toBe('ResponseMessage');
      expect(answer.headers.get('x-dcc-route')).toBe('smets2/north; generation=SMETS2+');
      expect(answer.headers.get('x-dcc-trt')).toMatch(/^budgetMs=30000; deadline=/);
      expect(checkRouterSignature(answer.text, routerCertificate)).toBeUndefined();
      // Tampering with the router's answer is detected by the User.
      expect(checkRouterSignature(answer.text.replace('I99', 'I0'), routerCertificate)).toBe('digest does not match');
      // A byte-identical resubmission: the original answer, nothing sent twice.
      const again = await postXml(signed, 'S');
      expect(again.status).toBe(202);
      expect(again.responseCode).toBe('I99');
      // Its signature removed: row 5, whatever was recorded.
      const unsigned = await postXml(signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''), 'S');
      expect(unsigned.status).toBe(401);
    });

    it('answers a retry of the same signed content with the original answer, however it differs outside it; other content under the RequestID is row 19', async () => {
      const unsigned = fresh();
      const original = await postXml(signDuis(unsigned, supplier()), 'S');
      expect([original.status, original.responseCode]).toEqual([202, 'I99']);
      const replayed = (answer: typeof original) => [answer.status, answer.responseCode, answer.requestId, answer.headers.get('x-dcc-trt')];
      // Signed afresh: ECDSA values differ each time, SignedInfo does not.
      const resigned = signDuis(unsigned, supplier());
      expect(replayed(await postXml(resigned, 'S'))).toEqual(replayed(original));
      // A copy with what the signature does not cover changed: comments, whitespace in and around
      // ds:Signature, KeyInfo's issuer written another way.
      const copy = resigned
        .replace('<sr:Body>', '<sr:Body><!-- relayed -->')
        .replace('<ds:KeyInfo>', '<ds:KeyInfo>\n\n      ')
        .replace(/<ds:X509IssuerName>CN=/, '<ds:X509IssuerName> cn = ')
        .replace('</sr:Request>', '</sr:Request>\n<!-- end -->\n');
      expect(copy).not.toBe(resigned);
      expect(replayed(await postXml(copy, 'S'))).toEqual(replayed(original));
      // Other signed content under the same RequestID: row 19.
      const other = await postXml(signDuis(unsigned.replace('<sr:UTRN>73946144332040217315', '<sr:UTRN>73946144332040217316'), supplier()), 'S');
      expect([other.status, other.headers.get('x-dcc-reason')]).toEqual([409, 'request_id_reused']);
      // As is the same content signed in another form (the Reference listing exclusive C14N): other signed octets.
      const otherForm = await postXml(signDuis(unsigned, supplier(), { documentC14n: 'exclusive' }), 'S');
      expect([otherForm.status, otherForm.headers.get('x-dcc-reason')]).toEqual([409, 'request_id_reused']);
    });

    it('takes a Reference that lists exclusive C14N after the enveloped-signature transform (its digest then of that form)', async () => {
      const unsigned = fresh().replace('<sr:Request ', '<sr:Request xmlns:unused="urn:unused" ');
      const exclusive = await postXml(signDuis(unsigned, supplier(), { documentC14n: 'exclusive' }), 'S');
      expect([exclusive.status, exclusive.responseCode]).toEqual([202, 'I99']);
      // The same digest claimed for the inclusive form (the unused declaration makes them differ) is refused.
      const claimed = signDuis(fresh().replace('<sr:Request ', '<sr:Request xmlns:unused="urn:unused" '), supplier(), { documentC14n: 'exclusive' })
        .replace('\n          <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>', '');
      expect((await postXml(claimed, 'S')).status).toBe(401);
    });

    it('row 5: a forged signature (another key, the registered certificate named)', async () => {
      const forger = xmlIdentity('forger');
      const answer = await postXml(signDuis(fresh(), supplier(), { key: forger.privateKey }), 'S');
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([401, 'signature_invalid']);
      expect(answer.text).toContain('ds:SignatureValue is not a valid signature');
    });

    it('row 5: a certificate not yet valid (registered ahead of its use), saying until when', async () => {
      const ahead = '90-B3-D5-1F-30-0E-00-02';
      const identity = xmlIdentity('ahead', { from: new Date('2045-01-01T00:00:00Z'), until: new Date('2046-01-01T00:00:00Z') });
      const admin = new Admin(xmlRouter.url, xmlRouter.adminToken);
      const registered = await admin.put(`/v1/admin/users/${ahead}`, { roles: ['IS'], status: 'active', publicKeyPem: identity.publicKeyPem, certificatePem: identity.certificatePem });
      expect(registered.status).toBe(200);
      const answer = await postXml(signDuis(fresh().replaceAll(SUPPLIER, ahead), identity), 'S');
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([401, 'signature_invalid']);
      expect(answer.text).toContain(`the certificate registered for User ${ahead} is not valid until 2045-01-01T00:00:00.000Z`);
    });

    it('row 5: a tampered document (a body value changed after signing)', async () => {
      const signed = signDuis(fresh(), supplier());
      const answer = await postXml(signed.replace('<sr:UTRN>73946144332040217315', '<sr:UTRN>73946144332040217316'), 'S');
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([401, 'signature_invalid']);
      expect(answer.text).toContain('changed after signing');
    });

    it('row 5: a tampered SignedInfo, a signature of another certificate, a DER value, no signature', async () => {
      const signed = signDuis(fresh(), supplier());
      const tamperedInfo = signed.replace('<ds:Reference URI="">', '<ds:Reference URI="" Id="x">');
      expect((await postXml(tamperedInfo, 'S')).status).toBe(401);
      const otherCertificate = signDuis(fresh(), supplier(), { serialNumber: '12345' });
      const named = await postXml(otherCertificate, 'S');
      expect(named.status).toBe(401);
      expect(named.text).toContain('does not name the certificate');
      const derValue = signed.replace(/<ds:SignatureValue>[^<]*</, `<ds:SignatureValue>${Buffer.alloc(70, 1).toString('base64')}<`);
      expect((await postXml(derValue, 'S')).status).toBe(401);
      // SignedInfo in inclusive C14N: DUIS signs it in exclusive C14N alone.
      const inclusive = await postXml(signed.replace(/(<ds:CanonicalizationMethod Algorithm=")[^"]*"/, '$1http://www.w3.org/TR/2001/REC-xml-c14n-20010315"'), 'S');
      expect(inclusive.status).toBe(401);
      expect(inclusive.text).toContain('is not exclusive C14N');
      const unsigned = await postXml(fresh(), 'S');
      expect([unsigned.status, unsigned.headers.get('x-dcc-reason')]).toEqual([401, 'signature_invalid']);
      expect(unsigned.text).toContain('no ds:Signature');
    });

    it('names no RequestID in a signed answer before its sender is authenticated: a 503 while the User is looked up', async () => {
      // Anyone's request, unsigned, naming another User's RequestID, while the store fails the lookup.
      const claimed = `${SUPPLIER}:${ESME}:${nextCounter()}`;
      const forged = withHeader(fresh(), { requestId: claimed });
      const directory = xmlRouter.router.directory;
      const user = directory.user.bind(directory);
      directory.user = async () => { throw new StateUnavailableError('injected: the store is unreachable'); };
      let answer: Awaited<ReturnType<typeof postXml>>;
      try {
        answer = await postXml(forged, 'S');
      } finally {
        directory.user = user;
      }
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([503, 'state_unavailable']);
      const signed = answer.text.replace(/\n<!--[\s\S]*-->$/, '');
      expect(checkRouterSignature(signed, routerCertificate)).toBeUndefined();
      expect(signed).not.toContain(claimed);
      // Once authenticated, a 503 names it (the sender's own request).
      const own = signDuis(withHeader(fresh(), { requestId: claimed }), supplier());
      const recordFails = xmlRouter.router.store.recordAcceptance.bind(xmlRouter.router.store);
      xmlRouter.router.store.recordAcceptance = async () => { throw new StateUnavailableError('injected: refused'); };
      try {
        const after = await postXml(own, 'S');
        expect([after.status, after.requestId]).toEqual([503, claimed]);
      } finally {
        xmlRouter.router.store.recordAcceptance = recordFails;
      }
    });

    it('row 4 before row 5: an unknown originator is E1 whatever its signature', async () => {
      const unknown = withHeader(fresh(), { requestId: `90-B3-D5-1F-30-0E-00-99:${ESME}:${nextCounter()}` });
      const answer = await postXml(unknown, 'S');
      expect([answer.status, answer.responseCode]).toEqual([403, 'E1']);
    });

    it('row 10 (E13): a request on the wrong one of the three services', async () => {
      const onNonDevice = await postXml(signDuis(fresh(), supplier()), 'D');
      expect([onNonDevice.status, onNonDevice.responseCode, onNonDevice.headers.get('x-dcc-reason')]).toEqual([400, 'E13', 'wrong_target']);
      const onTransform = await postXml(signDuis(fresh(), supplier()), 'T');
      expect([onTransform.status, onTransform.responseCode]).toEqual([400, 'E13']);
      // Nothing was recorded: the same request on the right service is acknowledged.
      const unsigned = fresh();
      expect((await postXml(signDuis(unsigned, supplier()), 'D')).status).toBe(400);
      expect((await postXml(signDuis(unsigned, supplier()), 'S')).status).toBe(202);
    });

    it('row 1: the services take application/xml only; row 2: the size limit', async () => {
      const json = await postXml(signDuis(fresh(), supplier()), 'S', 'application/json');
      expect([json.status, json.headers.get('x-dcc-reason')]).toEqual([415, 'unsupported_media_type']);
      const big = fresh().replace('<sr:Body>', `<sr:Body><!--${'x'.repeat(70_000)}-->`);
      expect((await postXml(big, 'S')).status).toBe(413);
    });

    it.each([
      ['not well-formed', '<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:Header>'],
      ['not XML at all', '{"header":{}}'],
      ['another document element', '<Request schemaVersion="5.4"/>'],
      ['header elements out of the schema\'s order', fresh().replace(/(<sr:CommandVariant>1<\/sr:CommandVariant>)(\s*)(<sr:ServiceReference>2.2<\/sr:ServiceReference>)/, '$3$2$1')],
      ['a body element the schema does not have', fresh().replace(/TopUpDevice/g, 'TopUpEverything')],
      ['two body elements', fresh().replace('</sr:TopUpDevice>', '</sr:TopUpDevice><sr:TopUpDevice/>')],
      ['no schemaVersion', fresh().replace(' schemaVersion="5.4"', '')],
      ['a bad RequestID', withHeader(fresh(), { requestId: '90-B3-D5-1F-30-01-00-00:00-DB-12' })],
      ['XML 1.1 (DUIS is XML 1.0)', fresh().replace('<?xml version="1.0"', '<?xml version="1.1"')],
      ['elements nested too deep', fresh().replace('<sr:UTRN>', `${'<sr:X>'.repeat(80)}<sr:UTRN>`).replace('</sr:UTRN>', `</sr:UTRN>${'</sr:X>'.repeat(80)}`)],
    ])('row 3: %s', async (_name, body) => {
      const answer = await postXml(body, 'S');
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([400, 'malformed_request']);
    });

    it('row 3: a signed body not shaped like the DUIS V5.4 schema, named in the answer; the RequestID stays unused', async () => {
      const unsigned = fresh();
      for (const [shapeless, why] of [
        [unsigned.replace('</sr:TopUpDevice>', '<sr:Bonus>5</sr:Bonus></sr:TopUpDevice>'), "Element 'sr:Bonus': This element is not expected"],
        [unsigned.replace('<sr:UTRN>73946144332040217315', '<sr:UTRN>7394614433204021731X'), "Element 'sr:UTRN'"],
        [unsigned.replace('<sr:TopUpDevice>', '<sr:TopUpDevice amount="5">'), "The attribute 'amount' is not allowed"],
      ]) {
        const answer = await postXml(signDuis(shapeless, supplier()), 'S');
        expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([400, 'malformed_request']);
        expect(answer.text).toContain(why);
      }
      // Nothing was recorded: the same RequestID with a body of the schema's shape is acknowledged.
      expect((await postXml(signDuis(unsigned, supplier()), 'S')).status).toBe(202);
    });

    it('row 3: an entity-expansion attempt (billion laughs) is refused at its DOCTYPE, at once', async () => {
      const laughs = `<?xml version="1.0"?>
  <!DOCTYPE sr:Request [
    <!ENTITY a "lollollollollollollollollollol">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
    <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
    <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
    <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
    <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
    <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  ]>
  ${fresh().replace(/^<\?xml[^>]*>\s*/, '').replace('73946144332040217315', '&g;')}`;
      const started = performance.now();
      const answer = await postXml(laughs, 'S');
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([400, 'malformed_request']);
      expect(answer.text).toContain('DOCTYPE');
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('row 3: thousands of namespace declarations over thousands of elements (a CPU sink to canonicalise) are refused before the User is looked up', async () => {
      const declarations = Array.from({ length: 1_500 }, (_, i) => ` xmlns:p${i}="u"`).join('');
      const attack = signDuis(fresh(), supplier())
        .replace('<sr:Request ', `<sr:Request${declarations} `)
        .replace('<sr:TopUpDevice>', `<sr:TopUpDevice>${'<a/>'.repeat(9_000)}`)
        .replace('http://www.w3.org/2001/10/xml-exc-c14n#', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315');
      expect(attack.length).toBeLessThan(65_536);
      const answer = await postXml(attack, 'S');
      expect([answer.status, answer.headers.get('x-dcc-reason')]).toEqual([400, 'malformed_request']);
      expect(answer.text).toContain('the document declares more than 32 namespaces');
      // Even from an originator that is not registered: refused as malformed (row 3), not unknown (row 4).
      const unknown = await postXml(withHeader(attack, { requestId: `90-B3-D5-1F-30-0E-00-99:${ESME}:${nextCounter()}` }), 'S');
      expect(unknown.headers.get('x-dcc-reason')).toBe('malformed_request');
    });

    it('row 3: an external entity (XXE) is never fetched or read', async () => {
      const xxe = `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n${fresh().replace(/^<\?xml[^>]*>\s*/, '').replace('73946144332040217315', '&x;')}`;
      const answer = await postXml(xxe, 'S');
      expect(answer.status).toBe(400);
      expect(answer.text).not.toContain('root:');
    });

    it('takes FirstInSequence and PrecedingServiceRequestID and keeps them with the request', async () => {
      const preceding = `${SUPPLIER}:${ESME}:${nextCounter()}`;
      const unsigned = withHeader(fresh(), { extraAfterRequestId: `<sr:FirstInSequence>false</sr:FirstInSequence><sr:PrecedingServiceRequestID>${preceding.toLowerCase()}</sr:PrecedingServiceRequestID>` });
      const answer = await postXml(signDuis(unsigned, supplier()), 'S');
      expect(answer.status).toBe(202);
      const client = new RouterClient(xmlRouter.url, supplier().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      const status = await client.status(SUPPLIER, answer.requestId!) as any;
      expect(status.sequence).toEqual({ firstInSequence: false, precedingRequestId: preceding });
      // The same over JSON.
      const json = await jsonClients.get(SUPPLIER)!.submitBytes(jsonEquivalent(unsigned));
      expect(json.status).toBe(202);
      const jsonStatus = await jsonClients.get(SUPPLIER)!.status(SUPPLIER, json.answer.header.requestId) as any;
      expect(jsonStatus.sequence).toEqual(status.sequence);
      // A PrecedingServiceRequestID that is not a RequestID is row 3.
      const bad = withHeader(fresh(), { extraAfterRequestId: '<sr:PrecedingServiceRequestID>nope</sr:PrecedingServiceRequestID>' });
      expect((await postXml(signDuis(bad, supplier()), 'S')).status).toBe(400);
    });

    it('registers a User\'s certificate only when it is a readable certificate of the User\'s own P-256 key', async () => {
      const admin = new Admin(xmlRouter.url, xmlRouter.adminToken);
      const identity = xmlIdentity('cert-check');
      const base = { roles: ['IS'], status: 'active', publicKeyPem: identity.publicKeyPem };
      const bad = await admin.put('/v1/admin/users/90-B3-D5-1F-30-0E-00-01', { ...base, certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' });
      expect([bad.status, bad.body.error.field]).toEqual([400, 'certificatePem']);
      const another = await admin.put('/v1/admin/users/90-B3-D5-1F-30-0E-00-01', { ...base, certificatePem: xmlIdentity('another key').certificatePem });
      expect([another.status, another.body.error.field, another.body.error.message]).toEqual([400, 'certificatePem', "certificatePem is the certificate of another key than publicKeyPem: it must certify the User's own key"]);
      const expired = xmlIdentity('expired', { from: new Date('2020-01-01T00:00:00Z'), until: new Date('2021-06-01T00:00:00Z') });
      const old = await admin.put('/v1/admin/users/90-B3-D5-1F-30-0E-00-01', { ...base, publicKeyPem: expired.publicKeyPem, certificatePem: expired.certificatePem });
      expect([old.status, old.body.error.field, old.body.error.message]).toEqual([400, 'certificatePem', 'certificatePem expired at 2021-06-01T00:00:00.000Z: XML requests signed under it would all be refused']);
      // One stored before it expired (written here straight to the store) may be written back, its User suspended.
      const stored = { userId: '90-B3-D5-1F-30-0E-00-03', roles: ['IS' as const], status: 'active' as const, publicKeyPem: expired.publicKeyPem, certificatePem: expired.certificatePem };
      await xmlRouter.router.store.putUser(stored);
      const suspended = await admin.put(`/v1/admin/users/${stored.userId}`, { ...stored, status: 'suspended' });
      expect([suspended.status, suspended.body.status]).toEqual([200, 'suspended']);
      // Another expired certificate of the same key is not.
      const anotherExpired = selfSignedCertificate(expired.privateKey, 'expired too', 99n, { from: new Date('2020-01-01T00:00:00Z'), until: new Date('2021-01-01T00:00:00Z') });
      const replaced = await admin.put(`/v1/admin/users/${stored.userId}`, { ...stored, certificatePem: anotherExpired });
      expect([replaced.status, replaced.body.error?.message]).toEqual([400, 'certificatePem expired at 2021-01-01T00:00:00.000Z: XML requests signed under it would all be refused']);
      const format = await admin.put('/v1/admin/users/90-B3-D5-1F-30-0E-00-01', { ...base, receiveFormat: 'yaml' });
      expect([format.status, format.body.error.field]).toEqual([400, 'receiveFormat']);
      const good = await admin.put('/v1/admin/users/90-B3-D5-1F-30-0E-00-01', { ...base, certificatePem: identity.certificatePem, receiveFormat: 'xml' });
      expect(good.status).toBe(200);
      const read = await admin.request('GET', '/v1/admin/users/90-B3-D5-1F-30-0E-00-01');
      expect(read.body).toMatchObject({ certificatePem: identity.certificatePem, receiveFormat: 'xml' });
    });
  });
});
