// The suite's settings: full-run defaults sized to finish in about 40 minutes on a 2-core
// machine, `--quick` ones that run each scenario for about a second (the smoke test), and flags
// to override any of them.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './processes.ts';

export const SCENARIOS = ['ack', 'ladder', 'batch', 'e2e', 'breach', 'cluster', 'alerts', 'schedules', 'xml', 'products'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface SuiteOptions {
  scenarios: ScenarioId[];
  /** The ack scenario's stage variants (ids); undefined: all of them. */
  stages: string[] | undefined;
  quick: boolean;
  out: string;
  seed: number;
  devices: number;
  users: number;
  badShare: number;
  /** Interleaved repeats of every closed-loop comparison; medians are reported. */
  repeats: number;
  connections: number;
  /** Bound on one closed-loop run. */
  closedSeconds: number;
  /** Units (two requests each) available to one closed-loop run. */
  closedUnits: number;
  warmupUnits: number;
  /** Multiples of the DCC average rate offered by the open-loop ladder. */
  ladder: number[];
  rungSeconds: number;
  ladderRepeats: number;
  /** Halving steps between a router's last sustained and first saturated rung. */
  ladderRefine: number;
  /** Bound on one rung's schedule (requests), so a fast machine's top rungs stay in memory and time. */
  rungMaxRequests: number;
  /** A rung whose p99 latency passes this is saturated. */
  p99BoundMs: number;
  maxOutstanding: number;
  batchSize: number;
  batchConnections: number;
  batchUnits: number;
  /** The window of the raw ECDSA capacity measurement (batch scenario), seconds. */
  verifySeconds: number;
  e2eUnits: number;
  e2eTimeoutSeconds: number;
  breachCount: number;
  /** converge: every deadline falls due at one instant; spread: at the rate they were accepted. */
  breachDeadlines: 'converge' | 'spread';
  breachBatch: number;
  /** Devices of the CPL model removed, and SMETS1 installations of one supplier (products scenario). */
  productDevices: number;
  /** DSP schedules stored (schedules scenario), over the inventory's electricity meters; 0: one per meter. */
  schedules: number;
  /** Seconds over which their first occurrences fall due. */
  scheduleSpreadSeconds: number;
}

const HELP = `npm run bench -- [options]     (bun bench/run.ts)

  --scenario <ids>       comma-separated, or repeated: ${SCENARIOS.join(', ')} (default: all)
  --quick                tiny scale, about a second per scenario (the smoke test uses it)
  --out <dir>            where latest.json, latest.md and the SVG charts go (default bench/results,
                         bench/results/<scenario> for a run of one scenario)
  --devices <n>          inventory size (default 100000; quick 2000)
  --users <n>            Users, each with its own key (default 200; quick 10)
  --bad-share <f>        share of bad requests (default 0.02)
  --repeats <n>          interleaved repeats of closed-loop comparisons (default 3; quick 1)
  --connections <n>      closed-loop connections (default 64)
  --seconds <s>          bound on one closed-loop run (default 5)
  --ladder <list>        multiples of the DCC average 1,150/s (default 1,2,5,10,20,50,100)
  --rung-seconds <s>     length of one open-loop rung (default 5)
  --ladder-repeats <n>   repeats of each rung (default 1)
  --ladder-refine <n>    halvings between a router's last sustained and first saturated rung (default 2; quick 0)
  --p99-bound-ms <ms>    a rung with p99 above this is saturated (default 500)
  --batch-size <n>       requests per batch (default 100)
  --verify-seconds <s>   window of the raw ECDSA verify capacity measurement (default 2; quick 0.5)
  --e2e-units <n>        request pairs per end-to-end run (default 3000)
  --breach-count <n>     open deadlines in the breach-lag scenario (default 1000000)
  --breach-deadlines <m> converge (all fall due at one instant, default) or spread (as accepted)
  --stages <ids>         the ack scenario's stage variants to run beside the router and its baselines,
                         comma-separated (default all; "none" for none): two-processes, no-signatures,
                         no-tad, no-trt, memory-store, external-networks, queued-egress, minimal
  --warmup <n>           requests each router answers before its timed run (default 20000: long enough for the JIT to settle; quick 100)
  --product-devices <n>  devices of the removed CPL model, and SMETS1 installations of one supplier (default 1000000; quick 2000)
  --schedules <n>        DSP schedules of the schedules scenario, spread over the electricity meters (default 0: one per meter);
                         the issue's case: --schedules 1000000 --schedule-spread 3600 (a million due in one hour)
  --schedule-spread <s>  seconds over which their first occurrences fall due (default 60; quick 5)
  --seed <n>             traffic and arrival seed (default 6)
`;

function breachDeadlines(text: string | undefined): 'converge' | 'spread' {
  if (text === undefined || text === 'converge') return 'converge';
  if (text === 'spread') return 'spread';
  throw new Error(`--breach-deadlines takes converge or spread, got "${text}"`);
}

export function parseOptions(argv: string[]): SuiteOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seed: { type: 'string' },
      devices: { type: 'string' },
      users: { type: 'string' },
      'bad-share': { type: 'string' },
      repeats: { type: 'string' },
      connections: { type: 'string' },
      seconds: { type: 'string' },
      ladder: { type: 'string' },
      'rung-seconds': { type: 'string' },
      'ladder-repeats': { type: 'string' },
      'ladder-refine': { type: 'string' },
      'p99-bound-ms': { type: 'string' },
      'batch-size': { type: 'string' },
      'verify-seconds': { type: 'string' },
      'e2e-units': { type: 'string' },
      'breach-count': { type: 'string' },
      'breach-deadlines': { type: 'string' },
      stages: { type: 'string' },
      warmup: { type: 'string' },
      'product-devices': { type: 'string' },
      schedules: { type: 'string' },
      'schedule-spread': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = values.quick!;
  const number = (name: keyof typeof values, full: number, tiny: number, min = 0): number => {
    const text = values[name] as string | undefined;
    if (text === undefined) return quick ? tiny : full;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number >= ${min}, got "${text}"`);
    return value;
  };
  const requested = (values.scenario ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const scenarios = requested.length === 0 || requested.includes('all') ? [...SCENARIOS] : requested;
  for (const id of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(id)) throw new Error(`unknown scenario "${id}"; known: ${SCENARIOS.join(', ')}`);
  }
  const ladder = values.ladder ? values.ladder.split(',').map(Number) : quick ? [1, 2] : [1, 2, 5, 10, 20, 50, 100];
  if (ladder.some((m) => !(m > 0))) throw new Error('--ladder takes positive multiples, e.g. 1,10,100');
  return {
    scenarios: scenarios as ScenarioId[],
    stages: values.stages === undefined ? undefined : values.stages.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none'),
    quick,
    // A run of one scenario reports beside the suite's report, not over it.
    out: values.out ?? join(ROOT, 'bench/results', ...(scenarios.length === 1 ? [scenarios[0]] : [])),
    seed: number('seed', 6, 6),
    devices: Math.round(number('devices', 100_000, 2_000, 1)),
    users: Math.round(number('users', 200, 10, 1)),
    badShare: number('bad-share', 0.02, 0.02),
    repeats: Math.round(number('repeats', 3, 1, 1)),
    connections: Math.round(number('connections', 64, 16, 1)),
    closedSeconds: number('seconds', 5, 1, 0.1),
    closedUnits: quick ? 600 : 15_000,
    warmupUnits: Math.max(1, Math.round(number('warmup', 20_000, 100, 2) / 2)),
    ladder: [...ladder].sort((a, b) => a - b),
    rungSeconds: number('rung-seconds', 5, 1, 0.1),
    ladderRepeats: Math.round(number('ladder-repeats', 1, 1, 1)),
    ladderRefine: Math.round(number('ladder-refine', 2, 0, 0)),
    rungMaxRequests: quick ? 5_000 : 300_000,
    p99BoundMs: number('p99-bound-ms', 500, 500, 1),
    maxOutstanding: 2_048,
    batchSize: Math.round(number('batch-size', 100, 20, 1)),
    batchConnections: quick ? 2 : 8,
    batchUnits: quick ? 200 : 15_000,
    verifySeconds: number('verify-seconds', 2, 0.5, 0.1),
    e2eUnits: Math.round(number('e2e-units', 3_000, 100, 1)),
    e2eTimeoutSeconds: quick ? 30 : 120,
    breachCount: Math.round(number('breach-count', 1_000_000, 2_000, 1)),
    breachDeadlines: breachDeadlines(values['breach-deadlines']),
    breachBatch: quick ? 100 : 1_000,
    productDevices: Math.round(number('product-devices', 1_000_000, 2_000, 1)),
    schedules: Math.round(number('schedules', 0, 0, 0)),
    scheduleSpreadSeconds: Math.round(number('schedule-spread', 60, 5, 1)),
  };
}

/**
 * A standalone bench's whole-number flag (`--rounds 5`), refused by name when it is not one or is
 * below `min`: Number('two') would run on as NaN and print NaN figures.
 */
export function wholeNumberFlag(name: string, text: string | undefined, min: number, what: string): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new Error(`--${name} is a whole number of ${what}, ${min} or more, not ${text}`);
  }
  return value;
}
