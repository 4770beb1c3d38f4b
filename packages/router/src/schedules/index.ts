import { alertRecipients, FINAL_DEVICE_STATUSES, findSrv, nextOccurrence, occurrenceCounter, occurrenceReadValue, RESPONSIBLE_PARTIES, scheduleEndedBy, type Device, type DspSchedule, type User } from '@dccrouter/domain';
import type { ClaimedSchedule, NewOutboxItem, StateStore } from '@dccrouter/state';
import { Periodic } from '../background/index.ts';
import { taskFailureReporter, type Logger } from '../log/index.ts';
import type { Answer, ServiceRequestPipeline } from '../pipeline/index.ts';

/** Occurrences claimed at a time, at most. */
const CLAIM_MAX = 1_000;

/** An occurrence as the request its User would have sent: the scheduled read (of its own date's log period), CV 1, to the device. */
function occurrenceBody(originatorId: string, scheduleId: number, occurrence: { index: number; at: number }, schedule: DspSchedule, serviceReference: string): Uint8Array {
  return Buffer.from(JSON.stringify({
    header: {
      requestId: { originatorId, targetId: schedule.deviceId, counter: occurrenceCounter(scheduleId, occurrence.index) },
      commandVariant: 1, serviceReference, serviceReferenceVariant: schedule.srv,
    },
    body: { [schedule.bodyElement]: occurrenceReadValue(schedule, occurrence.at) },
  }));
}

/**
 * A refused occurrence as its User reads any occurrence's result: a `response` item carrying its
 * RequestID, `DSPScheduleID`, the refusal's DUIS code where it has one and why.
 */
function refusedOccurrence(answer: Answer, scheduleId: number): NewOutboxItem {
  const { header, error } = JSON.parse(answer.body) as { header: { requestId?: string; responseCode?: string }; error: { reason: string; message: string } };
  const item: NewOutboxItem = { kind: 'response', body: { DSPScheduleID: String(scheduleId), error } };
  if (header.requestId) item.requestId = header.requestId;
  if (header.responseCode) item.responseCode = header.responseCode;
  return item;
}

/**
 * Refusals that will not pass by themselves: the User no longer the device's party (a change of
 * supplier), the device gone from the inventory, the User gone. DUIS removes such a schedule and
 * tells its User (the DSPScheduleRemoval DCC alert); others (a User suspended, a device suspended
 * by the CPL) may lift, and the schedule goes on.
 */
const LASTING_REFUSALS: ReadonlySet<string> = new Set(['not_authorised_for_device', 'device_not_found', 'unknown_user']);

/** Whether a refused occurrence's reason will stand for every later one: then its schedule goes. */
async function lastingRefusal(store: StateStore, outcome: string, deviceId: string): Promise<boolean> {
  if (LASTING_REFUSALS.has(outcome)) return true;
  if (outcome !== 'device_status_incompatible') return false;
  const device = await store.getDevice(deviceId);
  // A device in a status it does not leave: its schedules' status refusals (E5) are lasting too.
  return device !== undefined && FINAL_DEVICE_STATUSES.has(device.status);
}

/** The DCC alert telling a User its schedule was removed, and why. */
function scheduleRemoval(deviceId: string, scheduleId: number, reason: string): NewOutboxItem {
  return {
    kind: 'dccAlert', alertCode: 'DSP_SCHEDULE_REMOVAL', deviceId,
    body: { alert: 'DSP_SCHEDULE_REMOVAL', DSPScheduleRemoval: { DeviceID: deviceId, DSPScheduleID: String(scheduleId) }, reason },
  };
}

/**
 * A change of a device's parties or status ends the schedules it leaves unable to run (a change of
 * supplier ends the former supplier's; a device Decommissioned or Withdrawn ends its parties'),
 * as DUIS removes them, each told to its User with a `DSP_SCHEDULE_REMOVAL` alert: at the change,
 * not at their next occurrence. The former parties' schedules are found by device
 * (`schedulesOnDevice`); what this misses (a write that failed part way, a User that was never a
 * party) is removed at its first occurrence refused so, as before. Answers how many were removed.
 */
