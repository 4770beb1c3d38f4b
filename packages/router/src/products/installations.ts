import {
  startingNoLaterThanForDue, dueLimit, enrolBy, installationEligibility, installationWith, withEligibleFrom, ELIGIBILITY_STATUSES,
  type Device, type EligibilityStatus, type Installation, type JudgeSignature, type SmiStatus,
} from '@dccrouter/domain';
import { ENROLLED_GROUP, type StateStore } from '@dccrouter/state';
import type { ProductRegisters } from './registers.ts';

// SMETS1 installations (SEC H5.8): kept as their devices are written, judged per signature,
// enrolled into the inventory only when eligible.

/** Device writes that may change an installation: SMETS1 devices naming one. */
export const ofInstallations = (devices: readonly Device[]) => devices.filter((device) => device.generation === 'SMETS1' && device.installationId !== undefined);

/**
 * Brings the installations of written devices up to date: one read and one write for the lot,
 * however many devices (an import's chunk). `previous` holds the devices as they were before
 * (in the order written): one now of another installation, of none, or no longer SMETS1 leaves
 * its old installation. One whose signature changes keeps when it became eligible (withEligibleFrom),
 * judged by `judge` (ProductRegisters.judge, or storedJudge) at `at` (epoch ms).
 */
export async function recordInstallations(
  store: StateStore, judge: JudgeSignature, written: readonly Device[], previous: readonly (Device | undefined)[], at: number,
): Promise<void> {
  const byInstallation = new Map<string, Device[]>();
  const add = (installationId: string, device: Device) => {
    const devices = byInstallation.get(installationId);
    if (devices) devices.push(device);
    else byInstallation.set(installationId, [device]);
  };
  for (const device of ofInstallations(written)) add(device.installationId!, device);
  const now = new Map(written.map((device) => [device.deviceId, device]));
  for (const before of ofInstallations(previous.filter((device): device is Device => device !== undefined))) {
    const after = now.get(before.deviceId);
    const stays = after?.generation === 'SMETS1' && after.installationId === before.installationId;
    // The device as written, under its old installation: installationWith drops it from there.
    if (after && !stays) add(before.installationId!, after);
  }
  if (byInstallation.size === 0) return;
  // As stored when written: another instance's write of the same installation meanwhile (a device
  // of it, its enrolment) is read and kept.
  await store.updateInstallations([...byInstallation.keys()], (id, current) => {
    const next = installationWith(current, id, byInstallation.get(id)!);
    if (next) return withEligibleFrom(current, next, judge, at);
    return current && { installationId: id, deleted: true };
  });
}

/** The SMI statuses an enrolment moves to Commissioned. */
const AWAITING_COMMISSIONING: ReadonlySet<SmiStatus> = new Set(['Pending', 'Whitelisted', 'InstalledNotCommissioned']);

/** Why a SMETS1 device may not be written in service (Commissioned, ...) yet: its installation is not enrolled. */
export const NOT_ENROLLED = 'installation_not_enrolled';

/**
 * The statuses a device of an installation not yet enrolled may be written in: before service
 * (Pending, Whitelisted, InstalledNotCommissioned) or out of it (Decommissioned, Withdrawn).
 * Commissioned, Suspended, Recovery and Recovered are in service, routable: enrolment's.
 */
const UNENROLLED_STATUSES: ReadonlySet<SmiStatus> = new Set([...AWAITING_COMMISSIONING, 'Decommissioned', 'Withdrawn']);

/**
 * Migration gating: the SMETS1 devices among `devices` written in service (Commissioned, or another
 * status requests may reach it in) whose installation has not been enrolled, each with the message
 * to refuse it with.
 */
export async function unenrolledInService(store: StateStore, devices: readonly Device[]): Promise<Map<Device, string>> {
  const inService = ofInstallations(devices).filter((device) => !UNENROLLED_STATUSES.has(device.status));
  const refused = new Map<Device, string>();
  if (inService.length === 0) return refused;
  const ids = [...new Set(inService.map((device) => device.installationId!))];
  const enrolled = new Set((await store.getInstallations(ids)).filter((one) => one?.enrolledAt !== undefined).map((one) => one!.installationId));
  for (const device of inService) {
    if (!enrolled.has(device.installationId!)) {
      refused.set(device, `installation ${device.installationId} is not enrolled: write its devices InstalledNotCommissioned, then POST /v1/admin/installations/${device.installationId}:enrol (SEC H5.8)`);
    }
  }
  return refused;
}

export type EligibilityAnswer = ReturnType<typeof installationEligibility> & { installationId: string; enrolledAt?: string };

export async function eligibilityOf(store: StateStore, registers: ProductRegisters, installationId: string): Promise<EligibilityAnswer | undefined> {
  const [installation] = await store.getInstallations([installationId]);
  return installation && answerFor(installation, registers);
}

function answerFor(installation: Installation, registers: ProductRegisters): EligibilityAnswer {
  const answer: EligibilityAnswer = { installationId: installation.installationId, ...installationEligibility(installation, registers.judge(installation.signature)) };
  if (installation.enrolledAt !== undefined) answer.enrolledAt = installation.enrolledAt;
  return answer;
}

/** The refusal reason of an installation that is not eligible now, by its status. */
export const ENROLMENT_REFUSALS: Record<Exclude<EligibilityStatus, 'eligible'>, string> = {
  eligible_after_upgrade: 'upgrade_required',
  pending: 'product_combination_pending',
  not_eligible: 'product_combination_not_eligible',
};

