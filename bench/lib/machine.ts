// What the figures were measured on, and where the CPU went during a run: the load generator
// (this process), the target (router or echo, with its signature worker thread), redis-server,
// and everything else on the machine. On a small shared machine the last one matters: the suite
// cannot stop other work from running, but it can measure how much ran.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { cpuSecondsOf, machineCpuSeconds, processTree, threadCpuSeconds } from './processes.ts';
import { round } from './stats.ts';

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGb: number;
  os: string;
  bun: string;
  redis: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  let redis = 'unknown';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    // Reported as unknown.
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    bun: typeof Bun !== 'undefined' ? Bun.version : 'not Bun',
    redis,
    loadAverageAtStart: loadavg().map((v) => round(v)),
  };
}

/** Shares of the machine's CPU time during one run, in percent of all cores' time. */
export interface CpuSplit {
  /** This process: the load generator (and, for end-to-end runs, the puller or webhook receiver). */
  loadGenerator: number;
  /** The router or echo process, all its threads (the signature worker included). */
  target: number;
  redis: number;
  /** Everything else that ran on the machine meanwhile (other users' work). */
  other: number;
  idle: number;
  /** CPU microseconds per answered request, by process. */
  microsecondsPerRequest?: { loadGenerator: number; target: number; redis: number };
  /** The target's CPU microseconds per answered request by thread name (threadCpuSeconds), largest first. */
  targetThreadsMicrosecondsPerRequest?: Record<string, number>;
}

export class CpuMeter {
  private readonly startMachine = machineCpuSeconds();
  private readonly startSelf = process.cpuUsage();
  private readonly startTarget: number;
  private readonly startTargetThreads: Map<string, number>;
  private readonly startRedis: number;

  /** redisPids: one redis-server, or every node of a Redis Cluster. */
  constructor(private readonly targetPid: number | undefined, private readonly redisPids: number | number[] | undefined) {
    this.startTarget = cpuSecondsOf(targetPid);
    this.startTargetThreads = this.targetThreads();
    this.startRedis = this.redisSeconds();
  }

  private targetThreads(): Map<string, number> {
    return this.targetPid ? threadCpuSeconds(processTree(this.targetPid)) : new Map();
  }

  private redisSeconds(): number {
    return [this.redisPids].flat().reduce<number>((sum, pid) => sum + cpuSecondsOf(pid), 0);
  }

  finish(requests?: number): CpuSplit {
    const machine = machineCpuSeconds();
    const total = machine.total - this.startMachine.total;
    const busy = machine.busy - this.startMachine.busy;
    const self = process.cpuUsage(this.startSelf);
    const load = (self.user + self.system) / 1e6;
    const target = cpuSecondsOf(this.targetPid) - this.startTarget;
    const redis = this.redisSeconds() - this.startRedis;
    const percent = (v: number) => (total > 0 ? round((100 * v) / total) : 0);
    const split: CpuSplit = {
      loadGenerator: percent(load),
      target: percent(target),
      redis: percent(redis),
      other: percent(Math.max(0, busy - load - target - redis)),
      idle: percent(total - busy),
    };
    if (requests && requests > 0) {
      split.microsecondsPerRequest = { loadGenerator: round((load / requests) * 1e6), target: round((target / requests) * 1e6), redis: round((redis / requests) * 1e6) };
      const threads = [...this.targetThreads()].map(([name, seconds]) => [name, round(((seconds - (this.startTargetThreads.get(name) ?? 0)) / requests) * 1e6)] as const);
      split.targetThreadsMicrosecondsPerRequest = Object.fromEntries(threads.filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]));
    }
    return split;
  }
}

/**
 * CPU over the whole suite: this process and its finished children (the routers and echoes it
 * started and stopped), redis-server, and everything else on the machine, in percent of all
 * cores' time. The "other" share is the work that shared the machine with the suite.
 */
export class WholeRunMeter {
  private readonly startMachine = machineCpuSeconds();
  private readonly startSelf = selfAndChildrenCpuSeconds();
  private readonly startRedis: number;

  constructor(private readonly redisPid: number | undefined) {
    this.startRedis = cpuSecondsOf(redisPid);
  }

  finish(): { suiteProcesses: number; redis: number; other: number; idle: number } {
    const machine = machineCpuSeconds();
    const total = machine.total - this.startMachine.total;
    const busy = machine.busy - this.startMachine.busy;
    const suite = selfAndChildrenCpuSeconds() - this.startSelf;
    const redis = cpuSecondsOf(this.redisPid) - this.startRedis;
    const percent = (v: number) => (total > 0 ? round((100 * v) / total) : 0);
    return { suiteProcesses: percent(suite), redis: percent(redis), other: percent(Math.max(0, busy - suite - redis)), idle: percent(total - busy) };
  }
}

/** utime + stime + cutime + cstime of this process (children count once they have exited). */
function selfAndChildrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}
