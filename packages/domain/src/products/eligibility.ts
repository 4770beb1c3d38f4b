import { ENROLLING_SUPPLIERS, type Device, type Smets1Cohort } from '../types/index.ts';
import type { FirmwareUpgrades, ProductCombination, ProductDevice } from './registers.ts';

// SEC H5.8: whether a SMETS1 Installation may be enrolled, and by when. Pure arithmetic over the
// registers; the router computes it once per distinct installation signature (cohort plus the
// devices' types, models and firmware), never per device.

/** A device as its installation's eligibility sees it. */
export interface InstallationDevice {
  deviceId: string;
  deviceType: Device['deviceType'];
  deviceModel?: string;
  firmwareVersion?: string;
  smets1Cohort?: Smets1Cohort;
  /** Its suppliers (import, gas): the report is by supplier. */
  suppliers: string[];
  /** When the current supplier acquired it (RFC 3339), set at a change of supplier. */
  acquiredAt?: string;
}

/** A SMETS1 Installation: the devices sharing an installationId, electricity and gas together or apart. */
export interface Installation {
  installationId: string;
  /** Sorted by type, model, firmware then ID: position i is the signature's device i. */
  devices: InstallationDevice[];
  /** What its eligibility depends on, and nothing else (see installationSignature). */
  signature: string;
  suppliers: string[];
  /** The latest acquisition among its devices, whichever supplier's, epoch ms. */
  acquiredAt?: number;
  /**
   * Each supplier's latest acquisition among the devices it supplies, epoch ms: its own enrolment
   * deadline counts from it (a gas supplier's change does not move the electricity supplier's).
   */
  acquiredAtBy?: Record<string, number>;
  /** When it was enrolled into the inventory (its devices Commissioned), RFC 3339. */
  enrolledAt?: string;
  /**
   * Its eligibility counts from no earlier than this, epoch ms: set by withEligibleFrom when its
   * signature changed (an upgrade, a device added or gone), since the new signature's entry may
   * predate the change.
   */
  eligibleFrom?: number;
}

export type EligibilityStatus = 'eligible' | 'eligible_after_upgrade' | 'pending' | 'not_eligible';
export const ELIGIBILITY_STATUSES: readonly EligibilityStatus[] = ['eligible', 'eligible_after_upgrade', 'pending', 'not_eligible'];

export interface Upgrade { from: string; to: string }

/** A signature's eligibility. `upgrades[i].device` is the signature's (and the installation's) device position. */
export interface Judgement {
  status: EligibilityStatus;
  entry?: string;
  upgrades?: (Upgrade & { device: number })[];
  /** When it first became eligible (or eligible after upgrade): the later of its EPC entry's date and its upgrade paths'. */
  eligibleSince?: string;
}

type SignatureDevice = [type: string, model: string, firmware: string];
interface Signature { cohort: string; devices: SignatureDevice[] }

const orderKey = (device: InstallationDevice) => `${device.deviceType}\u0000${device.deviceModel ?? ''}\u0000${device.firmwareVersion ?? ''}\u0000${device.deviceId}`;

/** The signature: equal for installations whose eligibility is equal, whatever their device IDs. */
export function installationSignature(devices: readonly InstallationDevice[]): string {
  const cohorts = [...new Set(devices.map((device) => device.smets1Cohort ?? ''))];
  // Devices of several cohorts cannot form one combination (one S1SP each): '*' matches no entry.
  const signature: Signature = {
    cohort: cohorts.length === 1 ? cohorts[0] : '*',
    devices: devices.map((device) => [device.deviceType, device.deviceModel ?? '', device.firmwareVersion ?? ''] as SignatureDevice).sort(compareTuples),
  };
  return JSON.stringify([signature.cohort, signature.devices]);
}

function compareTuples(a: SignatureDevice, b: SignatureDevice): number {
  return a.join('\u0000') < b.join('\u0000') ? -1 : a.join('\u0000') > b.join('\u0000') ? 1 : 0;
}

function parseSignature(text: string): Signature {
  const [cohort, devices] = JSON.parse(text) as [string, SignatureDevice[]];
  return { cohort, devices };
}


