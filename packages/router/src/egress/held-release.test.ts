import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore, StateUnavailableError, type Acceptance, type EgressItem, type HeldRelease, type ReleaseHandOver } from '@dccrouter/state';
import type { DirectEgress } from './index.ts';
import { HELD_RELEASE_BATCH, HeldReleaser } from './held-release.ts';

const DESTINATION = 'smets2/south';

/** An egress that takes every hand-over for its destination and remembers it. */
class RecordingEgress implements DirectEgress {
  readonly handedOver: string[] = [];
  running = true;
  takesNow(destination: string): boolean {
    return this.running && destination === DESTINATION;
  }
  handOver(item: EgressItem): void {
    this.handedOver.push(item.record.requestId);
  }
  releaseHandOver(): ReleaseHandOver | undefined {
    return this.running ? { destinations: [DESTINATION], max: 100_000 } : undefined;
  }
}

/** A store whose release is carried out but whose answer is lost, as when Redis's reply times out. */
class LosingStore extends MemoryStore {
  override async releaseHeld(now: number, max: number, handOver?: ReleaseHandOver): Promise<HeldRelease> {
    await super.releaseHeld(now, max, handOver);
    throw new StateUnavailableError('release held: no answer in time', { unconfirmed: true });
  }
}

async function hold(store: MemoryStore, count: number, releaseAt: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `90-B3-D5-1F-30-00-00-01:00-DB-12-34-56-78-90-A0:${randomUUID()}`);
  for (const requestId of ids) {
    const acceptance: Acceptance = {
      leg: 'single',
      legRecord: { bodyHash: requestId, srv: '4.1.1', answer: { status: 202, body: '{}' } },
      record: {
        requestId, originatorId: '90-B3-D5-1F-30-00-00-01', targetId: '00-DB-12-34-56-78-90-A0', srv: '4.1.1', commandVariant: 1,
        state: 'accepted', destination: DESTINATION, acceptedAt: Date.now(), bodyElement: 'ReadInstantaneousImportRegisters', bodyValue: {},
      },
      egress: { releaseAt },
    };
    await store.recordAcceptance(requestId, acceptance);
  }
  return ids;
}

const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()) + 5));

describe('HeldReleaser', () => {
  it('hands every due request to its own network, over as many calls as it takes, and nothing before its time', async () => {
    const store = new MemoryStore();
    const egress = new RecordingEgress();
    // A clock of the test's own: holding 1,007 requests can take longer than any real wait on a slow machine.
    let now = Date.now();
    const releaseAt = now + 60_000;
    const ids = await hold(store, HELD_RELEASE_BATCH * 2 + 7, releaseAt);
    const releaser = new HeldReleaser(store, egress, undefined, () => now);
    now = releaseAt - 1;
    await releaser.releaseDue();
    expect(egress.handedOver).toEqual([]);
    now = releaseAt;
    await releaser.releaseDue();
    expect(egress.handedOver.sort()).toEqual([...ids].sort());
    expect(await store.claimEgress([DESTINATION], 'router-b', 10)).toEqual([]);
  });

  it('sends what a release whose answer was lost leased to it, found again by the release time', async () => {
    const store = new LosingStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 20;
    const ids = await hold(store, 3, releaseAt);
    await until(releaseAt);
    await expect(new HeldReleaser(store, egress, [10, 20, 30]).releaseDue()).rejects.toThrow(StateUnavailableError);
    expect(egress.handedOver).toEqual([]);
    await expect.poll(() => egress.handedOver.length).toBe(3);
    // Each once, though found again by the later lookups.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(egress.handedOver.sort()).toEqual([...ids].sort());
  });

  it('leaves such leases to their redelivery once its egress has stopped', async () => {
    const store = new LosingStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 20;
    await hold(store, 2, releaseAt);
    await until(releaseAt);
    const releasing = new HeldReleaser(store, egress, [30]).releaseDue();
    await expect(releasing).rejects.toThrow(StateUnavailableError);
    egress.running = false;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(egress.handedOver).toEqual([]);
  });
});
