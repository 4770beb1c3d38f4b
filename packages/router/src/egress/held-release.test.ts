import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compilePolicy, type Device, type User } from '@dccrouter/domain';
import { MemoryStore, StateUnavailableError, type Acceptance, type EgressItem, type HeldClaims, type HeldRelease, type HeldVerdict, type ReleaseHandOver } from '@dccrouter/state';
import type { JudgeAgainSources } from '../pipeline/judge-again.ts';
import type { DirectEgress } from './index.ts';
import { HELD_CLAIM_MS, HELD_RELEASE_BATCH, HeldReleaser } from './held-release.ts';

const DESTINATION = 'smets2/south';
const SUPPLIER = '90-B3-D5-1F-30-00-00-01';
const METER = '00-DB-12-34-56-78-90-A0';

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

/** A store whose settling is carried out but whose answer is lost, as when Redis's reply times out. */
class LosingStore extends MemoryStore {
  override async settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver): Promise<HeldRelease> {
    await super.settleHeld(claims, now, verdicts, later, handOver);
    throw new StateUnavailableError('settle held: no answer in time', { unconfirmed: true });
  }
}

/**
 * A store where one partition's settle fails after leasing its requests, as when Redis's reply to
 * that call is an error or lost: the last one leased is not in the answer, which names the failure.
 */
class PartlySettlingStore extends MemoryStore {
  override async settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver): Promise<HeldRelease> {
    const release = await super.settleHeld(claims, now, verdicts, later, handOver);
    return { ...release, handedOver: release.handedOver.slice(0, -1), failed: new StateUnavailableError('settle held failed: one partition') };
  }
}

/** The supplier and its meter in the south, in the store the request path reads (no CPL entries). */
async function sourcesOver(store: MemoryStore, device: Partial<Device> = {}, user: Partial<User> = {}): Promise<JudgeAgainSources> {
  await store.putUser({ userId: SUPPLIER, roles: ['IS'], status: 'active', publicKeyPem: '', ...user });
  await store.putDevice({ deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: SUPPLIER, ...device });
  return {
    directory: { user: (id) => store.getUser(id), device: (id) => store.getDevice(id) },
    policy: compilePolicy(),
    cpl: { index: () => new Map() },
  };
}

const respondTo = (store: MemoryStore) => async (response: Parameters<MemoryStore['recordResponse']>[0]) => {
  await store.recordResponse(response);
};

