import type { DspSchedule } from '@dccrouter/domain';
import type { ClaimedSchedule } from '../store/index.ts';
import { copy, type MemoryState } from './state.ts';

/** DSP schedules: created once per RequestID, claimed when due under a lease, then rescheduled. */
export class MemorySchedules {
  private scheduleSeq = 0;
  /** `leasedOccurrence`: while leased, the occurrence's own due time (`dueAt` is then the lease's end). */
  private readonly schedules = new Map<string, { schedule: DspSchedule; dueAt: number | undefined; leasedOccurrence?: number }>();
  /** A User's schedules on a device (`originator device` → IDs), as Redis keeps them. */
  private readonly byDevice = new Map<string, Set<number>>();
  /** The RequestIDs that created a schedule, until the request's retention ends (in order of expiry: swept from the front). */
  private readonly schedulesByRequest = new Map<string, { expiresAt: number }>();

  constructor(private readonly state: MemoryState) {}

  async allocateScheduleId(): Promise<number> {
    return ++this.scheduleSeq;
  }

  async createSchedule(originatorId: string, scheduleId: number, schedule: DspSchedule, firstDueAt: number, requestId: string): Promise<boolean> {
    const now = Date.now();
    for (const [id, marker] of this.schedulesByRequest) {
      if (marker.expiresAt > now) break;
      this.schedulesByRequest.delete(id);
    }
    if (this.schedulesByRequest.has(requestId)) return false;
    this.schedules.set(`${originatorId}:${scheduleId}`, { schedule: copy(schedule), dueAt: firstDueAt });
    const onDevice = deviceKey(originatorId, schedule.deviceId);
    this.byDevice.set(onDevice, (this.byDevice.get(onDevice) ?? new Set()).add(scheduleId));
    this.schedulesByRequest.set(requestId, { expiresAt: now + this.state.retentionMs });
    return true;
  }

  async getSchedule(originatorId: string, scheduleId: number): Promise<DspSchedule | undefined> {
    const entry = this.schedules.get(`${originatorId}:${scheduleId}`);
    return entry ? copy(entry.schedule) : undefined;
  }

  async deleteSchedule(originatorId: string, scheduleId: number): Promise<boolean> {
    const key = `${originatorId}:${scheduleId}`;
    const entry = this.schedules.get(key);
    if (!entry) return false;
    this.forget(key, originatorId, scheduleId, entry.schedule.deviceId);
    return true;
  }

  async schedulesOnDevice(originatorId: string, deviceId: string): Promise<number[]> {
    return [...(this.byDevice.get(deviceKey(originatorId, deviceId)) ?? [])].sort((a, b) => a - b);
  }

  private forget(key: string, originatorId: string, scheduleId: number, deviceId: string): void {
    this.schedules.delete(key);
    const onDevice = deviceKey(originatorId, deviceId);
    const ids = this.byDevice.get(onDevice);
    ids?.delete(scheduleId);
    if (ids?.size === 0) this.byDevice.delete(onDevice);
  }

  async claimDueSchedules(now: number, max: number, leaseMs: number): Promise<ClaimedSchedule[]> {
    const claimed: ClaimedSchedule[] = [];
    const due = [...this.schedules].filter(([, entry]) => entry.dueAt !== undefined && entry.dueAt <= now).sort((a, b) => a[1].dueAt! - b[1].dueAt!);
    for (const [key, entry] of due.slice(0, max)) {
      const [originatorId, id] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      // A claim after a lease ended takes the occurrence that lease did not run, not the lease's end.
      entry.leasedOccurrence ??= entry.dueAt!;
      claimed.push({ originatorId, scheduleId: Number(id), schedule: copy(entry.schedule), dueAt: entry.leasedOccurrence, leasedUntil: now + leaseMs });
      entry.dueAt = now + leaseMs;
    }
    return claimed;
  }

  async rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined): Promise<boolean> {
    const key = `${claimed.originatorId}:${claimed.scheduleId}`;
    const entry = this.schedules.get(key);
    if (!entry || entry.dueAt !== claimed.leasedUntil) return false;
    if (nextDueAt === undefined) this.forget(key, claimed.originatorId, claimed.scheduleId, entry.schedule.deviceId);
    else Object.assign(entry, { dueAt: nextDueAt, leasedOccurrence: undefined });
    return true;
  }
}

function deviceKey(originatorId: string, deviceId: string): string {
  return `${originatorId} ${deviceId}`;
}
