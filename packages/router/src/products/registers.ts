import {
  applyCombinationUpdate, applyUpgradesUpdate, compileRegisters, judgeSignature,
  type CompiledRegisters, type FirmwareUpgrades, type FirmwareUpgradesInput, type Judgement, type JudgeSignature, type ProductCombination, type ProductCombinationInput,
} from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { RefreshedTable } from './refreshed.ts';

const COMBINATIONS = 'product-combinations';
const UPGRADES = 'firmware-upgrades';

const storedRegisters = (store: StateStore) => Promise.all([
  store.getSetting<ProductCombination[]>(COMBINATIONS), store.getSetting<FirmwareUpgrades[]>(UPGRADES),
]);

/** Signatures judged under the registers as stored now: for a process that keeps no ProductRegisters (the networks process). */
export async function storedJudge(store: StateStore): Promise<JudgeSignature> {
  const [combinations, upgrades] = await storedRegisters(store);
  const compiled = compileRegisters(combinations ?? [], upgrades ?? []);
  return (signature) => judgeSignature(compiled, signature);
}

/**
 * The SMETS1 Eligible and Pending Product Combinations and the firmware upgrades, shared by
 * every instance through the store and read by each on a one-second refresh (like the CPL).
 * Eligibility is judged per installation signature and kept until the registers change: a
 * change re-judges the few distinct signatures, never the installations one by one, so a
 * million installations follow an EPC change as soon as an instance has read it.
 */
export class ProductRegisters extends RefreshedTable {
  private combinations: ProductCombination[] = [];
  private upgrades: FirmwareUpgrades[] = [];
  private compiled: CompiledRegisters = compileRegisters([], []);
  private judgements = new Map<string, Judgement>();
  /** The registers' text as last read: a refresh that finds the same keeps the judgements. */
  private seen = '';
  protected readonly tableName = 'product registers';

  constructor(private readonly store: StateStore, private readonly now: () => Date = () => new Date()) {
    super();
  }

  list(list?: 'EPC' | 'PPC'): ProductCombination[] {
    return this.combinations.filter((entry) => list === undefined || entry.list === list);
  }

  upgradesOf(deviceModel: string): FirmwareUpgrades | undefined {
    return this.upgrades.find((entry) => entry.deviceModel === deviceModel);
  }

  /** A signature's eligibility under the registers as this instance last read them. */
  judge(signature: string): Judgement {
    let judgement = this.judgements.get(signature);
    if (!judgement) this.judgements.set(signature, (judgement = judgeSignature(this.compiled, signature)));
    return judgement;
  }

  /** Changed from the register as stored, never overwriting another instance's change made meanwhile. */
  async putCombination(entryId: string, input: ProductCombinationInput): Promise<{ ok: true; entry: ProductCombination } | { ok: false; message: string }> {
    let updated: ReturnType<typeof applyCombinationUpdate> | undefined;
    const next = await this.changeStored(() => this.store.updateSetting<ProductCombination[]>(COMBINATIONS, (stored = []) => {
      updated = applyCombinationUpdate(stored.find((entry) => entry.entryId === entryId), entryId, input, this.now());
      if (!updated.ok) return undefined;
      return [...stored.filter((entry) => entry.entryId !== entryId), updated.entry].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    }));
    if (next) this.apply(next, this.upgrades);
    return updated!;
  }

  async putUpgrades(deviceModel: string, input: FirmwareUpgradesInput): Promise<FirmwareUpgrades> {
    let updated: FirmwareUpgrades | undefined;
    const next = await this.changeStored(() => this.store.updateSetting<FirmwareUpgrades[]>(UPGRADES, (stored = []) => {
      updated = applyUpgradesUpdate(stored.find((entry) => entry.deviceModel === deviceModel), deviceModel, input, this.now());
      return [...stored.filter((entry) => entry.deviceModel !== deviceModel), updated].sort((a, b) => (a.deviceModel < b.deviceModel ? -1 : 1));
    }));
    this.apply(this.combinations, next!);
    return updated!;
  }

  async refresh(): Promise<void> {
    await this.readStored(() => storedRegisters(this.store), ([combinations, upgrades]) => this.apply(combinations ?? [], upgrades ?? []));
  }

  private apply(combinations: ProductCombination[], upgrades: FirmwareUpgrades[]): void {
    const text = JSON.stringify([combinations, upgrades]);
    if (text === this.seen) return;
    this.seen = text;
    this.combinations = combinations;
    this.upgrades = upgrades;
    this.compiled = compileRegisters(combinations, upgrades);
    this.judgements = new Map();
  }
}
