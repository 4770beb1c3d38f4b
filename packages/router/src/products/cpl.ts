import { applyCplUpdate, applySscDecision, indexCpl, type CplEntry, type CplEntryInput, type CplIndex, type SscDecision } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { RefreshedTable } from './refreshed.ts';

const SETTING = 'cpl';

/** The CPL entries as stored now. */
const storedEntries = async (store: StateStore) => (await store.getSetting<CplEntry[]>(SETTING)) ?? [];

/** The CPL as stored now, indexed: for a process that keeps no CplTable (the networks process). */
export async function storedCpl(store: StateStore): Promise<CplIndex> {
  return indexCpl(await storedEntries(store));
}

// As JSON, so that no model and version can be written as another pair's (a separator could appear in either).
const keyOf = (deviceModel: string, firmwareVersion: string) => JSON.stringify([deviceModel, firmwareVersion]);
const byKey = (entries: readonly CplEntry[]) => new Map(entries.map((entry) => [keyOf(entry.deviceModel, entry.firmwareVersion), entry]));

/**
 * The Central Products List, shared by every instance through the store and read by each on a
 * one-second refresh, indexed by model then version: the request path looks a device up in O(1),
 * so a removal reaches every device of the model (a million as one) within the refresh, without
 * a per-request store read or a rewrite of the devices.
 */
export class CplTable extends RefreshedTable {
  private entries = new Map<string, CplEntry>();
  private cplIndex: CplIndex = new Map();
  protected readonly tableName = 'Central Products List';

  /** Told of each change, with the CPL before and after it (the Users' notices, in the background). */
  private readonly changed: (before: CplIndex, after: CplIndex, entry: CplEntry) => void;

  constructor(private readonly store: StateStore, changed?: (before: CplIndex, after: CplIndex, entry: CplEntry) => void, private readonly now: () => Date = () => new Date()) {
    super();
    this.changed = changed ?? (() => undefined);
  }

  index(): CplIndex {
    return this.cplIndex;
  }

  list(): CplEntry[] {
    return [...this.entries.values()].sort((a, b) => keyOf(a.deviceModel, a.firmwareVersion).localeCompare(keyOf(b.deviceModel, b.firmwareVersion)));
  }

  get(deviceModel: string, firmwareVersion: string): CplEntry | undefined {
    return this.entries.get(keyOf(deviceModel, firmwareVersion));
  }

  /**
   * One model is one device type (the CPL is looked up by model): an entry naming another type than
   * the model's other versions is refused. An entry keeping its own type is always written, so a
   * model stored with mixed types can still have its certificates changed, and a model's only
   * entry can change its type.
   */
  async put(deviceModel: string, firmwareVersion: string, input: CplEntryInput): Promise<{ ok: true; entry: CplEntry } | { ok: false; message: string }> {
    let refusal: { ok: false; message: string } | undefined;
    const saved = await this.save((entries) => {
      const current = entries.get(keyOf(deviceModel, firmwareVersion));
      const other = current?.deviceType === input.deviceType ? undefined : [...entries.values()]
        .find((entry) => entry.deviceModel === deviceModel && entry.firmwareVersion !== firmwareVersion && entry.deviceType !== input.deviceType);
      if (other) return void (refusal = { ok: false, message: `must be ${other.deviceType}, as ${deviceModel} is listed at firmware ${other.firmwareVersion}: a model is one device type` });
      return applyCplUpdate(current, deviceModel, firmwareVersion, input, this.now());
    });
    return saved ? { ok: true, entry: saved } : refusal!;
  }

  async decide(deviceModel: string, firmwareVersion: string, decision: SscDecision): Promise<{ ok: true; entry: CplEntry } | { ok: false; status: 404 | 409; message: string }> {
    let refusal: { ok: false; status: 404 | 409; message: string } | undefined;
    const saved = await this.save((entries) => {
      const current = entries.get(keyOf(deviceModel, firmwareVersion));
      if (!current) return void (refusal = { ok: false, status: 404, message: `no CPL entry for ${deviceModel} ${firmwareVersion}` });
      const decided = applySscDecision(current, decision, this.now());
      if (!decided.ok) return void (refusal = { ok: false, status: 409, message: decided.message });
      return decided.entry;
    });
    return saved ? { ok: true, entry: saved } : refusal!;
  }

  /**
   * One entry changed from the CPL as stored (not this instance's copy of it), written only if no
   * other instance changed the CPL meanwhile (else done again on theirs), then applied here and told.
   */
  private async save(change: (entries: Map<string, CplEntry>) => CplEntry | undefined): Promise<CplEntry | undefined> {
    let before: CplIndex = new Map();
    let entries = new Map<string, CplEntry>();
    let entry: CplEntry | undefined;
    // Run again on the CPL as stored whenever another instance changed it first: the last run is what was written.
    const stored = await this.changeStored(() => this.store.updateSetting<CplEntry[]>(SETTING, (current) => {
      entries = byKey(current ?? []);
      before = indexCpl(entries.values());
      entry = change(entries);
      if (!entry) return undefined;
      return [...entries.set(keyOf(entry.deviceModel, entry.firmwareVersion), entry).values()];
    }));
    if (!stored || !entry) return undefined;
    this.apply(entries);
    this.changed(before, this.cplIndex, entry);
    return entry;
  }

  async refresh(): Promise<void> {
    await this.readStored(() => storedEntries(this.store), (entries) => this.apply(byKey(entries)));
  }

  private apply(entries: Map<string, CplEntry>): void {
    this.entries = entries;
    this.cplIndex = indexCpl(entries.values());
  }
}
