// The Lua scripts of two revisions, side by side on the same traffic: replays a capture of the
// commands a router sent (bench/lib/capture-redis.ts) against a fresh redis-server, once with
// another revision's scripts and once with this working tree's, alternately, and prints
// redis-server's CPU and its time in scripts (INFO commandstats) over the part of the capture from
// the first acceptance on (the provisioning before it is replayed, not counted). The traffic is
// the same command for command, so what differs is the scripts' own cost: steadier than a live
// run, where batch sizes and timing move with the machine. Both revisions must take the same
// arguments (a script whose arguments change needs a new capture). With --instructions,
// redis-server runs under valgrind's callgrind and the figure is the instructions it executed over
// the measured part: the same count run after run, whatever else the machine does, so a change
// of a few percent shows (one round takes minutes).
//   REDIS_CAPTURE=/tmp/path.jsonl bun --preload ./bench/lib/capture-redis.ts bench/request-path.ts --rounds 1 --networks in-process
//   bun bench/scripts-replay.ts --capture /tmp/path.jsonl --base HEAD [--rounds 5] [--instructions [--keep]]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { composeScripts, SCRIPTS } from '../packages/state/src/redis/scripts.ts';
import { freePort, startRedis, stopRedis } from '../test/support/redis-server.ts';
import { wholeNumberFlag } from './lib/options.ts';
import { cleanUpOnExit, cpuSecondsOf } from './lib/processes.ts';
import { median } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    capture: { type: 'string' },
    base: { type: 'string', default: 'HEAD' },
    rounds: { type: 'string', default: '5' },
    instructions: { type: 'boolean', default: false },
    // Leaves redis-server's directory (with --instructions, callgrind's dumps, numbered in the order the runs went) for callgrind_annotate.
    keep: { type: 'boolean', default: false },
  },
});
if (!values.capture) throw new Error('--capture names a file written by bench/lib/capture-redis.ts');
const rounds = wholeNumberFlag('rounds', values.rounds, 1, 'rounds');
try {
  execFileSync('git', ['rev-parse', '--verify', '--quiet', `${values.base}^{commit}`], { stdio: 'ignore' });
} catch {
  throw new Error(`--base ${values.base} is not a revision of this repository`);
}

type Arg = string | { b: string };
const decode = (arg: Arg) => (typeof arg === 'string' ? arg : Buffer.from(arg.b, 'base64'));
/** Commands that would change the connection or block it, and the server's own reports: not replayed. */
const SKIPPED = new Set(['client', 'quit', 'info', 'monitor', 'subscribe', 'psubscribe', 'config', 'slowlog', 'script']);

const commands = readFileSync(values.capture, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Arg[])
  .filter((entry) => !SKIPPED.has(String(entry[0]).toLowerCase()))
  .map(([name, ...args]) => {
    // A blocking read takes what is there at once.
    if (String(name).toLowerCase() === 'xreadgroup') {
      const block = args.findIndex((arg) => typeof arg === 'string' && arg.toUpperCase() === 'BLOCK');
      if (block >= 0) args.splice(block, 2);
    }
    return [String(name), ...args.map(decode)] as [string, ...(string | Buffer)[]];
  });
const firstAcceptance = commands.findIndex(([name, script]) => name === '@script' && script === 'acceptBatch');
if (firstAcceptance < 0) throw new Error(`${values.capture} holds no acceptance`);
const setup = commands.slice(0, firstAcceptance);
const measured = commands.slice(firstAcceptance);
const acceptanceCalls = measured.filter(([name, script]) => name === '@script' && script === 'acceptBatch').length;

/**
 * A script file as the base revision has it (verified above). A shared part scripts.ts prepends
 * that the base does not have yet reads as nothing there.
 */
