import { compareCursors, type StateStore } from '@dccrouter/state';
import { throttledWarn, type Logger } from '../log/index.ts';

/** How often the outboxes of the Users someone waits for are looked at: one store call for all of them. */
export const OUTBOX_WATCH_MS = 200;

interface Waiter {
  /** The cursor the waiter has read up to; undefined: it has read nothing yet. */
  after: string | undefined;
  wake: () => void;
}

/**
 * Pulls that wait (`GET /v1/responses?wait=`) and gRPC feeds, woken once their User's outbox has
 * something past what they read: at once when this process records a response for the User
 * (`notify`), and otherwise by a look at the newest cursor of every awaited User's outbox every
 * OUTBOX_WATCH_MS (one store call for all of them, only while someone waits), which sees what other
 * processes and instances added, alerts included.
 */
export class OutboxWatch {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shut = false;
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(private readonly store: StateStore, log: Logger, private readonly checkMs = OUTBOX_WATCH_MS) {
    this.warn = throttledWarn(log);
  }

  /** True once closed (shutdown): nobody waits any more. */
  get closed(): boolean {
    return this.shut;
  }

  /**
   * Resolves when the User's outbox may have an item past `after`, `ms` have passed, `signal`
   * aborts (the caller went away) or the watch closes (shutdown), whichever comes first. The
   * caller reads again: a wake is a reason to look, not a promise of an item.
   */
  until(userId: string, after: string | undefined, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.shut || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let waiters = this.waiting.get(userId);
      if (!waiters) this.waiting.set(userId, (waiters = new Set()));
      const waiter: Waiter = { after, wake: () => done() };
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.waiting.get(userId) === waiters) this.waiting.delete(userId);
        resolve();
      };
      signal?.addEventListener('abort', done);
      waiters.add(waiter);
      this.schedule();
    });
  }

  /** Something was added to the User's outbox by this process: its waiters look now. */
  notify(userId: string): void {
    const waiters = this.waiting.get(userId);
    if (waiters) for (const waiter of [...waiters]) waiter.wake();
  }

  /** Wakes every waiter and lets nobody wait from now on (shutdown: each answers what it has). */
  close(): void {
    this.shut = true;
    clearTimeout(this.timer);
    for (const waiters of [...this.waiting.values()]) for (const waiter of [...waiters]) waiter.wake();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.shut) return;
    this.timer = setTimeout(() => void this.check(), this.checkMs);
  }

  private async check(): Promise<void> {
    const users = [...this.waiting.keys()];
    try {
      if (users.length === 0) return;
      const heads = await this.store.outboxHeads(users);
      users.forEach((userId, i) => {
        const head = heads[i];
        if (head === undefined) return;
        for (const waiter of [...(this.waiting.get(userId) ?? [])]) {
          if (waiter.after === undefined || compareCursors(head, waiter.after) > 0) waiter.wake();
        }
      });
    } catch (error) {
      // The waiters' own time limits still end their waits; the next look may succeed.
      this.warn('outbox watch', { err: error }, 'looking at the outboxes of waiting pulls and feeds failed');
    } finally {
      this.timer = undefined;
      if (this.waiting.size > 0) this.schedule();
    }
  }
}
