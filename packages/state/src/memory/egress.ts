import type { EgressItem, HeldClaims, HeldRelease, HeldVerdict, ReleaseHandOver } from '../store/index.ts';
import { copy, reroute, type EgressEntry, type MemoryState } from './state.ts';

/** Each destination's queue: claimed, reclaimed when idle, renewed; and the requests held for their ExecutionDateTime. */
export class MemoryEgress {
  constructor(private readonly state: MemoryState) {}

  async claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs = 0): Promise<EgressItem[]> {
    const until = Date.now() + blockMs;
    for (;;) {
      const items = destinations.flatMap((destination) => this.take(destination, consumer, max, (entry) => entry.claimedAt === undefined));
      const left = until - Date.now();
      if (items.length > 0 || left <= 0) return items;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 5)));
    }
  }

  async reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number): Promise<EgressItem[]> {
    const now = Date.now();
    return destinations.flatMap((destination) =>
      this.take(destination, consumer, max, (entry) => entry.claimedAt !== undefined && now - entry.claimedAt >= idleMs));
  }

  async renewEgress(items: readonly EgressItem[], consumer: string): Promise<void> {
    const now = Date.now();
    for (const item of items) {
      const egressEntry = this.state.request(item.record.requestId)?.egressEntry;
      const entry = egressEntry === undefined ? undefined : this.state.egress.get(item.destination)?.get(egressEntry);
      // A lease is anyone's to renew (as in Redis); a claimed entry only its consumer's.
      if (entry && entry.claimedAt !== undefined && (item.entryId === '' ? entry.leased : entry.claimedBy === consumer)) entry.claimedAt = now;
    }
  }

  private take(destination: string, consumer: string, max: number, eligible: (entry: EgressEntry) => boolean): EgressItem[] {
    const queue = this.state.egress.get(destination);
    if (!queue) return [];
    const now = Date.now();
    const items: EgressItem[] = [];
    for (const [entryId, entry] of queue) {
      if (items.length >= max) break;
      if (!eligible(entry)) continue;
      const request = this.state.request(entry.requestId);
      // Gone, or no longer waiting for its network (answered meanwhile): settled, nothing to send.
      if (!request || (request.record.state !== 'accepted' && request.record.state !== 'forwarded')) {
        queue.delete(entryId);
        continue;
      }
      entry.claimedBy = consumer;
      entry.claimedAt = now;
      // Taken is handed over: accepted -> forwarded (a redelivery stays forwarded since its first claim).
      if (request.record.state === 'accepted') {
        request.record.state = 'forwarded';
        request.record.forwardedAt = now;
      }
      items.push({ destination, entryId: entry.leased ? '' : entryId, record: copy(request.record) });
    }
    return items;
  }

  async claimHeld(now: number, max: number, claimUntil: number): Promise<HeldClaims> {
    const { state } = this;
    const requestIds: string[] = [];
    // The requests of claims that ran out first (those claims void), then the due held ones.
    // Each taken whole, and only where it fits, so that no claim holds more than max.
    let full = false;
    for (const [id, claim] of state.heldClaims) {
      if (claim.until > now) continue;
      if (requestIds.length > 0 && requestIds.length + claim.requestIds.length > max) {
        full = true;
        break;
      }
      state.heldClaims.delete(id);
      requestIds.push(...claim.requestIds);
    }
    while (!full && requestIds.length < max && (state.held.peekKey() ?? Infinity) <= now) requestIds.push(state.held.pop()!.value);
    const claims: HeldClaims = { claimed: [], more: full || requestIds.length >= max, claim: '', until: claimUntil };
    for (const requestId of requestIds) {
      const entry = state.request(requestId);
      if (entry && !entry.egressEntry && entry.record.state === 'accepted') claims.claimed.push(copy(entry.record));
    }
    if (claims.claimed.length > 0) {
      claims.claim = String(++state.heldClaimSeq);
      state.heldClaims.set(claims.claim, { until: claimUntil, requestIds: claims.claimed.map((record) => record.requestId) });
    }
    return claims;
  }

  async settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver): Promise<HeldRelease> {
    const { state } = this;
    const release: HeldRelease = { queued: 0, handedOver: [] };
    if (!state.heldClaims.delete(claims.claim)) return release;
    for (const requestId of later) state.held.push(claims.until, requestId);
    for (const { record: { requestId }, route } of verdicts) {
      const entry = state.request(requestId);
      if (!entry || entry.record.state !== 'accepted') continue;
      if (route) reroute(entry.record, route);
      const { destination } = entry.record;
      if (handOver && release.handedOver.length < handOver.max && handOver.destinations.includes(destination)) {
        Object.assign(entry.record, { state: 'forwarded', forwardedAt: now });
        entry.egressEntry = state.enqueueEgress(destination, requestId, now);
        release.handedOver.push({ destination, entryId: '', record: copy(entry.record) });
      } else {
        entry.egressEntry = state.enqueueEgress(destination, requestId);
        release.queued++;
      }
    }
    return release;
  }

  async heldLeasedAt(at: number, destinations: readonly string[]): Promise<EgressItem[]> {
    const items: EgressItem[] = [];
    for (const destination of destinations) {
      for (const entry of this.state.egress.get(destination)?.values() ?? []) {
        const request = entry.leased && entry.claimedAt === at ? this.state.request(entry.requestId) : undefined;
        if (request?.record.state === 'forwarded' && request.record.forwardedAt === at) items.push({ destination, entryId: '', record: copy(request.record) });
      }
    }
    return items;
  }

  async egressBacklog(destinations: readonly string[]): Promise<Record<string, number>> {
    return Object.fromEntries(destinations.map((destination) => [destination, this.state.egress.get(destination)?.size ?? 0]));
  }
}