export type Enrolment =
  | { outcome: 'enrolled'; installationId: string; enrolledAt: string; entry?: string; devices: string[] }
  | { outcome: 'refused'; reason: string; eligibility: EligibilityAnswer }
  | { outcome: 'unknown' };

/**
 * Enrols an eligible installation: its enrolment is recorded first (so its devices may then be
 * written Commissioned by anyone), then its devices are Commissioned, routable by every instance.
 * Enrolling again answers the first enrolment, and commissions its devices still awaiting it.
 */
export async function enrol(
  store: StateStore, registers: ProductRegisters,
  updateDevices: (deviceIds: readonly string[], change: (device: Device) => Device | undefined) => Promise<unknown>, installationId: string, at: Date,
): Promise<Enrolment> {
  // Judged as stored when written: a device of it another instance writes meanwhile is judged too, not lost.
  let decided: { enrolment: Enrolment; enrolNow: boolean } = { enrolment: { outcome: 'unknown' }, enrolNow: false };
  await store.updateInstallations([installationId], (_, installation) => {
    decided = enrolmentOf(installation, registers, installationId, at);
    return decided.enrolNow ? { ...installation!, enrolledAt: at.toISOString() } : undefined;
  });
  const { enrolment } = decided;
  // Those awaiting commissioning: a device Decommissioned, Withdrawn or in Recovery stays as it is.
  // Enrolled before too: an enrolment whose answer was lost, or whose devices' write failed, is
  // made again by the caller's retry, and its devices are commissioned then.
  if (enrolment.outcome === 'enrolled') {
    await updateDevices(enrolment.devices, (device) => (AWAITING_COMMISSIONING.has(device.status) ? { ...device, status: 'Commissioned' } : undefined));
  }
  return enrolment;
}

/** What enrolling the installation as stored comes to; `enrolNow` when this call enrols it. */
function enrolmentOf(installation: Installation | undefined, registers: ProductRegisters, installationId: string, at: Date): { enrolment: Enrolment; enrolNow: boolean } {
  if (!installation) return { enrolment: { outcome: 'unknown' }, enrolNow: false };
  const devices = installation.devices.map((device) => device.deviceId);
  if (installation.enrolledAt !== undefined) return { enrolment: { outcome: 'enrolled', installationId, enrolledAt: installation.enrolledAt, devices }, enrolNow: false };
  const eligibility = answerFor(installation, registers);
  if (eligibility.status !== 'eligible') return { enrolment: { outcome: 'refused', reason: ENROLMENT_REFUSALS[eligibility.status], eligibility }, enrolNow: false };
  const entry = eligibility.entry ? { entry: eligibility.entry } : {};
  return { enrolment: { outcome: 'enrolled', installationId, enrolledAt: at.toISOString(), ...entry, devices }, enrolNow: true };
}

export interface EnrolmentReport {
  supplier: string;
  at: string;
  counts: Record<EligibilityStatus | 'enrolled', number>;
  /** Installations not enrolled whose enrolBy has passed or falls within 30 days, soonest first. */
  due: { installationId: string; status: EligibilityStatus; entry?: string; enrolBy: string; overdue: boolean }[];
  /** Present when more were due than the `maxDue` asked for: `due` holds the soonest of them. */
  truncated?: true;
}

/**
 * A supplier's report from its indexes: the count of each group (judged once per signature) and,
 * per eligible signature, the range of installations acquired early enough to be due; a million
 * devices cost a few reads, not a million.
 */
export async function enrolmentReport(store: StateStore, registers: ProductRegisters, supplier: string, now: number, maxDue = Infinity): Promise<EnrolmentReport> {
  const counts = Object.fromEntries([...ELIGIBILITY_STATUSES, 'enrolled'].map((status) => [status, 0])) as EnrolmentReport['counts'];
  const due: EnrolmentReport['due'] = [];
  const until = startingNoLaterThanForDue(now);
  const limit = dueLimit(now);
  const groups = Object.entries(await store.supplierInstallationGroups(supplier));
  // One group after another: a supplier's due installations are read a page at a time, not all at once.
  for (const [group, installations] of groups) {
    if (group === ENROLLED_GROUP) {
      counts.enrolled += installations;
      continue;
    }
    const judgement = registers.judge(group);
    counts[judgement.status] += installations;
    const since = judgement.eligibleSince;
    if (since === undefined || Date.parse(since) > until) continue;
    // Many installations share a start (none, or a bulk change of supplier): one date each.
    const dates = new Map<number | undefined, { text: string; at: number }>();
    // Within a group enrolBy only grows with startsAt: its first maxDue + 1 are all it can add to the soonest.
    for (const { installationId, startsAt } of await store.installationsStartingBy(supplier, group, until, maxDue + 1)) {
      let date = dates.get(startsAt);
      if (date === undefined) {
        const text = enrolBy(since, startsAt);
        dates.set(startsAt, (date = { text, at: Date.parse(text) }));
      }
      if (date.at > limit) continue;
      due.push({ installationId, status: judgement.status, ...(judgement.entry ? { entry: judgement.entry } : {}), enrolBy: date.text, overdue: date.at < now });
    }
  }
  due.sort((a, b) => (a.enrolBy < b.enrolBy ? -1 : a.enrolBy > b.enrolBy ? 1 : a.installationId < b.installationId ? -1 : 1));
  const report: EnrolmentReport = { supplier, at: new Date(now).toISOString(), counts, due: due.slice(0, maxDue) };
  if (due.length > maxDue) report.truncated = true;
  return report;
}
