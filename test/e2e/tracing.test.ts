// OpenTelemetry tracing of the real router under Bun, on by one setting: a request's span and its
// steps (authenticate, record) and the background loops reach an OTLP/HTTP collector (a test
// receiver here).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

interface Span { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes: { key: string; value: Record<string, unknown> }[] }
const spans: Span[] = [];
let collector: Server;
let router: RouterProcess;

beforeAll(async () => {
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type']?.includes('json')) {
        for (const resource of JSON.parse(body).resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) spans.push(...scope.spans);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  router = await startRouterProcess({ VERIFY_THREADS: '1', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await router?.stop();
  await new Promise((resolve) => collector.close(resolve));
});

const attribute = (span: Span, key: string) => Object.values(span.attributes.find((a) => a.key === key)?.value ?? {})[0];

describe('tracing', () => {
  it('sends a span per request with its steps as children, and the background loops', async () => {
    const client = new RouterClient(router.url, DEMO_PRIVATE_KEY_PEM);
    const { answer } = await client.submit({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const requestId = answer.header.requestId;
    await expect.poll(() => spans.some((span) => span.name === 'record' && attribute(span, 'dcc.request_id') === requestId), { timeout: 10_000, interval: 200 }).toBe(true);
    const record = spans.find((span) => span.name === 'record' && attribute(span, 'dcc.request_id') === requestId)!;
    const root = spans.find((span) => span.spanId === record.parentSpanId)!;
    expect(root.name).toBe('service-request');
    expect(attribute(root, 'dcc.outcome')).toBe('I99');
    expect(attribute(record, 'dcc.record_outcome')).toBe('recorded');
    expect(spans.some((span) => span.name === 'authenticate' && span.parentSpanId === root.spanId)).toBe(true);
    expect(spans.some((span) => span.name.startsWith('background '))).toBe(true);
  });
});
