// The report: latest.json for machines, latest.md for people (with the SVG charts beside it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goalCells, type Goal } from './goals.ts';
import type { MachineInfo } from './machine.ts';
import type { SuiteOptions } from './options.ts';
import { round } from './stats.ts';
import { formatDuration, formatRate, table, type ScenarioResult } from './suite.ts';
import { DCC_AVERAGE_PER_SECOND } from './traffic.ts';

export interface Report {
  bench: 'dcc-router-suite';
  date: string;
  command: string;
  quick: boolean;
  seconds: number;
  machine: MachineInfo & { loadAverageAtEnd: number[]; wholeRunCpuPercent: { suiteProcesses: number; redis: number; other: number; idle: number } };
  sharedCores: string;
  traffic: Record<string, unknown>;
  options: SuiteOptions;
  headline: Record<string, unknown>;
  scenarios: Record<string, Omit<ScenarioResult, 'markdown'>>;
}

export const SHARED_CORES =
  'Everything ran on the same cores, unpinned: the load generator (autocannon and the open-loop generator, in the suite\'s Bun process), ' +
  'the router (a Bun process whose signature worker thread is a second thread), redis-server, and, on this machine while the suite ran, ' +
  'other people\'s work (tests and builds); the "other" column of the CPU split measures how much of it there was.';

const get = (value: unknown, ...path: string[]): any => path.reduce((v: any, key) => (v == null ? undefined : v[key]), value);

/** The figures a reader wants first, from whichever scenarios ran. */
export function headlineOf(results: ScenarioResult[]): Record<string, unknown> {
  const by = (id: string) => results.find((r) => r.id === id && r.status === 'ok')?.data;
  const ack = by('ack');
  const ladder = by('ladder');
  const batch = by('batch');
  const e2e = by('e2e');
  const breach = by('breach');
  const headline: Record<string, unknown> = { dccAveragePerSecond: DCC_AVERAGE_PER_SECOND };
  if (ack) Object.assign(headline, { echoPerSecond: ack.echoPerSecond, echoVerifyPerSecond: ack.echoVerifyPerSecond, routerAckPerSecond: ack.routerPerSecond, routerRatioToEcho: ack.routerRatioToEcho, routerRatioToEchoVerify: ack.routerRatioToEchoVerify });
  if (ladder) Object.assign(headline, { ackSustainedPerSecond: ladder.routerSustainedPerSecond, ackSustainedMultipleOfDcc: ladder.routerSustainedMultiple, echoVerifySustainedPerSecond: ladder.echoVerifySustainedPerSecond });
  if (batch) Object.assign(headline, { batchSize: batch.batchSize, batchClosedLoopPerSecond: get(batch, 'closedLoop', 'batchPerSecond'), batchSustainedPerSecond: batch.sustainedPerSecond, verifyCapacityPerSecond: get(batch, 'verifyCapacity', 'perSecond') });
  if (e2e) Object.assign(headline, { e2ePullPerSecond: e2e.pullPerSecond, e2eWebhookPerSecond: e2e.webhookPerSecond, ackOnlyPerSecond: e2e.ackOnlyPerSecond });
  if (breach) Object.assign(headline, { breachDeadlines: breach.deadlines, breachOpenDeadlines: breach.openDeadlinesAfterLoading, breachLagP50Seconds: get(breach, 'lag', 'p50Seconds'), breachLagP99Seconds: get(breach, 'lag', 'p99Seconds'), breachObservedLag: breach.observedLag, breachAllMarkedAfterLastDeadlineSeconds: breach.secondsFromLastDeadlineToAllMarked, breachAlertLagP99Seconds: get(breach, 'alertLag', 'p99Seconds'), breachAllAlertedAfterLastDeadlineSeconds: breach.secondsFromLastDeadlineToAllAlerted });
  // The issue #9 targets, each judged by the scenario that measured it.
  const goals = [ack, ladder, batch, e2e, breach].flatMap((data) => (data?.goals as Goal[] | undefined) ?? []);
  if (goals.length > 0) headline.goals = goals;
  return headline;
}

function headlineRows(h: Record<string, any>): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const g of (h.goals ?? []) as Goal[]) rows.push([g.figure, ...goalCells(g)]);
  if (h.routerAckPerSecond !== undefined) {
    rows.push(['acknowledgements/s, closed loop (router, full)', `${formatRate(h.routerAckPerSecond)}/s = **${h.routerRatioToEcho}× the bare Hono echo** (${formatRate(h.echoPerSecond)}/s); echo+verify ${formatRate(h.echoVerifyPerSecond)}/s`]);
  }
  if (h.ackSustainedPerSecond !== undefined) {
    rows.push(['acknowledgement path saturation (open loop)', `sustains ${formatRate(h.ackSustainedPerSecond)}/s = ${h.ackSustainedMultipleOfDcc}× the DCC average of ${formatRate(DCC_AVERAGE_PER_SECOND)}/s`]);
  }
  if (h.batchClosedLoopPerSecond !== undefined) {
    rows.push([`batch path saturation (batches of ${h.batchSize})`, `${formatRate(h.batchClosedLoopPerSecond)}/s closed loop; sustains ${formatRate(h.batchSustainedPerSecond)}/s open loop`]);
  }
  if (h.e2ePullPerSecond !== undefined) {
    rows.push(['end to end (submission to response readable)', `${formatRate(h.e2ePullPerSecond)}/s by pull, ${formatRate(h.e2eWebhookPerSecond)}/s by webhook; acknowledgement alone ${formatRate(h.ackOnlyPerSecond)}/s`]);
  }
  if (h.breachOpenDeadlines !== undefined) {
    const lag = (seconds: number | null) => (seconds === null ? 'past the histogram\'s last bucket' : formatDuration(seconds));
    const observed = h.breachObservedLag ? ` (breach counter: p50 ${lag(h.breachObservedLag.p50Seconds)}, p99 ${lag(h.breachObservedLag.p99Seconds)})` : '';
    rows.push(['TRT breach-detection lag', `router histogram p50 ${lag(h.breachLagP50Seconds)}, p99 ${lag(h.breachLagP99Seconds)}${observed}, with ${formatRate(h.breachOpenDeadlines)} deadlines open (${h.breachDeadlines === 'converge' ? 'all falling due at one instant' : 'falling due as accepted'}); all marked ${h.breachAllMarkedAfterLastDeadlineSeconds ?? '–'} s after the last deadline`]);
    rows.push(['TRT alerts queued for those breaches', `router histogram p99 ${lag(h.breachAlertLagP99Seconds ?? null)}; all queued ${h.breachAllAlertedAfterLastDeadlineSeconds ?? '–'} s after the last deadline`]);
  }
  return rows;
}

