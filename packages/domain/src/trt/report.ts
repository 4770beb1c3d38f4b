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
  /** SMETS1: end to end, WAN time included (what the indicative figures exist to show). */
  endToEnd?: { p50Ms?: number; p95Ms?: number; p99Ms?: number };
}

export interface MonthlyReport {
  month: string;
  /** SMETS2+: the Monthly Service Metrics. */
  serviceMetrics: ClassFigures[];
  /** SMETS1: indicative figures, reported separately: judged excluding WAN time, end-to-end times including it. */
  smets1Indicative: ClassFigures[];
}

/**
 * Builds the month's report from its counters (see statKey): responded, within, breached, b<i>
 * (TRT-measured time) and, for SMETS1, e<i> (end to end, WAN time included).
 */
export function buildMonthlyReport(month: string, counters: Record<string, number>): MonthlyReport {
  const groups = new Map<string, { responded: number; within: number; breached: number; buckets: number[]; endToEnd: number[] }>();
  for (const [key, value] of Object.entries(counters)) {
    const [trtClass, destination, what] = key.split('|');
    if (!trtClass || !destination || !what) continue;
    const id = `${trtClass}|${destination}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { responded: 0, within: 0, breached: 0, buckets: new Array(BUCKET_COUNT).fill(0), endToEnd: new Array(BUCKET_COUNT).fill(0) }));
    if (what === 'responded') group.responded += value;
    else if (what === 'within') group.within += value;
    else if (what === 'breached') group.breached += value;
    else if (what.startsWith('b')) group.buckets[Number(what.slice(1))] += value;
    else if (what.startsWith('e')) group.endToEnd[Number(what.slice(1))] += value;
  }
  const figures = [...groups].map(([id, g]): ClassFigures => {
    const [trtClass, destination] = id.split('|');
    const judged = g.within + g.breached;
    const figures: ClassFigures = {
      trtClass, destination, responded: g.responded, withinTrt: g.within, breached: g.breached,
      inTrtShare: judged === 0 ? undefined : Number((g.within / judged).toFixed(6)),
      p50Ms: quantileMs(g.buckets, 0.5), p95Ms: quantileMs(g.buckets, 0.95), p99Ms: quantileMs(g.buckets, 0.99),
    };
    if (trtClass.startsWith('smets1.')) {
      figures.endToEnd = { p50Ms: quantileMs(g.endToEnd, 0.5), p95Ms: quantileMs(g.endToEnd, 0.95), p99Ms: quantileMs(g.endToEnd, 0.99) };
    }
    return figures;
  }).sort((a, b) => `${a.trtClass}${a.destination}`.localeCompare(`${b.trtClass}${b.destination}`));
  return {
    month,
    serviceMetrics: figures.filter((f) => f.trtClass.startsWith('smets2.')),
    smets1Indicative: figures.filter((f) => f.trtClass.startsWith('smets1.')),
  };
}

function table(rows: ClassFigures[], endToEnd = false): string[] {
  if (rows.length === 0) return ['No traffic.'];
  const pct = (share: number | undefined) => (share === undefined ? '–' : `${(share * 100).toFixed(2)}%`);
  const ms = (value: number | undefined) => (value === undefined ? '–' : String(value));
  const extra = (r: ClassFigures) => (endToEnd ? ` ${ms(r.endToEnd?.p50Ms)} | ${ms(r.endToEnd?.p95Ms)} | ${ms(r.endToEnd?.p99Ms)} |` : '');
  return [
    `| class | destination | responded | within TRT | breached | in-TRT share | p50 ms | p95 ms | p99 ms |${endToEnd ? ' end to end p50 ms | p95 ms | p99 ms |' : ''}`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|${endToEnd ? '---:|---:|---:|' : ''}`,
    ...rows.map((r) => `| ${r.trtClass} | ${r.destination} | ${r.responded} | ${r.withinTrt} | ${r.breached} | ${pct(r.inTrtShare)} | ${ms(r.p50Ms)} | ${ms(r.p95Ms)} | ${ms(r.p99Ms)} |${extra(r)}`),
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
    '## SMETS1: indicative figures (not part of the Monthly Service Metrics)',
    '',
    'Judged against the TRT excluding SMETS1 WAN time (within, breached, p50 to p99); end to end including WAN time (the last three columns).',
    '',
    ...table(report.smets1Indicative, true),
    '',
    'Percentiles are bucket upper bounds: at most 25% above the true value, so one may read above the TRT budget while the requests it stands for were within it (the within and breached counts are exact). Breached counts the requests answered late and those never answered.',
    '',
  ].join('\n');
}