export function installationDevice(device: Device): InstallationDevice {
  const summary: InstallationDevice = { deviceId: device.deviceId, deviceType: device.deviceType, suppliers: ENROLLING_SUPPLIERS.map((party) => device[party]).filter((id): id is string => id !== undefined) };
  if (device.deviceModel !== undefined) summary.deviceModel = device.deviceModel;
  if (device.firmwareVersion !== undefined) summary.firmwareVersion = device.firmwareVersion;
  if (device.smets1Cohort !== undefined) summary.smets1Cohort = device.smets1Cohort;
  if (device.acquiredAt !== undefined) summary.acquiredAt = device.acquiredAt;
  return summary;
}

/**
 * The installation after devices were written: each device naming it joins (or replaces its old
 * self), each device that names another installation (or none) leaves it. Undefined once empty.
 */
export function installationWith(current: Installation | undefined, installationId: string, written: readonly Device[]): Installation | undefined {
  const devices = new Map(current?.devices.map((device) => [device.deviceId, device]));
  for (const device of written) {
    if (device.installationId === installationId && device.generation === 'SMETS1') devices.set(device.deviceId, installationDevice(device));
    else devices.delete(device.deviceId);
  }
  if (devices.size === 0) return undefined;
  const sorted = [...devices.values()].sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));
  const acquired = sorted.map((device) => device.acquiredAt).filter((at): at is string => at !== undefined).map((at) => Date.parse(at));
  const installation: Installation = {
    installationId, devices: sorted, signature: installationSignature(sorted),
    suppliers: [...new Set(sorted.flatMap((device) => device.suppliers))].sort(),
  };
  if (acquired.length > 0) installation.acquiredAt = Math.max(...acquired);
  const bySupplier: Record<string, number> = {};
  for (const device of sorted) {
    if (device.acquiredAt === undefined) continue;
    const at = Date.parse(device.acquiredAt);
    for (const supplier of device.suppliers) if (!(bySupplier[supplier] >= at)) bySupplier[supplier] = at;
  }
  if (Object.keys(bySupplier).length > 0) installation.acquiredAtBy = bySupplier;
  if (current?.enrolledAt !== undefined) installation.enrolledAt = current.enrolledAt;
  if (current?.eligibleFrom !== undefined) installation.eligibleFrom = current.eligibleFrom;
  return installation;
}

/** A signature's eligibility under the registers now (judgeSignature over them, compiled once). */
export type JudgeSignature = (signature: string) => Judgement;

/**
 * The installation written (`next`, from installationWith) with its eligibility's start kept
 * across a change of signature: eligible (or eligible after upgrade) before it, it stays eligible
 * from when it was, so an upgrade along an upgrade path does not move its deadline earlier to its
 * new combination's entry date; not eligible before it, it is eligible from the change at the
 * earliest, never from an entry dated before its devices matched it. `judge` judges a signature
 * under the registers now.
 */
export function withEligibleFrom(current: Installation | undefined, next: Installation, judge: JudgeSignature, now: number): Installation {
  // A new installation has no history here: its entry's date stands, as it always has. One whose
  // devices were not all known yet (a model or firmware missing, cohorts mixed: written a device at
  // a time) was not judged ineligible, only not judged: what it had stands.
  if (current === undefined || current.signature === next.signature || !fullyKnown(current.signature)) return next;
  const before = eligibleSinceOf(current, judge(current.signature));
  const since = before === undefined ? undefined : Date.parse(before);
  return { ...next, eligibleFrom: since !== undefined && since <= now ? since : now };
}

/** Whether a signature names one cohort and every device's model and firmware: judged on what it is, not on what is missing. */
function fullyKnown(signature: string): boolean {
  const { cohort, devices } = parseSignature(signature);
  return cohort !== '*' && cohort !== '' && devices.every(([, model, firmware]) => model !== '' && firmware !== '');
}

