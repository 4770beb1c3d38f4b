// Simulator settings changed for several destinations at the same moment are each kept (they were
// one shared map, read then written whole: concurrent changes undid each other), on the embedded
// store and on a real redis-server, through the operators' API; with two routers, two changes to
// one destination at once are both kept, and each router runs what is stored even when it was put
// back before the router's next look.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin } from '../support/fixtures.ts';

describe.each(everyStore())('Simulator settings, on %s', (_name, storeEnv) => {
  let running: InProcessRouter;
  let admin: Admin;
  beforeAll(async () => {
    running = await startInProcess(storeEnv);
    admin = new Admin(running.url, running.adminToken);
  });
  afterAll(async () => { await running?.close(); });

  it('keeps each of several destinations\' settings changed at the same moment', async () => {
    const destinations = ['smets2/north', 'smets2/south', 'smets2/central', 'smets1/itron', 'smets1/edmi', 'smets1/aclara'];
    const path = (destination: string) => `/v1/admin/simulators/${encodeURIComponent(destination)}`;
    const setAll = async (failureRate: number) => {
      const answers = await Promise.all(destinations.map((destination) => admin.put(path(destination), { failureRate })));
      expect(answers.map((answer) => answer.status)).toEqual(destinations.map(() => 200));
      return Promise.all(destinations.map(async (destination) => (await admin.request('GET', path(destination))).body.failureRate));
    };
    expect(await setAll(0.25)).toEqual(destinations.map(() => 0.25));
    expect(await setAll(0)).toEqual(destinations.map(() => 0));
    // Each simulator of this process took its own.
    expect(destinations.map((destination) => running.router.simulators.get(destination)?.current().failureRate)).toEqual(destinations.map(() => 0));
  });
});

describe('Simulator settings, two routers on one Redis', () => {
  let first: InProcessRouter;
  let second: InProcessRouter;
  let admins: [Admin, Admin];
  beforeAll(async () => {
    const shared = { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `test:${randomUUID()}:` };
    [first, second] = [await startInProcess(shared), await startInProcess(shared)];
    admins = [new Admin(first.url, first.adminToken), new Admin(second.url, second.adminToken)];
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });
  const path = (destination: string) => `/v1/admin/simulators/${encodeURIComponent(destination)}`;

  it('keeps both of two changes to one destination made at the same moment through each router', async () => {
    const destinations = ['smets2/north', 'smets2/south', 'smets2/central', 'smets1/itron', 'smets1/edmi', 'smets1/aclara'];
    for (const [i, destination] of destinations.entries()) {
      const failureRate = (i + 1) / 100;
      const wanShare = (i + 1) / 50;
      const answers = await Promise.all([admins[0].put(path(destination), { failureRate }), admins[1].put(path(destination), { wanShare })]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect((await admins[0].request('GET', path(destination))).body).toMatchObject({ failureRate, wanShare });
    }
  });

  it('applies what is stored when another router puts it back before the next sync', async () => {
    const destination = 'smets2/4g-south';
    // Seen by the first router's own sync (the failure rate shows it), so what it last applied is this.
    await admins[1].put(path(destination), { stalled: false, failureRate: 0.05 });
    await expect.poll(() => first.router.simulators.get(destination)!.current().failureRate, { timeout: 5_000 }).toBe(0.05);
    // Stalled here, then put back through the other router before this one's next sync.
    await admins[0].put(path(destination), { stalled: true });
    await admins[1].put(path(destination), { stalled: false });
    expect((await admins[0].request('GET', path(destination))).body.stalled).toBe(false);
    await expect.poll(() => first.router.simulators.get(destination)!.current().stalled, { timeout: 5_000 }).toBe(false);
  });
});
