// Scenario "xml": DUIS XML ingress against the JSON path, in the same run on the same router (the
// full path: Redis, signatures, TAD, TRT, networks). The same requests (2.2 TopUpDevice, a body
// like the DCC test suite's template, to each User's own meters) are sent as signed DUIS XML to
// /api/v1/serviceS (enveloped XML signature: C14N, SHA-256 digest, ECDSA r||s, X509IssuerSerial;
// answered with a signed sr:Response) and as JSON to /v1/service-requests (X-DCC-Signature),
// closed loop, the two formats interleaved round by round so a noisy neighbour hits both alike.
// Reported: requests/s, latency, and the router's (and Redis's) CPU per request for each, and
// their ratios; the goal is XML at most 2x the JSON path's router CPU per request.
import { sign, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from '../../packages/router/src/duis-xml/certificate.ts';
import { signEnveloped } from '../../packages/router/src/duis-xml/sign.ts';
import { runClosedLoop, type LoadItem, type LoadUnit } from '../lib/closed-loop.ts';
import { CpuMeter } from '../lib/machine.ts';
import { step } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';
import { adminCall } from '../lib/targets.ts';
import { formatMs, formatRate, repeatsText, table, withTarget, type Suite } from '../lib/suite.ts';
import { deviceProfile, type BenchUser } from '../lib/traffic.ts';
import { FULL } from './variants.ts';

interface XmlBenchItem extends LoadItem {
  format: 'xml' | 'json';
}

interface Signer {
  user: BenchUser;
  issuerName: string;
  serialNumber: string;
}

/** A 2.2 TopUpDevice in the DCC test suite's layout (the CS01a template's shape), unsigned. */
function duisRequest(requestId: string, utrn: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sr:Request xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="5.4">
  <sr:Header>
    <sr:RequestID>${requestId}</sr:RequestID>
    <sr:CommandVariant>1</sr:CommandVariant>
    <sr:ServiceReference>2.2</sr:ServiceReference>
    <sr:ServiceReferenceVariant>2.2</sr:ServiceReferenceVariant>
  </sr:Header>
  <sr:Body>
    <sr:TopUpDevice>
      <sr:UTRN>${utrn}</sr:UTRN>
    </sr:TopUpDevice>
  </sr:Body>
</sr:Request>`;
}

/** `count` units (two requests each) of one format, every request new to the router. */
function makeUnits(format: 'xml' | 'json', count: number, start: number, suite: Suite, signers: Signer[], counterBase: bigint): LoadUnit<XmlBenchItem>[] {
  const items: XmlBenchItem[] = [];
  for (let i = 0; i < count * 2; i++) {
    const n = start + i;
    const profile = deviceProfile(n % suite.options.devices, suite.options.users);
    const signer = signers[profile.owner];
    const counter = (counterBase + BigInt(n)).toString();
    const requestId = `${signer.user.userId}:${profile.deviceId}:${counter}`;
    const utrn = (73946144332040217315n + BigInt(n)).toString().slice(0, 20);
    if (format === 'xml') {
      const body = signEnveloped(duisRequest(requestId, utrn), { key: signer.user.privateKey, issuerName: signer.issuerName, serialNumber: signer.serialNumber });
      items.push({ format, body: Buffer.from(body), headers: { 'content-type': 'application/xml' } });
    } else {
      const body = Buffer.from(JSON.stringify({
        header: { requestId: { originatorId: signer.user.userId, targetId: profile.deviceId, counter }, commandVariant: 1, serviceReference: '2.2', serviceReferenceVariant: '2.2' },
        body: { TopUpDevice: { UTRN: utrn } },
      }));
      const signature = sign('sha256', body, { key: signer.user.privateKey, dsaEncoding: 'der' }).toString('base64');
      items.push({ format, body, headers: { 'content-type': 'application/json', 'x-dcc-signature': signature } });
    }
  }
  return Array.from({ length: count }, (_, i) => [items[2 * i], items[2 * i + 1]] as const);
}

function check(item: XmlBenchItem, status: number, body: string): string | undefined {
  if (status !== 202) return `${item.format}: HTTP ${status} ${body.slice(0, 200)}`;
  if (item.format === 'xml' && !body.includes('<sr:ResponseCode>I99</sr:ResponseCode>')) return `xml: no I99 in ${body.slice(0, 200)}`;
  return undefined;
}

interface FormatRun {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  routerMicroseconds: number;
  redisMicroseconds: number;
  unexpected: number;
  samples: string[];
  bytes: number;
}

export async function runXml(suite: Suite) {
  const { options } = suite;
  const units = options.closedUnits;
  const signers: Signer[] = suite.users.map((user, i) => {
    const certificatePem = selfSignedCertificate(user.privateKey, `bench ${user.userId}`, BigInt(5000 + i));
    return { user, issuerName: `CN=bench ${user.userId}`, serialNumber: BigInt(`0x${new X509Certificate(certificatePem).serialNumber}`).toString(), certificatePem } as Signer & { certificatePem: string };
  });
  const counterBase = BigInt(Date.now()) * 1_000_000n + 7_000_000_000_000n;
  let next = 0;
  const fresh = (format: 'xml' | 'json', count: number) => {
    const made = makeUnits(format, count, next, suite, signers, counterBase);
    next += count * 2;
    return made;
  };
  const runs: Record<'xml' | 'json', FormatRun[]> = { xml: [], json: [] };

  await withTarget(suite, FULL, async (target) => {
    await step(`xml  registering ${signers.length} Users' certificates`, async () => {
      for (const signer of signers as (Signer & { certificatePem: string })[]) {
        const { user } = signer;
        const answer = await adminCall(target.url, 'PUT', `/v1/admin/users/${user.userId}`, { roles: user.roles, status: 'active', publicKeyPem: user.publicKeyPem, certificatePem: signer.certificatePem });
        if (answer.status !== 200) throw new Error(`cannot register ${user.userId}'s certificate: ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    });
    const path = (format: 'xml' | 'json') => (format === 'xml' ? '/api/v1/serviceS' : '/v1/service-requests');
    // Warm-up: both paths compiled and connections open before timing.
    for (const format of ['json', 'xml'] as const) {
      const warm = fresh(format, options.warmupUnits);
      await runClosedLoop({ url: target.url, path: path(format), connections: Math.min(options.connections, warm.length), units: warm.length, unitAt: (i) => warm[i], maxSeconds: 30 });
    }
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const format of ['json', 'xml'] as const) {
        const pool = await step(`xml  signing ${units * 2} ${format} requests`, async () => fresh(format, units));
        const meter = new CpuMeter(target.pid, suite.redis.pid);
        const result = await step(`xml  ${format} run ${repeat + 1}/${options.repeats}`, () => runClosedLoop<XmlBenchItem>({
          url: target.url, path: path(format), connections: options.connections, units: pool.length, unitAt: (i) => pool[i], maxSeconds: options.closedSeconds, check,
        }), (r) => `${formatRate(r.perSecond)} req/s`);
        const cpu = meter.finish(result.answered);
        runs[format].push({
          perSecond: result.perSecond, p50Ms: result.latencyMs.p50, p99Ms: result.latencyMs.p99,
          routerMicroseconds: cpu.microsecondsPerRequest?.target ?? 0, redisMicroseconds: cpu.microsecondsPerRequest?.redis ?? 0,
          unexpected: result.unexpected + result.errors + result.timeouts, samples: result.unexpectedSamples,
          bytes: round(pool.reduce((sum, [a, b]) => sum + a.body.length + b.body.length, 0) / (pool.length * 2)),
        });
      }
    }
  });

  const summary = (format: 'xml' | 'json') => {
    const r = runs[format];
    const m = (pick: (run: FormatRun) => number) => round(median(r.map(pick)));
    return {
      perSecond: Math.round(median(r.map((x) => x.perSecond))), runs: r.map((x) => Math.round(x.perSecond)),
      p50Ms: m((x) => x.p50Ms), p99Ms: m((x) => x.p99Ms), routerCpuMicrosecondsPerRequest: m((x) => x.routerMicroseconds),
      redisCpuMicrosecondsPerRequest: m((x) => x.redisMicroseconds), requestBytes: m((x) => x.bytes),
      unexpected: r.reduce((sum, x) => sum + x.unexpected, 0), unexpectedSamples: r.flatMap((x) => x.samples).slice(0, 5),
    };
  };
  const xml = summary('xml');
  const json = summary('json');
  const cpuRatio = round(xml.routerCpuMicrosecondsPerRequest / json.routerCpuMicrosecondsPerRequest);
  // CPU per request answered: runs that answered otherwise than expected measured another path, so the goal is not met.
  const unexpected = xml.unexpected + json.unexpected;
  const data = { xml, json, rateRatio: round(xml.perSecond / json.perSecond), routerCpuRatio: cpuRatio, goalMet: cpuRatio <= 2 && unexpected === 0, connections: options.connections, units };
  const markdown = [
    `The same requests (2.2 TopUpDevice to each User's own meter, the DCC test suite's layout) as signed DUIS XML to \`/api/v1/serviceS\` (enveloped XML signature checked: C14N, SHA-256 digest, ECDSA r||s against the User's certificate; answered with a signed sr:Response) and as JSON to \`/v1/service-requests\` (X-DCC-Signature), on one router (full path: Redis, signatures, TAD, TRT, networks), closed loop with ${options.connections} connections, the two formats interleaved, ${repeatsText(options.repeats)}; medians.`,
    '',
    ...table(['format', 'requests/s', 'p50', 'p99', 'router CPU per request', 'Redis CPU per request', 'request bytes', 'runs (req/s)', 'unexpected'], [
      ['JSON', formatRate(json.perSecond), formatMs(json.p50Ms), formatMs(json.p99Ms), `${json.routerCpuMicrosecondsPerRequest} µs`, `${json.redisCpuMicrosecondsPerRequest} µs`, json.requestBytes, json.runs.join(', '), json.unexpected],
      ['DUIS XML', formatRate(xml.perSecond), formatMs(xml.p50Ms), formatMs(xml.p99Ms), `${xml.routerCpuMicrosecondsPerRequest} µs`, `${xml.redisCpuMicrosecondsPerRequest} µs`, xml.requestBytes, xml.runs.join(', '), xml.unexpected],
    ]),
    '',
    `XML against JSON: ${data.rateRatio}x the requests/s, **${cpuRatio}x the router's CPU per request** (goal: at most 2x: ${data.goalMet ? 'met' : `NOT met${unexpected > 0 ? `: ${unexpected} answers not as expected` : ''}`}). Router CPU is the router process and its signature worker thread together, per request answered.`,
  ];
  if (unexpected > 0) markdown.push('', `Unexpected answers: ${[...xml.unexpectedSamples, ...json.unexpectedSamples].join('; ')}`);
  return { title: 'DUIS XML against JSON: requests/s and CPU per request', data, markdown };
}