/** When the installation became eligible under `judgement` (its signature's): the later of the entry's date and its eligibleFrom. */
export function eligibleSinceOf(installation: Installation, judgement: Judgement): string | undefined {
  const since = judgement.eligibleSince;
  if (since === undefined || installation.eligibleFrom === undefined || installation.eligibleFrom <= Date.parse(since)) return since;
  return new Date(installation.eligibleFrom).toISOString();
}

/** The registers compiled for judging: entries by list and cohort, upgrades as a graph per model. */
export interface CompiledRegisters {
  entries: { EPC: Map<string, ProductCombination[]>; PPC: Map<string, ProductCombination[]> };
  upgrades: Map<string, Map<string, { to: string; addedAt: string }[]>>;
}

export function compileRegisters(combinations: Iterable<ProductCombination>, upgrades: Iterable<FirmwareUpgrades>): CompiledRegisters {
  const compiled: CompiledRegisters = { entries: { EPC: new Map(), PPC: new Map() }, upgrades: new Map() };
  for (const entry of [...combinations].sort((a, b) => (a.entryId < b.entryId ? -1 : 1))) {
    const byCohort = compiled.entries[entry.list];
    byCohort.set(entry.commsProvider, [...(byCohort.get(entry.commsProvider) ?? []), entry]);
  }
  for (const { deviceModel, paths } of upgrades) {
    const graph = new Map<string, { to: string; addedAt: string }[]>();
    for (const { from, to, addedAt } of paths) graph.set(from, [...(graph.get(from) ?? []), { to, addedAt }]);
    for (const edges of graph.values()) edges.sort((a, b) => (a.to < b.to ? -1 : 1));
    compiled.upgrades.set(deviceModel, graph);
  }
  return compiled;
}

export interface UpgradeChain { steps: Upgrade[]; /** The latest date among its paths' (empty chain: none). */ since?: string }

