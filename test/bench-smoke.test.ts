// The benchmark suite must not rot: run every scenario at tiny scale (about a second each, via
// `bun bench/run.ts --quick`) and check that each one ran and wrote its part of the report. It
// checks that the suite works and that the router answered the traffic model as expected, never
// how fast anything was.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUN = join(ROOT, 'node_modules/.bin/bun');
const SCENARIOS = ['ack', 'ladder', 'batch', 'e2e', 'breach', 'xml'] as const;
/** Run apart, each judged only on having run and reported: a second suite run keeps each within its time limit. */
const OTHER_SCENARIOS = ['cluster', 'alerts', 'schedules', 'products'] as const;
/** The charts each scenario's section embeds (bench/scenarios/*.ts, writeChart and ladderCharts); xml draws none. */
const CHARTS: Record<(typeof SCENARIOS)[number], number> = { ack: 2, ladder: 2, batch: 2, e2e: 1, breach: 1, xml: 0 };

let out: string;
let exitCode: number | null;
let output = '';
let report: any;
let markdown = '';

/** Runs the repository's Bun on `args` (with `env` added), passing its output to `log`; answers its exit code. */
function runBun(args: string[], timeoutMs: number, log: (chunk: string) => void, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(BUN, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', log);
    child.stderr.on('data', log);
    // SIGTERM lets the suite stop the routers and redis-server it started.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const runSuite = (args: string[], timeoutMs: number, log: (chunk: string) => void = (chunk) => (output += chunk)) => runBun(['bench/run.ts', ...args], timeoutMs, log);

describe('benchmark suite, every scenario at tiny scale', () => {
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'dccrouter-bench-smoke-'));
    // About 100 s alone on 2 cores; the limit leaves room for a machine shared with the rest of the tests.
    exitCode = await runSuite(['--quick', '--scenario', SCENARIOS.join(','), '--out', out], 300_000);
    if (existsSync(join(out, 'latest.json'))) report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    if (existsSync(join(out, 'latest.md'))) markdown = readFileSync(join(out, 'latest.md'), 'utf8');
  }, 310_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('exits 0 and writes latest.json and latest.md with the machine and what shared its cores', () => {
    expect(exitCode, output.slice(-3000)).toBe(0);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.bun).toMatch(/\d+\.\d+/);
    expect(report.sharedCores).toMatch(/load generator/);
    expect(markdown).toMatch(/^# DCC router benchmarks/);
    expect(markdown).toContain('## Headline');
    expect(markdown).toContain('**What shared the cores:**');
    // One progress line per step, with elapsed seconds.
    expect(output).toMatch(/\[\s+\d+\.\d s\] ack {2}round 1\/1/);
  });

  it.each(SCENARIOS)('scenario %s ran and wrote its report section and charts', (id) => {
    const scenario = report?.scenarios?.[id];
    expect(scenario, `no ${id} in latest.json`).toBeDefined();
    expect(scenario.status, scenario.error).toBe('ok');
    expect(markdown).toContain(`## ${scenario.title}`);
    const section = markdown.split(`## ${scenario.title}`)[1].split('\n## ')[0];
    const charts = [...section.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map(([, file]) => file);
    expect(charts.length, `${id}: ${charts.join(', ')}`).toBe(CHARTS[id]);
    for (const file of charts) expect(readFileSync(join(out, file), 'utf8')).toMatch(/^<svg /);
  });

  it('ack: the echo, echo+verify, the full router and every stage variant answered, the router as the mix expects', () => {
    const variants = report.scenarios.ack.data.variants as any[];
    expect(variants.map((v) => v.id)).toEqual(['echo', 'echo-verify', 'router', 'two-processes', 'no-signatures', 'no-tad', 'no-trt', 'memory-store', 'external-networks', 'queued-egress', 'minimal']);
    for (const variant of variants) {
      expect(variant.medianPerSecond, variant.id).toBeGreaterThan(0);
      if (variant.id !== 'echo') expect(variant.unexpected, `${variant.id}: ${variant.unexpectedSamples.join('; ')}`).toBe(0);
    }
    // Bad requests were sent and refused with their reasons.
    const router = variants.find((v) => v.id === 'router');
    expect(router.statuses['401'] + router.statuses['403'] + router.statuses['404']).toBeGreaterThan(0);
    expect(report.headline.routerRatioToEcho).toBeGreaterThan(0);
    // echo+verify really verified: it refused the requests signed over other bytes, and only those.
    expect(variants.find((v) => v.id === 'echo-verify').statuses['401']).toBeGreaterThan(0);
    expect(report.headline.routerRatioToEchoVerify).toBeGreaterThan(0);
    // Every router variant on Redis reports what a request costs Redis, the round trips that reached
    // it among them (fewer than the commands Redis ran: a script's run inside it, and a turn's calls
    // share a write); calls by stage are a record or null (n/a).
    for (const variant of variants.filter((v) => v.kind === 'router')) {
      if (variant.id === 'memory-store' || variant.id === 'minimal') expect(variant.redis, variant.id).toBeNull();
      else {
        expect(variant.redis.commandsPerRequest, variant.id).toBeGreaterThan(0);
        expect(variant.redis.socketReadsPerRequest, variant.id).toBeGreaterThan(0);
        expect(variant.redis.socketReadsPerRequest, variant.id).toBeLessThan(variant.redis.commandsPerRequest);
      }
      expect(variant.roundTripsByStage === null || typeof variant.roundTripsByStage === 'object').toBe(true);
    }
    expect(markdown).toContain('round trips (Redis socket reads)');
    expect(markdown).toContain('calls by stage');
  });

  it('headline: every issue #9 goal with its target and a verdict', () => {
    const goals = report.headline.goals as any[];
    expect(goals.map((g) => g.id)).toEqual(['closedLoopRate', 'cpuPerRequest', 'openLoopSustained', 'p99AtHalfEchoVerify', 'batchToVerifyCapacity', 'signedOnceRate',
      'endToEndToAck', 'redisBytesPerOpenRequest', 'breachLagP99', 'redisBytesPerOpenRequest']);
    // Judged, not timed: a loaded machine may leave a figure unmeasured (null), never malformed.
    for (const g of goals) {
      expect(g.value === null || g.value >= 0, `${g.id}: ${g.value}`).toBe(true);
      expect([true, false, null]).toContain(g.met);
    }
    expect(goals.find((g) => g.id === 'closedLoopRate').value).toBeGreaterThan(0);
    expect(goals.find((g) => g.id === 'batchToVerifyCapacity').value).toBeGreaterThan(0);
    expect(goals.find((g) => g.id === 'signedOnceRate').value).toBeGreaterThan(0);
    expect(goals.find((g) => g.id === 'endToEndToAck').value).toBeGreaterThan(0);
    // Of reads at scale (the breach scenario) and of the mix (e2e: every network stalled).
    expect(markdown).toMatch(/\| Redis memory per open request \(deadlines scenario: 4\.1\.1 reads, the inventory in the count\) \| (\*\*[\d,]+ B\*\*|not measured)/);
    expect(markdown).toMatch(/\| Redis memory per open request of the mix \(every network stalled\) \| (\*\*[\d,]+ B\*\*|not measured)/);
    expect(markdown).toMatch(/\| figure \| value \| target \| met\? \|/);
  });

  it('ladder and batch: open-loop rungs for the echo and the router, and a batch saturation point', () => {
    const outcomes = report.scenarios.ladder.data.outcomes as any[];
    expect(outcomes.map((o) => o.variant)).toEqual(['echo', 'echo-verify', 'router']);
    // The router's extra rung at half of echo+verify's sustained rate, whenever echo+verify sustained one:
    // a loaded machine may saturate echo+verify at quick mode's first rung (1x), leaving no such rung.
    const ladder = report.scenarios.ladder.data;
    if (ladder.echoVerifySustainedPerSecond > 0) expect(ladder.routerAtHalfEchoVerify.latencyMs.p99).toBeGreaterThan(0);
    else expect(ladder.routerAtHalfEchoVerify).toBeNull();
    for (const outcome of outcomes) expect(outcome.rungs.length).toBeGreaterThan(0);
    const batch = report.scenarios.batch.data;
    expect(batch.closedLoop.batchPerSecond).toBeGreaterThan(0);
    expect(batch.closedLoop.unexpected, batch.closedLoop.unexpectedSamples.join('; ')).toBe(0);
    expect(batch.ladder.rungs.length).toBeGreaterThan(0);
    expect(batch.verifyCapacity.perSecond).toBeGreaterThan(0);
    // Signed once: in-process networks, networks elsewhere, and a router process per core.
    const once = batch.signedOnce;
    expect([once.unexpected, once.intoDurableEgress.unexpected, once.intoDurableEgress.perCore.unexpected]).toEqual([0, 0, 0]);
    expect(once.intoDurableEgress.perCore.perSecond).toBeGreaterThan(0);
    expect(markdown).toContain('a router process per core (ROUTER_PROCESSES=2');
    // The sample is the suite's own requests: all good signatures but the few bad-signature ones.
    expect(batch.verifyCapacity.runs[0].validShare).toBeGreaterThan(0.9);
  });

  it('e2e: every acknowledged request got its response, by pull and by webhook', () => {
    // The 'none' variants read no responses: their allComplete holds whatever happens.
    const delivering = (report.scenarios.e2e.data.variants as any[]).filter((v) => v.delivery !== 'none');
    expect(delivering.map((v) => v.id)).toEqual(['pull', 'webhook']);
    for (const variant of delivering) {
      expect(variant.acknowledged, variant.id).toBeGreaterThan(0);
      expect(variant.responses, variant.id).toBeGreaterThanOrEqual(variant.acknowledged);
      expect(variant.allComplete, variant.id).toBe(true);
    }
  });

  it('breach: every request breached and was marked, and the lag histogram was read', () => {
    const breach = report.scenarios.breach.data;
    expect(breach.accepted).toBeGreaterThan(0);
    expect(breach.allMarked).toBe(true);
    expect(breach.lag.count).toBeGreaterThanOrEqual(breach.accepted);
  });

  it('xml: DUIS XML and JSON both acknowledged every request, with a rate and CPU per request each', () => {
    const xml = report.scenarios.xml.data;
    for (const format of ['xml', 'json'] as const) {
      expect(xml[format].perSecond, format).toBeGreaterThan(0);
      expect(xml[format].routerCpuMicrosecondsPerRequest, format).toBeGreaterThan(0);
      expect(xml[format].unexpected, `${format}: ${xml[format].unexpectedSamples.join('; ')}`).toBe(0);
    }
    expect(xml.routerCpuRatio).toBeGreaterThan(0);
    expect(typeof xml.goalMet).toBe('boolean');
  });
});