export async function endSchedulesOfFormerParties(
  store: StateStore, getUser: (userId: string) => Promise<User | undefined>, before: readonly (Device | undefined)[], after: readonly Device[],
): Promise<number> {
  // Each former party of each device changed so, its schedules there looked up together (an
  // import changing many devices' suppliers waits one round of reads, not one each).
  const asked: { userId: string; device: Device }[] = [];
  for (const [i, device] of after.entries()) {
    const was = before[i];
    if (!was) continue;
    const partiesChanged = RESPONSIBLE_PARTIES.some((party) => was[party] !== device[party]);
    const nowFinal = FINAL_DEVICE_STATUSES.has(device.status) && !FINAL_DEVICE_STATUSES.has(was.status);
    if (partiesChanged || nowFinal) for (const userId of alertRecipients(was)) asked.push({ userId, device });
  }
  const found = await Promise.all(asked.map(({ userId, device }) => store.schedulesOnDevice(userId, device.deviceId)));
  let removed = 0;
  for (const [i, { userId, device }] of asked.entries()) {
    if (found[i].length === 0) continue;
    const user = await getUser(userId);
    for (const scheduleId of found[i]) {
      const schedule = await store.getSchedule(userId, scheduleId);
      const reason = schedule && scheduleEndedBy(user, schedule, device);
      // Removed, then told, as when an occurrence finds it so.
      if (!reason || !(await store.deleteSchedule(userId, scheduleId))) continue;
      await store.enqueueOutbox(userId, scheduleRemoval(device.deviceId, scheduleId, reason));
      removed++;
    }
  }
  return removed;
}

export interface SchedulerStats {
  run: (outcome: string) => void;
}

/** Answers that settle nothing: the occurrence is run again. */
const UNSETTLED: ReadonlySet<string> = new Set(['state_unavailable', 'outcome_unknown', 'overloaded']);

/**
 * Runs every due occurrence of the DSP schedules, each once across all instances: claimed under a
 * lease (one script per partition), submitted through the pipeline as its User's request (the
 * same rows, route, TAD and TRT; the scheduled TRT), and the next occurrence set while the lease
 * holds. An occurrence's RequestID is its schedule's ID and index, so one run again after a
 * claimer died is a replay, never a second request.
 */
export function dspScheduler(
  store: StateStore, pipeline: ServiceRequestPipeline, { intervalMs, leaseMs }: { intervalMs: number; leaseMs: number }, log: Logger, stats: SchedulerStats,
  /** What is due is judged by it: the router's clock never ahead of the store's (StoreWatch), so a fast one runs nothing early for all. */
  clock: () => number = Date.now,
): Periodic {
  const runOne = async (claimed: ClaimedSchedule): Promise<void> => {
    const { originatorId, scheduleId, schedule, dueAt } = claimed;
    // `dueAt` is the claimed occurrence's own time (a claim after a lease ended included): it is this one.
    const occurrence = nextOccurrence(schedule, dueAt);
    if (!occurrence) {
      await store.rescheduleSchedule(claimed, undefined);
      return;
    }
    // Saturated: leave it leased; the same occurrence is claimed again at the lease's end.
    if (!pipeline.admit()) {
      stats.run('overloaded');
      return;
    }
    let answer: Answer;
    try {
      answer = await pipeline.submit({
        format: 'json', body: occurrenceBody(originatorId, scheduleId, occurrence, schedule, serviceReferenceOf(schedule.srv)),
        signature: undefined, authenticatedAs: originatorId, scheduleId, scheduledAt: occurrence.at,
      });
    } finally {
      pipeline.release();
    }
    const { outcome } = answer;
    stats.run(outcome);
    // Not run for want of the store (or of room), or maybe recorded without confirmation: left
    // leased, the same occurrence is claimed again at the lease's end (its RequestID makes a run
    // that did land a replay). A refused one (the device gone, the User suspended) is not retried:
    // the next one is, and its User is told as of any occurrence's result, in its outbox.
    if (UNSETTLED.has(outcome)) return;
    if (answer.status >= 300) {
      await store.enqueueOutbox(originatorId, refusedOccurrence(answer, scheduleId));
      if (await lastingRefusal(store, outcome, schedule.deviceId)) {
        // Removed, then told (a router dying between the two leaves it removed, untold, rather than told and running).
        await store.deleteSchedule(originatorId, scheduleId);
        await store.enqueueOutbox(originatorId, scheduleRemoval(schedule.deviceId, scheduleId, outcome));
        return;
      }
    }
    await store.rescheduleSchedule(claimed, nextOccurrence(schedule, occurrence.at + 1)?.at);
  };
  // Counted each, logged at most every 10 s: with the store away, every occurrence claimed fails alike.
  const occurrenceFailed = taskFailureReporter(log, 'dsp-schedules');
  return new Periodic('dsp-schedules', intervalMs, async () => {
    for (;;) {
      // About half the pipeline's free room (one where one is left): Users' own requests keep the
      // rest, and what is claimed is run now rather than left leased, unrun, for the whole lease.
      const max = Math.min(CLAIM_MAX, Math.ceil(pipeline.room / 2));
      if (max === 0) return;
      const claimed = await store.claimDueSchedules(clock(), max, leaseMs);
      if (claimed.length === 0) return;
      const results = await Promise.allSettled(claimed.map(runOne));
      for (const failed of results.filter((r) => r.status === 'rejected')) occurrenceFailed({ err: (failed as PromiseRejectedResult).reason }, 'DSP schedule occurrence not run');
      if (claimed.length < max) return;
    }
  }, log);
}

function serviceReferenceOf(srv: string): string {
  return findSrv(srv)!.serviceReference;
}
