/** The steps of a request's way through the pipeline whose waits are timed (see StageClock). */
export const PIPELINE_STAGES = ['user', 'authenticate', 'lookups', 'decide', 'record'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/**
 * Wall time spent in each pipeline step, summed over requests: where a request waits (a worker's
 * verdict, a Redis round trip, a group commit) rather than where the CPU goes. A sum and a count
 * per step cost two additions a step; the metrics read them when scraped
 * (dccrouter_pipeline_stage_seconds_total / _requests_total), and their change over a run divided
 * is the mean wait per request.
 */
export class StageClock {
  private readonly seconds = new Float64Array(PIPELINE_STAGES.length);
  private readonly counts = new Float64Array(PIPELINE_STAGES.length);

  /** Adds the time since `since` (performance.now()) to the step; returns now, the next step's start. */
  lap(stage: PipelineStage, since: number): number {
    const now = performance.now();
    const index = PIPELINE_STAGES.indexOf(stage);
    this.seconds[index] += (now - since) / 1000;
    this.counts[index]++;
    return now;
  }

  /** Each step's total seconds and the requests that went through it. */
  totals(): { stage: PipelineStage; seconds: number; requests: number }[] {
    return PIPELINE_STAGES.map((stage, i) => ({ stage, seconds: this.seconds[i], requests: this.counts[i] }));
  }
}