describe('benchmark suite, the other scenarios at tiny scale', () => {
  let dir: string;
  let code: number | null;
  let log = '';
  let json: any;
  let text = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dccrouter-bench-smoke-'));
    code = await runSuite(['--quick', '--scenario', OTHER_SCENARIOS.join(','), '--out', dir], 240_000, (chunk) => (log += chunk));
    if (existsSync(join(dir, 'latest.json'))) json = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
    if (existsSync(join(dir, 'latest.md'))) text = readFileSync(join(dir, 'latest.md'), 'utf8');
  }, 250_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0', () => expect(code, log.slice(-3000)).toBe(0));

  it.each(OTHER_SCENARIOS)('scenario %s ran and wrote its report section', (id) => {
    const scenario = json?.scenarios?.[id];
    expect(scenario, `no ${id} in latest.json`).toBeDefined();
    expect(scenario.status, scenario.error).toBe('ok');
    expect(text).toContain(`## ${scenario.title}`);
  });
});

describe('scripts replay, on a capture of a tiny request path', () => {
  let dir: string;
  const captured = { code: null as number | null, output: '' };
  const replayed = { code: null as number | null, output: '' };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dccrouter-replay-smoke-'));
    const capture = join(dir, 'capture.jsonl');
    captured.code = await runBun(['--preload', './bench/lib/capture-redis.ts', 'bench/request-path.ts', '--rounds', '1', '--requests', '400', '--devices', '2000', '--users', '10', '--networks', 'in-process'],
      60_000, (chunk) => (captured.output += chunk), { REDIS_CAPTURE: capture });
    replayed.code = await runBun(['bench/scripts-replay.ts', '--capture', capture, '--base', 'HEAD', '--rounds', '1'], 60_000, (chunk) => (replayed.output += chunk));
  }, 130_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to run without a capture, on one that holds no acceptance, for a number of rounds that is none, or against a base that is no revision, saying which', async () => {
    let output = '';
    expect(await runBun(['bench/scripts-replay.ts'], 30_000, (chunk) => (output += chunk))).not.toBe(0);
    expect(output).toContain('--capture names a file written by bench/lib/capture-redis.ts');
    const empty = join(dir, 'no-acceptance.jsonl');
    writeFileSync(empty, `${JSON.stringify(['get', 'dcc:setting:x'])}\n`);
    output = '';
    expect(await runBun(['bench/scripts-replay.ts', '--capture', empty], 30_000, (chunk) => (output += chunk))).not.toBe(0);
    expect(output).toContain(`${empty} holds no acceptance`);
    output = '';
    expect(await runBun(['bench/scripts-replay.ts', '--capture', empty, '--rounds', 'two'], 30_000, (chunk) => (output += chunk))).not.toBe(0);
    expect(output).toContain('--rounds is a whole number of rounds, 1 or more, not two');
    output = '';
    expect(await runBun(['bench/scripts-replay.ts', '--capture', empty, '--base', 'no-such-revision'], 30_000, (chunk) => (output += chunk))).not.toBe(0);
    expect(output).toContain('--base no-such-revision is not a revision of this repository');
  });

  it('the standalone benches refuse a count that is not a whole number, naming the flag, before starting anything', async () => {
    for (const [args, message] of [
      [['bench/request-path.ts', '--requests', 'many'], '--requests is a whole number of requests a round, 2 or more, not many'],
      [['bench/networks-path.ts', '--rounds', '0'], '--rounds is a whole number of rounds, 1 or more, not 0'],
      [['bench/signed-calls.ts', '--rounds', '0'], '--rounds is a whole number of rounds counted (a warm-up round runs before them), 1 or more, not 0'],
    ] as const) {
      let output = '';
      expect(await runBun([...args], 30_000, (chunk) => (output += chunk)), args.join(' ')).not.toBe(0);
      expect(output).toContain(message);
    }
  });

  it('captures the router\'s commands, then replays them with both revisions\' scripts, every script call answered', () => {
    expect(captured.code, captured.output.slice(-3000)).toBe(0);
    // The request path's report: the round trips that reached Redis (its socket reads) beside the router's calls.
    const reads = /round trips \(Redis socket reads\) (\d+\.\d{3}), calls \d+\.\d{3} per request/.exec(captured.output);
    expect(reads, captured.output.slice(-3000)).not.toBeNull();
    expect(Number(reads![1])).toBeGreaterThan(0);
    expect(replayed.code, replayed.output.slice(-3000)).toBe(0);
    expect(replayed.output).toMatch(/then \d+ replayed and measured \([1-9]\d* acceptance calls\)/);
    expect(replayed.output).toMatch(/^median of 1: redis-server CPU base \d+ ms, this \d+ ms/m);
    expect(replayed.output).toMatch(/^ {2}acceptBatch: \d+ \/ \d+/m);
    expect(replayed.output).toMatch(/^ {2}respondBatch: \d+ \/ \d+/m);
  });
});
