import { describe, expect, it } from 'vitest';
import { MemoryStore, type EgressItem } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import { EgressDispatcher, type NetworkAdapter } from './index.ts';

/** A network that takes what it is sent, or fails every send while `down`. */
class RecordingNetwork implements NetworkAdapter {
  readonly sent: string[] = [];
  down = false;
  /** Requests whose send fails. */
  readonly refuses = new Set<string>();
  /** While set, a send waits for it. */
  slow?: Promise<void>;
  constructor(readonly destination: string) {}
  async send(item: EgressItem): Promise<void> {
    await this.slow;
    if (this.down || this.refuses.has(item.record.requestId)) throw new Error('network unreachable');
    this.sent.push(item.record.requestId);
  }
}

function dispatcher(network: RecordingNetwork, handOver = true) {
  const forwarded: string[] = [];
  const egress = new EgressDispatcher(new MemoryStore(), [network], {
    consumer: 'router-a', batch: 10, redeliverAfterMs: 60_000, idlePollMs: 10, lingerMs: 0, handOver, maxHandOversInFlight: 1,
  }, createLogger('silent'), (count, destination) => forwarded.push(`${destination} ${count}`));
  return { egress, forwarded };
}

const item = (destination: string, requestId: string) => ({ destination, entryId: '', record: { requestId } }) as EgressItem;

describe('EgressDispatcher hand-over', () => {
  it('takes requests at acknowledgement only for its own running networks, when switched on', async () => {
    const network = new RecordingNetwork('smets2/south');
    const { egress } = dispatcher(network);
    // Not running yet: everything goes through the queues.
    expect(egress.takesNow('smets2/south')).toBe(false);
    egress.start();
    expect(egress.takesNow('smets2/south')).toBe(true);
    expect(egress.takesNow('smets2/north')).toBe(false);
    await egress.stop();
    expect(egress.takesNow('smets2/south')).toBe(false);
    const off = dispatcher(network, false).egress;
    off.start();
    expect(off.takesNow('smets2/south')).toBe(false);
    await off.stop();
  });

  it('offers a release of held requests the room it has for hand-overs, while running and switched on', async () => {
    const network = new RecordingNetwork('smets2/south');
    const { egress } = dispatcher(network);
    expect(egress.releaseHandOver()).toBeUndefined();
    egress.start();
    expect(egress.releaseHandOver()).toEqual({ destinations: ['smets2/south'], max: 1 });
    // Its one hand-over in flight (maxHandOversInFlight 1): no room until the send ends.
    let finish!: () => void;
    network.slow = new Promise((resolve) => (finish = resolve));
    egress.handOver(item('smets2/south', 'r1'));
    expect(egress.releaseHandOver()).toBeUndefined();
    finish();
    await expect.poll(() => egress.releaseHandOver()).toEqual({ destinations: ['smets2/south'], max: 1 });
    await egress.stop();
    expect(egress.releaseHandOver()).toBeUndefined();
    const off = dispatcher(network, false).egress;
    off.start();
    expect(off.releaseHandOver()).toBeUndefined();
    await off.stop();
  });

  it('sends what it is handed and counts it forwarded; a failed send is left to redelivery, uncounted', async () => {
    const network = new RecordingNetwork('smets2/south');
    const { egress, forwarded } = dispatcher(network);
    egress.start();
    egress.handOver(item('smets2/south', 'A'));
    await expect.poll(() => forwarded).toEqual(['smets2/south 1']);
    expect(network.sent).toEqual(['A']);
    network.down = true;
    egress.handOver(item('smets2/south', 'B'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(forwarded).toEqual(['smets2/south 1']);
    expect(egress.forwarded).toBe(1);
    // Nothing stays counted in flight after a failure: it still takes the next.
    expect(egress.takesNow('smets2/south')).toBe(true);
    // A network that throws instead of rejecting does not reach the caller, which has acknowledged already.
    const send = network.send;
    network.send = () => {
      throw new Error('network adapter broken');
    };
    expect(() => egress.handOver(item('smets2/south', 'C'))).not.toThrow();
    expect(egress.takesNow('smets2/south')).toBe(true);
    network.send = send;
    network.down = false;
    // A slow network: past the hand-overs in flight allowed (one here), requests go through their queues.
    let arrive!: () => void;
    network.slow = new Promise<void>((resolve) => (arrive = resolve));
    egress.handOver(item('smets2/south', 'D'));
    expect(egress.takesNow('smets2/south')).toBe(false);
    arrive();
    await expect.poll(() => egress.takesNow('smets2/south')).toBe(true);
    expect(network.sent).toEqual(['A', 'D']);
    await egress.stop();
  });
});

describe('EgressDispatcher queue', () => {
  it('counts forwarded every request of a claim its network took, the failed ones left to redelivery', async () => {
    const store = new MemoryStore();
    const network = new RecordingNetwork('smets2/south');
    const ids = ['A', 'B', 'C'].map((n) => `90-B3-D5-1F-30-00-00-01:00-DB-12-34-56-78-90-A0:${n}`);
    network.refuses.add(ids[1]);
    for (const requestId of ids) {
      await store.recordAcceptance(requestId, {
        leg: 'single',
        legRecord: { bodyHash: requestId, srv: '4.1.1', answer: { status: 202, body: '{}' } },
        record: {
          requestId, originatorId: '90-B3-D5-1F-30-00-00-01', targetId: '00-DB-12-34-56-78-90-A0', srv: '4.1.1', commandVariant: 1,
          state: 'accepted', destination: 'smets2/south', acceptedAt: Date.now(), bodyElement: 'ReadInstantaneousImportRegisters', bodyValue: {},
        },
        egress: {},
      });
    }
    const forwarded: string[] = [];
    const egress = new EgressDispatcher(store, [network], {
      consumer: 'router-a', batch: 10, redeliverAfterMs: 60_000, idlePollMs: 10, lingerMs: 0, handOver: false,
    }, createLogger('silent'), (count, destination) => forwarded.push(`${destination} ${count}`));
    egress.start();
    await expect.poll(() => network.sent.length).toBe(2);
    await egress.stop();
    expect(network.sent).toEqual([ids[0], ids[2]]);
    expect(forwarded).toEqual(['smets2/south 2']);
    expect(egress.forwarded).toBe(2);
  });
});