async function hold(store: MemoryStore, count: number, releaseAt: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `${SUPPLIER}:${METER}:${randomUUID()}`);
  for (const requestId of ids) {
    const acceptance: Acceptance = {
      leg: 'single',
      legRecord: { bodyHash: requestId, srv: '4.1.1', answer: { status: 202, body: '{}' } },
      record: {
        requestId, originatorId: SUPPLIER, targetId: METER, srv: '4.1.1', commandVariant: 1, state: 'accepted', destination: DESTINATION,
        generation: 'SMETS2+', acceptedAt: Date.now(), bodyElement: 'ReadInstantaneousImportRegisters', bodyValue: {},
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
    const releaser = new HeldReleaser(store, egress, await sourcesOver(store), respondTo(store), undefined, () => now);
    now = releaseAt - 1;
    await releaser.releaseDue();
    expect(egress.handedOver).toEqual([]);
    now = releaseAt;
    await releaser.releaseDue();
    expect(egress.handedOver.sort()).toEqual([...ids].sort());
    expect(await store.claimEgress([DESTINATION], 'router-b', 10)).toEqual([]);
  });

  it('answers a held request the request path would refuse now with its refusal, and sends it nowhere', async () => {
    const cases: [string, Partial<Device>, Partial<User>, string, string][] = [
      ['a supplier that has lost the meter', { importSupplier: '90-B3-D5-1F-30-00-00-09' }, {}, 'E4', 'not_authorised_for_device'],
      ['a device decommissioned', { status: 'Decommissioned' }, {}, 'E5', 'device_status_incompatible'],
      ['a User suspended', {}, { status: 'suspended' }, 'E3', 'user_not_active'],
    ];
    for (const [, device, user, code, reason] of cases) {
      const store = new MemoryStore();
      const egress = new RecordingEgress();
      const releaseAt = Date.now() + 60_000;
      const [requestId] = await hold(store, 1, releaseAt);
      // Changed while it was held.
      const sources = await sourcesOver(store, device, user);
      await new HeldReleaser(store, egress, sources, respondTo(store), undefined, () => releaseAt).releaseDue();
      expect(egress.handedOver).toEqual([]);
      expect(await store.claimEgress([DESTINATION], 'router-b', 10)).toEqual([]);
      expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded', responseCode: code, breached: false });
      const [item] = await store.readOutbox(SUPPLIER, undefined, 10);
      expect(item).toMatchObject({ kind: 'response', requestId, responseCode: code, body: { error: { reason } } });
      expect((item.body as { error: { message: string } }).error.message).toMatch(/^refused when its ExecutionDateTime came: /);
      expect(await store.claimHeld(releaseAt + HELD_CLAIM_MS, 10, releaseAt + 2 * HELD_CLAIM_MS)).toMatchObject({ claimed: [], more: false });
    }
  });

  it('sends a held request whose device moved region while it was held to its new region', async () => {
    const store = new MemoryStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 60_000;
    const [requestId] = await hold(store, 1, releaseAt);
    const sources = await sourcesOver(store, { cspRegion: 'North' });
    await new HeldReleaser(store, egress, sources, respondTo(store), undefined, () => releaseAt).releaseDue();
    expect(egress.handedOver).toEqual([]);
    expect(await store.claimEgress([DESTINATION], 'router-b', 10)).toEqual([]);
    expect((await store.claimEgress(['smets2/north'], 'router-b', 10)).map((item) => [item.record.requestId, item.record.destination])).toEqual([[requestId, 'smets2/north']]);
  });

  it('holds a request whose judgement failed again until its claim\'s end, sending the rest of that claim and of the next at once', async () => {
    const store = new MemoryStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 60_000;
    // More than one claim's worth (one partition in the embedded store): the second is claimed while the first is judged.
    const ids = await hold(store, HELD_RELEASE_BATCH + 10, releaseAt);
    const sources = await sourcesOver(store);
    let failing = true;
    const flaky: JudgeAgainSources = {
      ...sources,
      directory: {
        user: (id) => sources.directory.user(id),
        device: async (id) => {
          if (failing) {
            failing = false;
            throw new StateUnavailableError('device read: no answer in time');
          }
          return sources.directory.device(id);
        },
      },
    };
    let now = releaseAt;
    const releaser = new HeldReleaser(store, egress, flaky, respondTo(store), undefined, () => now);
    // The failure is thrown for the loop to log, once both claims are settled.
    await expect(releaser.releaseDue()).rejects.toThrow(StateUnavailableError);
    expect(egress.handedOver).toHaveLength(ids.length - 1);
    const [unjudged] = ids.filter((requestId) => !egress.handedOver.includes(requestId));
    expect(await store.getRequest(unjudged)).toMatchObject({ state: 'accepted' });
    now = releaseAt + HELD_CLAIM_MS - 1;
    await releaser.releaseDue();
    expect(egress.handedOver).toHaveLength(ids.length - 1);
    now = releaseAt + HELD_CLAIM_MS;
    await releaser.releaseDue();
    expect(egress.handedOver.sort()).toEqual([...ids].sort());
  });

  it('does not answer with its refusal a request another router claimed again and sent on meanwhile (its claim having run out)', async () => {
    const store = new MemoryStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 60_000;
    const [requestId] = await hold(store, 1, releaseAt);
    const sources = await sourcesOver(store, { importSupplier: '90-B3-D5-1F-30-00-00-09' });
    // This router stalls in its judgement past its claim; another, which still sees the meter
    // as the supplier's, claims the request again and sends it on.
    const stalled: JudgeAgainSources = {
      ...sources,
      directory: {
        user: (id) => sources.directory.user(id),
        device: async (id) => {
          const again = await store.claimHeld(releaseAt + HELD_CLAIM_MS, 10, releaseAt + 2 * HELD_CLAIM_MS);
          await store.settleHeld(again, releaseAt + HELD_CLAIM_MS, again.claimed.map((record) => ({ record })), []);
          return sources.directory.device(id);
        },
      },
    };
    await new HeldReleaser(store, egress, stalled, respondTo(store), undefined, () => releaseAt).releaseDue();
    expect(await store.getRequest(requestId)).toMatchObject({ state: 'accepted' });
    expect((await store.claimEgress([DESTINATION], 'router-b', 10)).map((item) => item.record.requestId)).toEqual([requestId]);
    expect(await store.readOutbox(SUPPLIER, undefined, 10)).toEqual([]);
  });

  it('sends what a release whose answer was lost leased to it, found again by the release time', async () => {
    const store = new LosingStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 20;
    const ids = await hold(store, 3, releaseAt);
    await until(releaseAt);
    await expect(new HeldReleaser(store, egress, await sourcesOver(store), respondTo(store), [10, 20, 30]).releaseDue()).rejects.toThrow(StateUnavailableError);
    expect(egress.handedOver).toEqual([]);
    await expect.poll(() => egress.handedOver.length).toBe(3);
    // Each once, though found again by the later lookups.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(egress.handedOver.sort()).toEqual([...ids].sort());
  });

  it('sends what the other partitions handed over when one partition\'s settle fails, and what that one leased once found', async () => {
    const store = new PartlySettlingStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 20;
    const ids = await hold(store, 3, releaseAt);
    await until(releaseAt);
    await expect(new HeldReleaser(store, egress, await sourcesOver(store), respondTo(store), [10, 20, 30]).releaseDue()).rejects.toThrow(/one partition/);
    expect(egress.handedOver).toHaveLength(2);
    await expect.poll(() => egress.handedOver.length).toBe(3);
    // Each once: the lookups find all three leased, and send only the one not handed over.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(egress.handedOver.sort()).toEqual([...ids].sort());
  });

  it('leaves such leases to their redelivery once its egress has stopped', async () => {
    const store = new LosingStore();
    const egress = new RecordingEgress();
    const releaseAt = Date.now() + 20;
    await hold(store, 2, releaseAt);
    await until(releaseAt);
    const releasing = new HeldReleaser(store, egress, await sourcesOver(store), respondTo(store), [30]).releaseDue();
    await expect(releasing).rejects.toThrow(StateUnavailableError);
    egress.running = false;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(egress.handedOver).toEqual([]);
  });
});
