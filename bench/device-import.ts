// Loads N devices (default 1,000,000) into Redis through the router's NDJSON import and reports
// the time and rate. Run: npm run bench:import [-- --devices 1000000] [--installations]
// --installations: the SMETS1 devices (a quarter) name SMETS1 Installations, two devices each, and
// arrive InstalledNotCommissioned (migration gating): the import then keeps the installations too.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startRedis, stopRedis } from '../test/support/redis-server.ts';
import { wholeNumberFlag } from './lib/options.ts';
import { ROOT, startBunService } from './lib/processes.ts';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '1000000' }, installations: { type: 'boolean', default: false }, out: { type: 'string', default: join(ROOT, 'bench/results') } } });
const count = wholeNumberFlag('devices', values.devices, 1, 'devices');
const withInstallations = values.installations!;

const COHORTS = ['aclara', 'honeywell-elster', 'itron', 'landis-gyr', 'secure', 'edmi'];
const REGIONS = ['North', 'Central', 'South', '4G North', '4G Central', '4G South'];
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
console.log(`generating ${count} NDJSON device lines…`);
const lines: string[] = new Array(count);
for (let i = 0; i < count; i++) {
  const smets1 = i % 4 === 0;
  lines[i] = JSON.stringify({
    deviceId: `00-DB-${hex((i >> 24) & 0xff)}-${hex((i >> 16) & 0xff)}-${hex((i >> 8) & 0xff)}-${hex(i & 0xff)}-00-01`,
    deviceType: 'ESME', status: smets1 && withInstallations ? 'InstalledNotCommissioned' : 'Commissioned', generation: smets1 ? 'SMETS1' : 'SMETS2+',
    ...(smets1 ? { smets1Cohort: COHORTS[(withInstallations ? i >> 3 : i) % 6] } : { cspRegion: REGIONS[i % 6] }),
    // Devices 8k and 8k + 4 (the SMETS1 ones among 8k to 8k + 7) share an installation and its cohort.
    ...(smets1 && withInstallations ? { installationId: `INST-${i >> 3}`, deviceModel: 'M', firmwareVersion: '1' } : {}),
    importSupplier: '90-B3-D5-1F-30-01-00-00', electricityDistributor: '90-B3-D5-1F-30-02-00-00',
  });
}
const body = Buffer.from(lines.join('\n') + '\n');

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'dccrouter-import-'));
const redis = await startRedis(port, dir);
const router = await startBunService('packages/router/src/main.ts', { REDIS_URL: `redis://127.0.0.1:${port}`, ROUTER_ADMIN_TOKEN: 'bench' });
try {
  console.log(`importing ${(body.length / 1e6).toFixed(0)} MB…`);
  const started = performance.now();
  const response = await fetch(`${router.url}/v1/admin/devices:import`, {
    method: 'POST', headers: { authorization: 'Bearer bench', 'content-type': 'application/x-ndjson' }, body,
  });
  const answer = (await response.json()) as { imported: number; rejected: unknown[] };
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 200 || answer.imported !== count) throw new Error(`import failed: ${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
  const result = {
    bench: withInstallations ? 'device-import-installations' : 'device-import', date: new Date().toISOString(), devices: count, megabytes: Math.round(body.length / 1e6),
    seconds: Number(seconds.toFixed(2)), devicesPerSecond: Math.round(count / seconds),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, bun: Bun.version },
    sharedWith: 'this Bun process (sending), the router and redis-server share the same cores',
  };
  console.log(result);
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(join(values.out!, withInstallations ? 'device-import-installations.json' : 'device-import.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  await router.stop();
  await stopRedis(redis);
  rmSync(dir, { recursive: true, force: true });
}
