import { BUCKET_COUNT, bucketOf, statKey } from '@dccrouter/domain';
import type { NetworkResponse, ResponseOutcome } from '@dccrouter/state';
import { childrenOf, madeOnce, type LifecycleMetrics } from '../metrics/index.ts';
import { serviceStatsSet, type StatsAggregator } from '../stats/index.ts';

/**
 * What each recorded response adds to the live TRT metrics and to the month's service statistics
 * (the monthly report): its elapsed time, within TRT or breached. A breach the deadline scan
 * marked was counted then (breach-scan.ts); one the response reveals is counted now; one the scan
 * marked but the response takes back (it came in time, recorded after the scan) is taken off
 * again in the month the scan counted it in: its check time's.
 */
export function judgedResponseCounter(lifecycle: LifecycleMetrics, stats: StatsAggregator) {
  const trtElapsed = childrenOf(lifecycle.trtElapsed);
  const trtJudged = childrenOf(lifecycle.trtJudged);
  const retracted = childrenOf(lifecycle.breachesRetracted);
  const statsSet = serviceStatsSet();
  const retractedSet = serviceStatsSet();
  const statNames = madeOnce(statNamesOf);
  return (response: NetworkResponse, outcome: Extract<ResponseOutcome, { outcome: 'recorded' }>): void => {
    if (!outcome.trtClass || outcome.elapsedMs === undefined) return;
    trtElapsed(outcome.trtClass, response.destination).observe(outcome.elapsedMs / 1000);
    trtJudged(outcome.trtClass, response.destination, String(!outcome.breached)).inc();
    const set = statsSet(response.at);
    const names = statNames(outcome.trtClass, response.destination);
    stats.count(set, names.responded);
    stats.count(set, names.bucket(outcome.elapsedMs));
    // SMETS1's indicative end-to-end time includes the WAN time its TRT leaves out.
    if (names.smets1) stats.count(set, names.endToEndBucket(outcome.elapsedMs + (response.wanMs ?? 0)));
    if (!outcome.breached) stats.count(set, names.within);
    else if (!outcome.breachMarkedEarlier) stats.count(set, names.breached);
    if (outcome.breachRetracted !== undefined) {
      stats.count(retractedSet(outcome.breachRetracted), names.breached, -1);
      retracted(outcome.trtClass, response.destination).inc();
    }
  };
}

/** A TRT class's counter names at a destination, made once: a response only counts. */
function statNamesOf(trtClass: string, destination: string) {
  const key = (what: string) => statKey(trtClass, destination, what);
  const buckets = Array.from({ length: BUCKET_COUNT }, (_, i) => key(`b${i}`));
  const endToEnd = Array.from({ length: BUCKET_COUNT }, (_, i) => key(`e${i}`));
  return {
    responded: key('responded'),
    within: key('within'),
    breached: key('breached'),
    smets1: trtClass.startsWith('smets1.'),
    bucket: (ms: number) => buckets[bucketOf(ms)],
    endToEndBucket: (ms: number) => endToEnd[bucketOf(ms)],
  };
}
