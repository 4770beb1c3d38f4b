import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { OutboxWatch } from './outbox-watch.ts';

const USER = '90-B3-D5-1F-30-12-00-01';
const OTHER = '90-B3-D5-1F-30-12-00-02';
const alert = { kind: 'dccAlert' as const, alertCode: 'TEST', body: {} };

/** How long a wait took, in ms. */
async function timed(wait: Promise<void>): Promise<number> {
  const started = performance.now();
  await wait;
  return performance.now() - started;
}

let watch: OutboxWatch | undefined;
afterEach(() => watch?.close());

describe('OutboxWatch', () => {
  it('wakes a waiter at once when this process tells of its User\'s item, and no other User\'s', async () => {
    watch = new OutboxWatch(new MemoryStore(), pino({ level: 'silent' }), 60_000);
    let otherWoken = false;
    const other = watch.until(OTHER, undefined, 2_000).then(() => { otherWoken = true; });
    const waiting = timed(watch.until(USER, undefined, 2_000));
    setTimeout(() => watch!.notify(USER), 50);
    expect(await waiting).toBeLessThan(1_000);
    expect(otherWoken).toBe(false);
    watch.close();
    await other;
  });

  it('wakes a waiter by its look at the outboxes when another process added past its cursor, not before', async () => {
    const store = new MemoryStore();
    watch = new OutboxWatch(store, pino({ level: 'silent' }), 50);
    const read = await store.enqueueOutbox(USER, alert);
    // Up to date: nothing past its cursor, so the looks do not wake it and its time runs out.
    expect(await timed(watch.until(USER, read.cursor, 400))).toBeGreaterThanOrEqual(390);
    const waiting = timed(watch.until(USER, read.cursor, 5_000));
    setTimeout(() => void store.enqueueOutbox(USER, alert), 100);
    const took = await waiting;
    expect(took).toBeGreaterThanOrEqual(90);
    expect(took).toBeLessThan(1_000);
  });

  it('ends a wait at its time, when its caller goes away, and every wait when closed', async () => {
    watch = new OutboxWatch(new MemoryStore(), pino({ level: 'silent' }), 50);
    const took = await timed(watch.until(USER, undefined, 200));
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1_000);

    const gone = new AbortController();
    const abandoned = timed(watch.until(USER, undefined, 5_000, gone.signal));
    setTimeout(() => gone.abort(), 50);
    expect(await abandoned).toBeLessThan(1_000);

    const waits = [watch.until(USER, undefined, 5_000), watch.until(OTHER, undefined, 5_000)];
    const closed = timed(Promise.all(waits).then(() => undefined));
    watch.close();
    expect(await closed).toBeLessThan(1_000);
    expect(watch.closed).toBe(true);
    // Closed: nobody waits from now on.
    expect(await timed(watch.until(USER, undefined, 5_000))).toBeLessThan(100);
  });
});
