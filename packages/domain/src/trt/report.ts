/**
 * Service-report arithmetic: TRT-measured times are counted in fixed log-spaced buckets (each
 * 25% wider than the last, from 10 ms), so reports from many router instances add up by plain
 * addition and a percentile is known to within one bucket (at most 25% above the true value).
 */
const FIRST_BUCKET_MS = 10;
const GROWTH = 1.25;
export const BUCKET_COUNT = 96;

/** The bucket index of a duration: bucket i holds values up to bucketUpperMs(i). */
export function bucketOf(ms: number): number {
  if (ms <= FIRST_BUCKET_MS) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.ceil(Math.log(ms / FIRST_BUCKET_MS) / Math.log(GROWTH)));
}

export function bucketUpperMs(index: number): number {
  return FIRST_BUCKET_MS * GROWTH ** index;
}

/** The q-quantile (0..1) of bucketed counts, as its bucket's upper bound; undefined without data. */
export function quantileMs(buckets: readonly number[], q: number): number | undefined {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return Math.round(bucketUpperMs(i));
  }
  return Math.round(bucketUpperMs(buckets.length - 1));
}

/** The calendar month (UTC) of an instant, as `YYYY-MM`. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** Counter names in a month's statistics: `<class>|<destination>|<what>`. */
export const statKey = (trtClass: string, destination: string, what: string) => `${trtClass}|${destination}|${what}`;

export interface ClassFigures {
  trtClass: string;
  destination: string;
  responded: number;
  withinTrt: number;
  /** Responded late, or breached at the deadline without a response. */
  breached: number;
  inTrtShare: number | undefined;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface MonthlyReport {
  month: string;
  /** SMETS2+: the Monthly Service Metrics. */
  serviceMetrics: ClassFigures[];
  /** SMETS1: indicative end-to-end times, reported separately (excluding SMETS1 WAN time). */
  smets1Indicative: ClassFigures[];
}

/** Builds the month's report from its counters (see statKey): responded, within, breached, b<i>. */
export function buildMonthlyReport(month: string, counters: Record<string, number>): MonthlyReport {
  const groups = new Map<string, { responded: number; within: number; breached: number; buckets: number[] }>();
  for (const [key, value] of Object.entries(counters)) {
    const [trtClass, destination, what] = key.split('|');
    if (!trtClass || !destination || !what) continue;
    const id = `${trtClass}|${destination}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { responded: 0, within: 0, breached: 0, buckets: new Array(BUCKET_COUNT).fill(0) }));
    if (what === 'responded') group.responded += value;
    else if (what === 'within') group.within += value;
    else if (what === 'breached') group.breached += value;
    else if (what.startsWith('b')) group.buckets[Number(what.slice(1))] += value;
  }
  const figures = [...groups].map(([id, g]): ClassFigures => {
    const [trtClass, destination] = id.split('|');
    const judged = g.within + g.breached;
    return {
      trtClass, destination, responded: g.responded, withinTrt: g.within, breached: g.breached,
      inTrtShare: judged === 0 ? undefined : Number((g.within / judged).toFixed(6)),
      p50Ms: quantileMs(g.buckets, 0.5), p95Ms: quantileMs(g.buckets, 0.95), p99Ms: quantileMs(g.buckets, 0.99),
    };
  }).sort((a, b) => `${a.trtClass}${a.destination}`.localeCompare(`${b.trtClass}${b.destination}`));
  return {
    month,
    serviceMetrics: figures.filter((f) => f.trtClass.startsWith('smets2.')),
    smets1Indicative: figures.filter((f) => f.trtClass.startsWith('smets1.')),
  };
}

function table(rows: ClassFigures[]): string[] {
  if (rows.length === 0) return ['No traffic.'];
  const pct = (share: number | undefined) => (share === undefined ? '–' : `${(share * 100).toFixed(2)}%`);
  const ms = (value: number | undefined) => (value === undefined ? '–' : String(value));
  return [
    '| class | destination | responded | within TRT | breached | in-TRT share | p50 ms | p95 ms | p99 ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.trtClass} | ${r.destination} | ${r.responded} | ${r.withinTrt} | ${r.breached} | ${pct(r.inTrtShare)} | ${ms(r.p50Ms)} | ${ms(r.p95Ms)} | ${ms(r.p99Ms)} |`),
  ];
}

export function renderMonthlyReport(report: MonthlyReport): string {
  return [
    `# Monthly service report: ${report.month}`,
    '',
    '## Monthly Service Metrics (SMETS2+)',
    '',
    ...table(report.serviceMetrics),
    '',
    '## SMETS1: indicative end-to-end times (excluding SMETS1 WAN time; not part of the Monthly Service Metrics)',
    '',
    ...table(report.smets1Indicative),
    '',
    'Percentiles are bucket upper bounds: at most 25% above the true value.',
    '',
  ].join('\n');
}
