// Shadow mode reports TAD breaches without holding anything back; TAD=false skips it entirely.
import { pino, type Logger } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

let server: InProcessRouter | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function floodOfThree(env: Record<string, string>, log?: Logger) {
  server = await startInProcess({ NETWORKS: 'external', ...env }, log);
  const admin = new Admin(server.url, server.adminToken);
  expect((await admin.put(`/v1/admin/thresholds/users/${SUPPLIER}`, { rules: [{ srv: '*', limit: 1, windowSeconds: 60 }] })).status).toBe(200);
  const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await client.submit({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }));
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return { answers, metrics };
}

it('reports breaches in shadow mode without quarantining, logging a User\'s flood once', async () => {
  const lines: { msg: string; originatorId?: string }[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const { answers, metrics } = await floodOfThree({ TAD_MODE: 'shadow' }, log);
  expect(answers.map((a) => [a.status, a.answer.quarantine])).toEqual([[202, undefined], [202, undefined], [202, undefined]]);
  expect(metrics).toContain('dccrouter_tad_breaches_total{kind="user",action="shadow"} 2');
  expect(metrics).not.toMatch(/action="quarantined"\} [1-9]/);
  // Two breaches, one line within the interval: the count is in the metric (and in the interval's closing line).
  expect(lines.filter((line) => line.msg.startsWith('TAD breach')).map((line) => line.originatorId)).toEqual([SUPPLIER]);
});

it('enforces the same rules outside shadow mode, and skips them with TAD=false', async () => {
  const enforced = await floodOfThree({});
  expect(enforced.answers.map((a) => a.answer.quarantine?.breach ?? 'none')).toEqual(['none', 'user', 'user']);
  await server!.close();
  server = undefined;
  const off = await floodOfThree({ TAD: 'false' });
  expect(off.answers.map((a) => a.answer.quarantine?.breach ?? 'none')).toEqual(['none', 'none', 'none']);
  // Only the series the deploy kit alerts on, exported at 0.
  expect(off.metrics).not.toMatch(/^dccrouter_tad_breaches_total\{.*\} [1-9]/m);
});
