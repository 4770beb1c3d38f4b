import { compareCursors } from '../shared/index.ts';

/** An append-only log with Redis-stream-like IDs (`<ms>-<seq>`), trimmed by age. */
export class MemoryStream<T> {
  private entries: { id: string; value: T; at: number }[] = [];
  private lastMs = 0;
  private seq = 0;

  append(value: T, now = Date.now()): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else this.seq++;
    const id = `${this.lastMs}-${this.seq}`;
    this.entries.push({ id, value, at: now });
    return id;
  }

  /** The entry of an ID, if it is there. */
  get(id: string): { id: string; value: T } | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  /** Removes the entry of an ID (dead letters are taken out when redriven). */
  remove(id: string): void {
    this.entries = this.entries.filter((entry) => entry.id !== id);
  }

  /** The newest entry's ID, if any. */
  last(): string | undefined {
    return this.entries.at(-1)?.id;
  }

  /** Entries strictly after `after`, oldest first. */
  after(after: string | undefined, limit: number): { id: string; value: T }[] {
    let low = 0;
    if (after !== undefined) {
      let high = this.entries.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (compareCursors(this.entries[mid].id, after) <= 0) low = mid + 1;
        else high = mid;
      }
    }
    return this.entries.slice(low, low + limit);
  }

  /** The newest entry trimmed away, if any: a reader behind it has missed entries. */
  trimmedUpTo: string | undefined;

  /** Keeps the newest `max` entries. */
  trimToLength(max: number): void {
    if (this.entries.length <= max) return;
    const drop = this.entries.length - max;
    this.trimmedUpTo = this.entries[drop - 1].id;
    this.entries = this.entries.slice(drop);
  }

  trimOlderThan(minAt: number): void {
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop].at < minAt) drop++;
    if (drop > 0) this.entries = this.entries.slice(drop);
  }
}

/** A binary min-heap on a numeric key; entries are removed lazily by the caller's check. */
export class MinHeap<T> {
  private items: { key: number; value: T }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(key: number, value: T): void {
    const items = this.items;
    items.push({ key, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].key <= items[i].key) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  peekKey(): number | undefined {
    return this.items[0]?.key;
  }

  pop(): { key: number; value: T } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Keeps only the values `keep` accepts (entries gone stale before their time), in one pass and a re-heapify. */
  retain(keep: (value: T) => boolean): void {
    this.items = this.items.filter((item) => keep(item.value));
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(from: number): void {
    const items = this.items;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && items[left].key < items[smallest].key) smallest = left;
      if (right < items.length && items[right].key < items[smallest].key) smallest = right;
      if (smallest === i) break;
      [items[smallest], items[i]] = [items[i], items[smallest]];
      i = smallest;
    }
  }
}