/** The shortest chain of existing upgrades from one version to another (breadth-first); undefined when none. */
export function shortestUpgradeChain(upgrades: CompiledRegisters['upgrades'], deviceModel: string, from: string, to: string): UpgradeChain | undefined {
  if (from === to) return { steps: [] };
  const graph = upgrades.get(deviceModel);
  if (!graph) return undefined;
  const cameFrom = new Map<string, { from: string; addedAt: string }>([[from, { from, addedAt: '' }]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const version = queue[head];
    for (const edge of graph.get(version) ?? []) {
      if (cameFrom.has(edge.to)) continue;
      cameFrom.set(edge.to, { from: version, addedAt: edge.addedAt });
      if (edge.to === to) return chainTo(cameFrom, from, to);
      queue.push(edge.to);
    }
  }
  return undefined;
}

function chainTo(cameFrom: Map<string, { from: string; addedAt: string }>, start: string, end: string): UpgradeChain {
  const steps: Upgrade[] = [];
  let since = '';
  for (let version = end; version !== start;) {
    const step = cameFrom.get(version)!;
    steps.unshift({ from: step.from, to: version });
    if (step.addedAt > since) since = step.addedAt;
    version = step.from;
  }
  return { steps, since };
}

/** How devices fit an entry: with the fewest upgrades (`upgrades`), and since when by any way (`since`). */
interface Match { entry: ProductCombination; upgrades: (Upgrade & { device: number })[]; since: string }

/**
 * How the devices fit an entry (each a distinct device of it: a subset of the combination is
 * eligible): the way with the fewest upgrades, and the earliest any way made them fit (an upgrade
 * route dated before a slot an amendment added still counts from its own date); undefined when
 * they cannot.
 */
function matchEntry(registers: CompiledRegisters, devices: readonly SignatureDevice[], entry: ProductCombination): Match | undefined {
  const entryDate = entry.dateAddedToEpc ?? entry.dateFirstAdded;
  // Slots of one product the entry had from its start first, then those amendments added, oldest first.
  const slots = entry.devices.map((wanted, slot) => ({ wanted, slot })).sort((a, b) => (a.wanted.addedAt ?? '').localeCompare(b.wanted.addedAt ?? '') || a.slot - b.slot);
  const options = devices.map(([type, model, firmware]) => slots.flatMap(({ wanted, slot }: { wanted: ProductDevice; slot: number }) => {
    if (wanted.deviceType !== type || wanted.deviceModel !== model || firmware === '') return [];
    const found = shortestUpgradeChain(registers.upgrades, model, firmware, wanted.firmwareVersion);
    if (!found) return [];
    // A slot an amendment added counts from then, as a path does from its date.
    let chain = wanted.addedAt !== undefined && !(found.since && found.since >= wanted.addedAt) ? { ...found, since: wanted.addedAt } : found;
    // Or, for a device that could reach a version the slot held before an amendment moved it on,
    // from when it could: it has fitted the slot since then, at one version or the other.
    for (const replaced of wanted.replacedVersions ?? []) {
      const via = shortestUpgradeChain(registers.upgrades, model, firmware, replaced.firmwareVersion);
      if (!via) continue;
      const since = replaced.addedAt !== undefined && !(via.since && via.since >= replaced.addedAt) ? replaced.addedAt : via.since ?? '';
      if (since < (chain.since ?? '')) chain = { ...chain, since };
    }
    return [{ slot, chain, product: wanted.firmwareVersion }];
  }));
  let fewest: { steps: number; since: string; picks: UpgradeChain[] } | undefined;
  let earliest: string | undefined;
  const used = new Set<number>();
  const picks: UpgradeChain[] = [];
  // Installations have a handful of devices: trying every assignment is exact, and cheap once
  // slots that are the same product are told apart no more (a device tries the first free one of
  // them only, the oldest: the others could only give the same or a later outcome, like devices
  // sharing their chains), or 8 like devices over an entry's 16 like slots would try 16!/8!
  // assignments (minutes).
  const assign = (device: number, steps: number, since: string) => {
    // Neither fewer upgrades nor an earlier date can come of this one: both only grow.
    if (fewest && steps > fewest.steps && earliest !== undefined && since >= earliest) return;
    if (device === devices.length) {
      if (!fewest || steps < fewest.steps || (steps === fewest.steps && since < fewest.since)) fewest = { steps, since, picks: [...picks] };
      if (earliest === undefined || since < earliest) earliest = since;
      return;
    }
    const tried = new Set<string>();
    for (const { slot, chain, product } of options[device]) {
      // This device's own type and model are the slot's: its firmware tells a product apart.
      if (used.has(slot) || tried.has(product)) continue;
      tried.add(product);
      used.add(slot);
      picks.push(chain);
      assign(device + 1, steps + chain.steps.length, chain.since && chain.since > since ? chain.since : since);
      picks.pop();
      used.delete(slot);
    }
  };
  if (devices.length > 0) assign(0, 0, entryDate);
  if (!fewest) return undefined;
  const found = fewest as { picks: UpgradeChain[] };
  return { entry, since: earliest!, upgrades: found.picks.flatMap((chain, device) => chain.steps.map((step) => ({ device, ...step }))) };
}

function bestOf(matches: Match[]): Match | undefined {
  return matches.sort((a, b) => a.upgrades.length - b.upgrades.length || (a.since < b.since ? -1 : a.since > b.since ? 1 : 0))[0];
}

/**
 * A signature's eligibility: eligible when its devices are (a subset of) an EPC combination of its
 * cohort; eligible_after_upgrade when existing upgrades (the fewest, device by device) would make
 * them one; pending when only a PPC combination has them (now or after upgrades); not_eligible
 * otherwise. eligibleSince is the earliest any EPC entry made it eligible.
 */
export function judgeSignature(registers: CompiledRegisters, signature: string): Judgement {
  const { cohort, devices } = parseSignature(signature);
  const onEpc = (registers.entries.EPC.get(cohort) ?? []).map((entry) => matchEntry(registers, devices, entry)).filter((match): match is Match => match !== undefined);
  const best = bestOf([...onEpc]);
  if (best) {
    const eligibleSince = onEpc.reduce((earliest, match) => (match.since < earliest ? match.since : earliest), best.since);
    if (best.upgrades.length === 0) return { status: 'eligible', entry: best.entry.entryId, eligibleSince };
    return { status: 'eligible_after_upgrade', entry: best.entry.entryId, upgrades: best.upgrades, eligibleSince };
  }
  const pending = bestOf((registers.entries.PPC.get(cohort) ?? []).map((entry) => matchEntry(registers, devices, entry)).filter((match): match is Match => match !== undefined));
  return pending ? { status: 'pending', entry: pending.entry.entryId } : { status: 'not_eligible' };
}

/** The same date and time twelve months on (29 February becomes 28 February), in UTC. */
export function addTwelveMonths(at: number): number {
  const date = new Date(at);
  const year = date.getUTCFullYear() + 1;
  const month = date.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

/** H5.8: 12 months after the later of when it became eligible and when its supplier acquired it. */
export function enrolBy(eligibleSince: string, acquiredAt: number | undefined): string {
  const since = Date.parse(eligibleSince);
  return new Date(addTwelveMonths(acquiredAt !== undefined && acquiredAt > since ? acquiredAt : since)).toISOString();
}

/**
 * When `supplier` acquired the installation (epoch ms; undefined when it never changed hands to
 * it): its own devices' latest acquisition. An installation stored before acquisitions were kept
 * per supplier has only the latest of all, used for each.
 */
export function supplierAcquiredAt(installation: Installation, supplier: string): number | undefined {
  return installation.acquiredAtBy ? installation.acquiredAtBy[supplier] : installation.acquiredAt;
}

/** The later of two optional times (epoch ms). */
const laterOf = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined || a >= b ? a : b);

/**
 * When `supplier`'s enrolment deadline can start counting, its signature's eligibility aside: the
 * later of its acquisition and the installation's eligibleFrom (enrolBy takes the later of this and
 * the signature's eligibleSince). What the store ranges a supplier's installations by.
 */
export function supplierStartsAt(installation: Installation, supplier: string): number | undefined {
  return laterOf(supplierAcquiredAt(installation, supplier), installation.eligibleFrom);
}

/**
 * The installation's enrolBy without naming a supplier: the soonest of its responsible suppliers'
 * (each 12 months after the later of eligibleSince and its own acquisition), the first deadline it faces.
 */
export function installationEnrolBy(eligibleSince: string, installation: Installation): string {
  if (installation.suppliers.length === 0) return enrolBy(eligibleSince, laterOf(installation.acquiredAt, installation.eligibleFrom));
  return installation.suppliers.map((supplier) => enrolBy(eligibleSince, supplierStartsAt(installation, supplier))).sort()[0];
}

/** The report lists installations whose enrolBy has passed or falls within this many days. */
export const ENROLMENT_DUE_DAYS = 30;
const DAY_MS = 86_400_000;

export function dueLimit(now: number): number {
  return now + ENROLMENT_DUE_DAYS * DAY_MS;
}

/**
 * The latest start (supplierStartsAt) that can make an installation due by `dueLimit(now)`: twelve months are
 * at least 365 days, so a later one cannot (the store's index is read up to this, then checked exactly).
 */
export function startingNoLaterThanForDue(now: number): number {
  return dueLimit(now) - 365 * DAY_MS;
}

/** The installation's eligibility, the judgement's device positions named by device ID. */
export function installationEligibility(installation: Installation, judgement: Judgement): {
  status: EligibilityStatus; entry?: string; upgrades?: { deviceId: string; from: string; to: string }[]; eligibleSince?: string; enrolBy?: string;
} {
  const answer: ReturnType<typeof installationEligibility> = { status: judgement.status };
  if (judgement.entry !== undefined) answer.entry = judgement.entry;
  if (judgement.upgrades) answer.upgrades = judgement.upgrades.map(({ device, from, to }) => ({ deviceId: installation.devices[device].deviceId, from, to }));
  const eligibleSince = eligibleSinceOf(installation, judgement);
  if (eligibleSince !== undefined) {
    answer.eligibleSince = eligibleSince;
    answer.enrolBy = installationEnrolBy(eligibleSince, installation);
  }
  return answer;
}
