import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUN = `${ROOT}node_modules/.bin/bun`;

/** Every process started here and still running, so an interrupted suite can stop them. */
const running = new Set<ChildProcess>();

/** Kills what is still running (used on SIGINT/SIGTERM): each by its own pid, nothing else. */
export function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * Runs `cleanup` however a standalone bench ends: done, failed (an uncaught error), or interrupted
 * (SIGINT, SIGTERM), on which 'exit' alone does not fire. Synchronous work only (kill by pid,
 * remove directories): nothing asynchronous runs once the process is exiting.
 */
export function cleanUpOnExit(cleanup: () => void): void {
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
}

/** Counts a child this suite started among those stopped on SIGINT/SIGTERM, until it exits. */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Runs a Bun script to its end and returns what it printed on stdout; rejects if it fails. */
export function runBunScript(script: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(BUN, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-5_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} exited with ${code ?? signal}:\n${stderr}`));
    });
  });
}

export interface Service {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (its logs at LOG_LEVEL=warn, so little). */
  output(): string;
  stop(): Promise<void>;
}

/** Runs a Bun script that prints `listening on http://…` and waits for that line. */
export async function startBunService(script: string, env: Record<string, string>): Promise<Service> {
  // Every service runs with the allocator setting `npm start` and the image use (MIMALLOC_PURGE_DELAY,
  // see the README's Performance), baselines included; set it in the environment to compare.
  // BENCH_BUN_FLAGS, e.g. "--cpu-prof-md --cpu-prof-dir=/tmp/prof", profiles every service the suite starts.
  const flags = (process.env.BENCH_BUN_FLAGS ?? '').split(' ').filter(Boolean);
  const child = track(spawn(BUN, [...flags, script], { cwd: ROOT, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', MIMALLOC_PURGE_DELAY: process.env.MIMALLOC_PURGE_DELAY ?? '-1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  // Keep reading for the whole life of the process: a full pipe would block its writes.
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 20_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // SIGTERM lets the router answer what is in flight; a stuck one is killed after 15 s.
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces); undefined when gone. */
function statFields(pid: number): string[] | undefined {
  return statFieldsAt(`/proc/${pid}/stat`);
}

/** The same for any stat file (a thread's: /proc/self/task/<tid>/stat). */
function statFieldsAt(path: string): string[] | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A process and all its live descendants: a router started with ROUTER_PROCESSES > 1 is several
 * processes, and its cost is all of theirs.
 */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!parent) continue;
    const list = children.get(parent);
    if (list) list.push(Number(entry));
    else children.set(parent, [Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** CPU seconds (user + system, all threads) a process and its descendants have used so far, from /proc; 0 where unknown. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  let seconds = 0;
  for (const member of processTree(pid)) seconds += cpuSecondsAt(`/proc/${member}/stat`);
  return seconds;
}

/**
 * CPU seconds so far of the processes' threads, summed by thread name: the main thread (named
 * after the runtime, "bun"), the signature workers ("Worker"), and the runtime's JIT and GC
 * helpers. Where a router's CPU goes by thread is what a profile of one thread cannot show.
 */
export function threadCpuSeconds(pids: readonly number[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // The process ended meanwhile.
    }
    for (const task of tasks) {
      let name: string;
      try {
        name = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      } catch {
        continue; // The thread ended meanwhile.
      }
      byName.set(name, (byName.get(name) ?? 0) + cpuSecondsAt(`/proc/${pid}/task/${task}/stat`));
    }
  }
  return byName;
}

/** CPU seconds (user + system) of one stat file: a process's all threads (/proc/self/stat) or one thread's; 0 when gone. */
export function cpuSecondsAt(statPath: string): number {
  const fields = statFieldsAt(statPath);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND : 0;
}

/** Resident memory of a process and its descendants in MB, from /proc; 0 where unknown. */
export function rssMbOf(pid: number | undefined): number {
  if (!pid) return 0;
  let kb = 0;
  for (const member of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      kb += match ? Number(match[1]) : 0;
    } catch {
      // Gone meanwhile.
    }
  }
  return Math.round(kb / 1024);
}

/** Busy and total CPU seconds of the whole machine so far (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
  } catch {
    return { busy: 0, total: 0 };
  }
}