export function writeReport(outDir: string, report: Report, results: ScenarioResult[]): { json: string; markdown: string } {
  const json = join(outDir, 'latest.json');
  const markdownFile = join(outDir, 'latest.md');
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const m = report.machine;
  const cpuOfFull = get(results.find((r) => r.id === 'ack')?.data, 'variants')?.find((v: any) => v.id === 'router')?.cpuShare;
  const whole = m.wholeRunCpuPercent;
  const lines = [
    `# DCC router benchmarks${report.quick ? ' (quick smoke run: tiny scale, figures meaningless)' : ''}`,
    '',
    `${report.date.slice(0, 16).replace('T', ' ')} UTC, \`${report.command}\`, ${round(report.seconds / 60, 2)} minutes.`,
    '',
    `**Machine:** ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, ${m.os}; Bun ${m.bun}; redis-server ${m.redis}. Load average ${m.loadAverageAtStart.join(' / ')} at the start, ${m.loadAverageAtEnd.join(' / ')} at the end.`,
    '',
    `**What shared the cores:** ${report.sharedCores} Over the whole run: the suite's own processes (load generator, routers, echoes) ${whole.suiteProcesses}%, redis-server ${whole.redis}%, other work ${whole.other}%, idle ${whole.idle}% of all cores' time.${cpuOfFull ? ` During the full router's closed-loop runs (median): load generator ${cpuOfFull.loadGenerator}%, router ${cpuOfFull.target}%, redis-server ${cpuOfFull.redis}%, other work ${cpuOfFull.other}%, idle ${cpuOfFull.idle}% of all cores' time.` : ''}`,
    '',
    `**Traffic:** ${formatRate(Number(report.traffic.devices))} devices imported through the NDJSON endpoint into every router (about a quarter SMETS1 over the six S1SP cohorts, the rest over the six CSP regions; 55% electricity, 45% gas meters), ${report.traffic.users} Users each with its own P-256 key and supplier of its slice of devices; the mix: ${report.traffic.mixDescription} Every request is signed before any timing starts; each router run starts on an empty store, so every request is new to it.`,
    '',
    '## Headline',
    '',
    ...table(['figure', 'value', 'target', 'met?'], headlineRows(report.headline as Record<string, any>).map((row) => (row.length === 2 ? [...row, '', ''] : row))),
    '',
    'The rows with a target are those of issue #9 ("Hot path redesign"), stated against baselines measured in the same run: echo+verify (a bare Hono echo on Bun that also checks each X-DCC-Signature inline, see the acknowledgement section) and the raw ECDSA P-256 verification capacity of all cores (see the batch section).',
    '',
    'Figures are medians of interleaved repeats where the scenario repeats. On a shared 2-core machine, with the load generator on the same cores, they are a floor for what the router does on dedicated hardware, and the ratios (to echo+verify and the echo, between variants) carry more than the absolute rates.',
  ];
  for (const result of results) {
    lines.push('', `## ${result.title}`, '');
    if (result.status === 'failed') lines.push(`**This scenario failed:** \`${result.error}\``);
    else lines.push(...result.markdown);
    lines.push('', `<sub>scenario \`${result.id}\`, ${result.seconds} s</sub>`);
  }
  lines.push(
    '',
    '## How to read and rerun',
    '',
    '- `npm run bench` runs every scenario (about 40 minutes on 2 cores); `npm run bench -- --scenario ack,ladder` a subset; `npm run bench:<scenario>` one; `--quick` a tiny smoke run; `--help` the flags.',
    '- Closed loop (autocannon): a fixed number of connections, each sending as soon as it is answered; finds the most the target answers, understates latency under overload.',
    '- Open loop: Poisson arrivals at a fixed rate; latency from each request\'s scheduled send time (coordinated omission corrected). The generator\'s own lag is reported: when it grows, the generator (on the same cores) is the limit.',
    '- A rung is "sustained" when answered as expected ≥ 90% of offered, p99 within the bound, no answer not as expected (no 503 either) and at most 1% unfinished; the saturation point is the highest sustained rung.',
    '- `latest.json` holds every figure, each run\'s raw values and the options used.',
  );
  writeFileSync(markdownFile, lines.join('\n') + '\n');
  return { json, markdown: markdownFile };
}
