// The operators' API leaves an audit trail: every change is a log line (method, path, status),
// and a call refused for its bearer token is counted and logged, throttled (a token guessed at
// many times must not flood the log). Against the router under Bun, its log as it writes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, metricTotal, newKeyPair, SUPPLIER } from '../support/fixtures.ts';

let router: RouterProcess;
beforeAll(async () => {
  router = await startRouterProcess({ LOG_LEVEL: 'info', VERIFY_THREADS: '1' });
});
afterAll(async () => {
  await router?.stop();
});

/** The router's JSON log lines with this message. */
const lines = (message: string) => router.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((line) => line.msg === message);

describe("The operators' API", () => {
  it('logs every change an operator makes, and not a read', async () => {
    const admin = new Admin(router.url, router.adminToken);
    expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS'], status: 'active', publicKeyPem: newKeyPair().publicKeyPem })).status).toBe(200);
    expect((await admin.request('GET', `/v1/admin/users/${SUPPLIER}`)).status).toBe(200);
    await expect.poll(() => lines("operators' API change").map(({ method, path, status }) => ({ method, path, status })))
      .toEqual([{ method: 'PUT', path: `/v1/admin/users/${SUPPLIER}`, status: 200 }]);
    // A refused change is logged as one, not as a change.
    expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: [] })).status).toBe(400);
    await expect.poll(() => lines("operators' API call refused, nothing changed").map(({ method, status }) => ({ method, status }))).toEqual([{ method: 'PUT', status: 400 }]);
    expect(lines("operators' API change")).toHaveLength(1);
  });

  it('counts every call refused for its token, and logs them once per 10 s with how many it held back', async () => {
    const wrong = new Admin(router.url, 'a-guess');
    for (let i = 0; i < 5; i++) expect((await wrong.request('GET', `/v1/admin/users/${SUPPLIER}`)).status).toBe(401);
    expect(await metricTotal(router.url, 'dccrouter_admin_unauthorized_total')).toBe(5);
    // The log is read from the process's pipe: polled until its lines have arrived.
    await expect.poll(() => lines("operators' API call refused: bearer token missing or wrong").map(({ method, path }) => ({ method, path })))
      .toEqual([{ method: 'GET', path: `/v1/admin/users/${SUPPLIER}` }]);
  });

  it('counts and logs a wrong token on the quarantine routes as on the rest of its API', async () => {
    const before = await metricTotal(router.url, 'dccrouter_admin_unauthorized_total');
    const path = '/v1/quarantine/q3-0123456789abcdef/release';
    const refused = await new Admin(router.url, 'another-guess').request('POST', path);
    expect(refused.status).toBe(401);
    expect(await metricTotal(router.url, 'dccrouter_admin_unauthorized_total')).toBe(before + 1);
    await expect.poll(() => lines("operators' API call refused: bearer token missing or wrong").filter((line) => line.path === path).length).toBe(1);
  });
});
