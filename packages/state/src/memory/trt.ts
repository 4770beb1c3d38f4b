import { trtAlert } from '../shared/index.ts';
import type { Breach, BreachClaims, MarkedBreaches } from '../store/index.ts';
import type { MemoryState } from './state.ts';

/** Target Response Time breaches: each deadline marked and alerted once it has passed. */
export class MemoryTrt {
  constructor(private readonly state: MemoryState) {}

  /** Nothing is marked in bulk here: a claim names each breach, in-process, as it marks it. */
  async markBreaches(_now: number, _lagBoundsMs?: readonly number[]): Promise<MarkedBreaches[]> {
    return [];
  }

  /** Marks and alerts each breach in the same step: every one named, none only `marked`. */
  async claimBreaches(now: number, max: number): Promise<BreachClaims> {
    const { state } = this;
    const breaches: Breach[] = [];
    while (breaches.length < max && (state.deadlines.peekKey() ?? Infinity) <= now) {
      const { key: checkAt, value: requestId } = state.deadlines.pop()!;
      const entry = state.request(requestId);
      const record = entry?.record;
      if (!entry || !record || entry.breachCheckAt !== checkAt || record.breached) continue;
      if (record.state !== 'accepted' && record.state !== 'forwarded') continue;
      const claimed = { requestId, originatorId: record.originatorId, destination: record.destination, trtClass: record.trt?.class ?? '', checkAt, lagMs: now - checkAt };
      if (entry.breachFinalAt !== undefined && !record.overdue) {
        // SMETS1 (contract v1.1): provisional until its response, or its final check time.
        record.overdue = true;
        state.indexDeadline(entry, requestId, entry.breachFinalAt);
        breaches.push({ ...claimed, overdue: true });
        continue;
      }
      record.breached = true;
      delete record.overdue;
      state.appendOutbox(record.originatorId, trtAlert(requestId, record.trt?.deadline ?? checkAt));
      breaches.push(claimed);
    }
    return { breaches, marked: [] };
  }
}
