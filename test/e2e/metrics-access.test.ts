// /metrics names Users (webhook lag) and shows the load: with METRICS_TOKEN set, only a scraper
// holding it reads them; unset, it stays open (a port Users cannot reach).
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';

let running: InProcessRouter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('GET /metrics', () => {
  it('answers only the bearer of METRICS_TOKEN when it is set', async () => {
    running = await startInProcess({ METRICS_TOKEN: 'scrape-secret' });
    const scrape = (authorization?: string) => fetch(`${running!.url}/metrics`, { headers: authorization ? { authorization } : {} });
    for (const refused of [await scrape(), await scrape('Bearer wrong'), await scrape(`Bearer ${running.adminToken}`), await scrape('Basic scrape-secret'), await scrape('Bearerscrape-secret')]) {
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as any).error.reason).toBe('unauthorized');
    }
    // The scheme's name in any case (RFC 9110), as scrapers and proxies may write it.
    for (const authorization of ['Bearer scrape-secret', 'bearer scrape-secret', 'BEARER scrape-secret']) {
      const allowed = await scrape(authorization);
      expect(allowed.status, authorization).toBe(200);
      expect(await allowed.text()).toMatch(/^dccrouter_build_info\{/m);
    }
  });

  it('is open when METRICS_TOKEN is unset', async () => {
    running = await startInProcess({});
    const open = await fetch(`${running.url}/metrics`);
    expect(open.status).toBe(200);
    expect(await open.text()).toMatch(/^dccrouter_build_info\{/m);
  });
});
