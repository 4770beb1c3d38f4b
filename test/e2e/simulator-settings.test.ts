// Simulator settings changed for several destinations at the same moment are each kept (they were
// one shared map, read then written whole: concurrent changes undid each other), on the embedded
// store and on a real redis-server, through the operators' API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