const baseScript = (name: string) => {
  try {
    return execFileSync('git', ['show', `${values.base}:packages/state/src/redis/scripts/${name}.lua`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
};
const variants = {
  base: composeScripts(baseScript) as Record<string, string>,
  this: SCRIPTS as Record<string, string>,
};

/**
 * redis-server under callgrind, instrumentation off until the measured part; `--hz 1` keeps its
 * timers' work (which grows with the slowed-down wall time) out of the count as far as it can.
 */
function startUnderCallgrind(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
    'redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', 'no', '--hz', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server under valgrind did not start:\n${output}`));
    }, 60_000);
    child.once('error', (error) => reject(new Error(`cannot run valgrind (Debian package valgrind): ${error.message}`)));
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'scripts-replay-'));
let started: ChildProcess | undefined;
// However the replay ends (done, failed or interrupted), it leaves no redis-server behind, nor its
// directory unless --keep asks for it.
cleanUpOnExit(() => {
  if (started && started.exitCode === null && started.signalCode === null) started.kill('SIGKILL');
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
});
const port = await freePort();
const server = values.instructions ? await startUnderCallgrind(port, dir) : await startRedis(port, dir);
started = server;
const callgrind = (...args: string[]) => execFileSync('callgrind_control', [...args, String(server.pid)], { stdio: 'ignore' });
/** Instructions since the last dump: callgrind writes each dump to a file of its own, numbered. */
function dumpedInstructions(): number {
  callgrind('--dump');
  const dumps = readdirSync(dir).filter((name) => /^callgrind\.out\.\d+$/.test(name)).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
  const text = readFileSync(join(dir, dumps.at(-1)!), 'utf8');
  return Number(/^summary: (\d+)/m.exec(text)![1]);
}
const redis = new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false, maxRetriesPerRequest: null });

/** Sends the commands in order, pipelined a thousand at a time; answers the errors Redis gave to commands other than scripts (e.g. XINFO of a stream not made yet), as the router got them too. */
async function replay(list: typeof commands, shas: Map<string, string>): Promise<string[]> {
  const errors: string[] = [];
  for (let i = 0; i < list.length; i += 1000) {
    const pipeline = redis.pipeline();
    const chunk = list.slice(i, i + 1000);
    for (const [name, ...args] of chunk) {
      if (name === '@script') pipeline.call('evalsha', shas.get(String(args[0]))!, ...args.slice(1));
      else pipeline.call(name, ...args);
    }
    ((await pipeline.exec()) ?? []).forEach(([error], j) => {
      if (!error) return;
      // A script that fails on the traffic it was captured with does not take the same arguments (or has a bug): nothing to compare.
      if (chunk[j][0] === '@script') throw new Error(`script ${String(chunk[j][1])} failed on replayed traffic: ${error.message}`);
      errors.push(`${chunk[j][0]}: ${error.message}`);
    });
  }
  return errors;
}

async function scriptMicroseconds(): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(info)?.[1] ?? 0);
}

/** Where each script's time goes: its body timed with TIME inside it, added up by name in a hash the scripts never touch. */
const TIMES = '__replay:script-us';
const timed = (name: string, lua: string) => `local function replayed_body()\n${lua}\nend\n`
  + `local t0 = redis.call('TIME')\nlocal out = replayed_body()\nlocal t1 = redis.call('TIME')\n`
  + `redis.call('HINCRBY', '${TIMES}', '${name}', (t1[1] - t0[1]) * 1000000 + (t1[2] - t0[2]))\nreturn out\n`;

interface Run { cpuMs: number; scriptMs: number; byScriptMs: Map<string, number>; instructions?: number; errors: string[] }
async function run(scripts: Record<string, string>): Promise<Run> {
  await redis.flushall();
  await redis.script('FLUSH');
  const shas = new Map<string, string>();
  for (const [name, lua] of Object.entries(scripts)) shas.set(name, (await redis.script('LOAD', timed(name, lua))) as string);
  const setupErrors = await replay(setup, shas);
  await redis.config('RESETSTAT');
  await redis.del(TIMES);
  if (values.instructions) {
    callgrind('--zero');
    callgrind('--instr=on');
  }
  const cpuBefore = cpuSecondsOf(server.pid);
  const errors = await replay(measured, shas);
  const cpuMs = (cpuSecondsOf(server.pid) - cpuBefore) * 1000;
  let instructions: number | undefined;
  if (values.instructions) {
    instructions = dumpedInstructions();
    callgrind('--instr=off');
  }
  const byScriptMs = new Map(Object.entries(await redis.hgetall(TIMES)).map(([name, us]) => [name, Number(us) / 1000]));
  return { cpuMs, scriptMs: (await scriptMicroseconds()) / 1000, byScriptMs, instructions, errors: [...setupErrors, ...errors] };
}

console.log(`${values.capture}: ${setup.length} commands of provisioning, then ${measured.length} replayed and measured (${acceptanceCalls} acceptance calls); scripts of ${values.base} (base) against this working tree`);
const results: Record<'base' | 'this', Run[]> = { base: [], this: [] };
for (let round = 1; round <= rounds; round++) {
  // Alternate which goes first, so that a drift of the machine falls on both.
  const order = round % 2 === 1 ? (['base', 'this'] as const) : (['this', 'base'] as const);
  for (const label of order) results[label].push(await run(variants[label]));
  const [b, t] = [results.base.at(-1)!, results.this.at(-1)!];
  const instructions = (run: Run) => (run.instructions === undefined ? '' : `, ${(run.instructions / 1e6).toFixed(1)}M instructions`);
  console.log(`round ${round}: base ${b.cpuMs.toFixed(0)} ms CPU, ${b.scriptMs.toFixed(0)} ms in scripts${instructions(b)}; this ${t.cpuMs.toFixed(0)} ms CPU, ${t.scriptMs.toFixed(0)} ms in scripts${instructions(t)}`
    + (b.errors.length + t.errors.length > 0 ? `; commands refused: base ${b.errors.length}, this ${t.errors.length} (${[...b.errors, ...t.errors][0]})` : ''));
}
// The machine drifts between rounds more than the scripts differ: the ratio is taken within each round.
const ratio = (pick: (run: Run) => number) => median(results.this.map((run, i) => pick(run) / pick(results.base[i])));
const ms = (label: 'base' | 'this', pick: (run: Run) => number) => median(results[label].map(pick)).toFixed(0);
console.log(`median of ${rounds}: redis-server CPU base ${ms('base', (r) => r.cpuMs)} ms, this ${ms('this', (r) => r.cpuMs)} ms (ratio ${ratio((r) => r.cpuMs).toFixed(3)}); `
  + `in scripts base ${ms('base', (r) => r.scriptMs)} ms, this ${ms('this', (r) => r.scriptMs)} ms (ratio ${ratio((r) => r.scriptMs).toFixed(3)})`);
if (values.instructions) {
  console.log(`instructions, median of ${rounds}: base ${ms('base', (r) => r.instructions! / 1e6)}M, this ${ms('this', (r) => r.instructions! / 1e6)}M (ratio ${ratio((r) => r.instructions!).toFixed(4)}; per acceptance call base ${median(results.base.map((r) => r.instructions! / acceptanceCalls)).toFixed(0)}, this ${median(results.this.map((r) => r.instructions! / acceptanceCalls)).toFixed(0)})`);
}
const names = [...new Set(results.base.flatMap((run) => [...run.byScriptMs.keys()]))]
  .sort((a, b) => (results.base[0].byScriptMs.get(b) ?? 0) - (results.base[0].byScriptMs.get(a) ?? 0));
console.log('by script, inside its body (median ms, base / this, ratio):');
for (const name of names) {
  const pick = (run: Run) => run.byScriptMs.get(name) ?? 0;
  console.log(`  ${name}: ${ms('base', pick)} / ${ms('this', pick)} (${ratio(pick).toFixed(3)})`);
}
redis.disconnect();
await stopRedis(server);
if (values.keep) console.log(`kept ${dir}`);
