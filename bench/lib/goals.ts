// The targets of issue #9 ("Hot path redesign"), stated against baselines measured in the same
// run rather than as absolute rates: on a shared 2-core machine the rates move by a third between
// runs, while the ratios to echo+verify (the least a router that checks signatures must do) and to
// the machine's raw ECDSA capacity move far less. Each scenario judges its own goals; the report
// lists them in the Headline with the target beside each figure.

export interface Goal {
  id: string;
  /** What the Headline calls it. */
  figure: string;
  /** null when this run could not measure it, or its runs spoil it (met false): the reason is in `detail`. */
  value: number | null;
  unit: '×' | 'ms' | '/s' | 'B';
  comparison: '>=' | '<=';
  target: number;
  /** null when not measured, or when the figure cannot tell (see `goal`). */
  met: boolean | null;
  /** The figures behind the value. */
  detail: string;
}

export const TARGETS = {
  /** Router closed-loop acknowledgements/s ÷ echo+verify's. */
  closedLoopRate: { comparison: '>=', target: 0.8, unit: '×' },
  /** Router + redis-server CPU µs per answered request (any status) ÷ echo+verify's CPU µs per answered request. */
  cpuPerRequest: { comparison: '<=', target: 2, unit: '×' },
  /** Router open-loop sustained rate ÷ echo+verify's. */
  openLoopSustained: { comparison: '>=', target: 0.8, unit: '×' },
  /** Router p99 at half of echo+verify's sustained rate. */
  p99AtHalfEchoVerify: { comparison: '<=', target: 50, unit: 'ms' },
  /** Batch path requests/s ÷ raw P-256 verifications/s on all cores. */
  batchToVerifyCapacity: { comparison: '>=', target: 0.8, unit: '×' },
  /** Batches authenticated once (X-DCC-Batch-Signature): requests/s into durable egress. */
  signedOnceRate: { comparison: '>=', target: 100_000, unit: '/s' },
  /** Requests/s to the response readable by pull ÷ acknowledgements/s alone. */
  endToEndToAck: { comparison: '>=', target: 0.9, unit: '×' },
  /** 1M deadlines falling due at one instant: p99 of deadline to breach marked. */
  breachLagP99: { comparison: '<=', target: 1000, unit: 'ms' },
  /** Redis used memory per open request (1 KB, taken as 1,000 B): with 1M deadlines open (breach), and of the mix (e2e). */
  redisBytesPerOpenRequest: { comparison: '<=', target: 1000, unit: 'B' },
} as const satisfies Record<string, Pick<Goal, 'comparison' | 'target' | 'unit'>>;

/**
 * Judges a figure against its target. `boundOnly` says the figure is only a bound that leans the
 * favourable way (e.g. the baseline never saturated, so a ratio to it is a ceiling): a miss still
 * counts as not met, but a pass cannot be told, so met is null. `spoiledBy` says why the runs
 * behind the figure do not measure what the goal names (answers not as expected, responses that
 * never came): a rate counts every answer, so such a figure would flatter; the goal is then not
 * met, its value null and the reason first in its detail.
 */
export function goal(id: keyof typeof TARGETS, figure: string, value: number | null, detail: string, { boundOnly = false, spoiledBy }: { boundOnly?: boolean; spoiledBy?: string } = {}): Goal {
  const { comparison, target, unit } = TARGETS[id];
  const measured = value !== null && Number.isFinite(value);
  if (spoiledBy) {
    return { id, figure, value: null, unit, comparison, target, met: false, detail: `not counted: ${spoiledBy}${measured ? ` (the figure would be ${value})` : ''}; ${detail}` };
  }
  const passes = !measured ? null : comparison === '>=' ? value >= target : value <= target;
  const met = passes === true && boundOnly ? null : passes;
  return { id, figure, value: measured ? value : null, unit, comparison, target, met, detail };
}

/**
 * The reason a goal's runs spoil it, for `goal`'s spoiledBy: undefined when every run answered as
 * expected. `counts` maps each run set (a variant) to its answers not as expected, errors and
 * timeouts included.
 */
export function notAsExpected(counts: Record<string, number>): string | undefined {
  const bad = Object.entries(counts).filter(([, n]) => n > 0);
  return bad.length === 0 ? undefined : `answers not as expected (errors and timeouts included): ${bad.map(([who, n]) => `${who} ${n}`).join(', ')}`;
}

/** The Headline's cells for a goal: value (with its figures), target, and met / not met. */
export function goalCells(g: Goal): [string, string, string] {
  const suffix = (unit: Goal['unit']) => (unit === '×' ? '×' : unit === 'ms' ? ' ms' : unit === 'B' ? ' B' : '/s');
  const number = (n: number) => (g.unit === '/s' || g.unit === 'B' ? Math.round(n).toLocaleString('en-GB') : String(n));
  const value = g.value === null ? (g.met === false ? 'not counted' : 'not measured') : `**${number(g.value)}${suffix(g.unit)}**`;
  const target = `${g.comparison === '>=' ? '≥' : '≤'} ${number(g.target)}${suffix(g.unit)}`;
  const verdict = g.met === null ? (g.value === null ? 'n/a' : 'cannot tell') : g.met ? 'met' : '**not met**';
  return [`${value}${g.detail ? ` (${g.detail})` : ''}`, target, verdict];
}
