import type { DspSchedule } from '@dccrouter/domain';
import { PARTITIONS } from '../shared/index.ts';
import type { ClaimedSchedule } from '../store/index.ts';
import { RedisPart, type ScriptedPipeline, type ScriptedRedis } from './base.ts';
import { parse } from './records.ts';

/** DSP schedules: each in its originator's partition, indexed by its next occurrence, claimed under a lease when due. */
export class RedisSchedules extends RedisPart {
  /** Where the next claim begins: partitions take turns at going first. */
  private nextClaimPartition = 0;

  private scheduleKey(originatorId: string, scheduleId: number): string {
    return `${this.prefix}sched:${this.userTag(originatorId)}:${originatorId}:${scheduleId}`;
  }

  private scheduleIndexKey(tag: string): string {
    return `${this.prefix}sched-due:${tag}`;
  }

  /** The partition's leased occurrences: member → the occurrence's own due time (its index score is the lease's end). */
  private scheduleLeasedKey(tag: string): string {
    return `${this.prefix}sched-leased:${tag}`;
  }

  /** The IDs of a User's schedules on one device: found at a change of the device's parties. */
  private deviceSchedulesKey(originatorId: string, deviceId: string): string {
    return `${this.deviceSchedulesPrefix(originatorId)}${deviceId}`;
  }

  private deviceSchedulesPrefix(originatorId: string): string {
    return `${this.prefix}sched-dev:${this.userTag(originatorId)}:${originatorId}:`;
  }

  /** The RequestID that created a schedule, and the schedule's ID: create-schedule.lua. */
  private creatingRequestKey(originatorId: string, requestId: string): string {
    return `${this.prefix}sched-req:${this.userTag(originatorId)}:${requestId}`;
  }

  async allocateScheduleId(): Promise<number> {
    // One counter for all slots: IDs are unique across Users, as DUIS shows them.
    return Number(await this.call('INCR schedule ID', () => this.redis.incr(`${this.prefix}sched-seq`)));
  }

  async createSchedule(originatorId: string, scheduleId: number, schedule: DspSchedule, firstDueAt: number, requestId: string): Promise<boolean> {
    const tag = this.userTag(originatorId);
    const created = await this.call('create schedule', () => (this.redis as ScriptedRedis & { createSchedule(...args: unknown[]): Promise<number> }).createSchedule(
      this.creatingRequestKey(originatorId, requestId), this.scheduleKey(originatorId, scheduleId), this.scheduleIndexKey(tag),
      this.deviceSchedulesKey(originatorId, schedule.deviceId), scheduleId, JSON.stringify(schedule), firstDueAt, `${originatorId}:${scheduleId}`, this.context.retentionSeconds,
    ));
    return created === 1;
  }

  async getSchedule(originatorId: string, scheduleId: number): Promise<DspSchedule | undefined> {
    return parse<DspSchedule>(await this.call('GET schedule', () => this.redis.get(this.scheduleKey(originatorId, scheduleId))));
  }

  async deleteSchedule(originatorId: string, scheduleId: number): Promise<boolean> {
    const tag = this.userTag(originatorId);
    return (await this.call('delete schedule', () => (this.redis as ScriptedRedis & { deleteSchedule(...args: unknown[]): Promise<number> }).deleteSchedule(
      this.scheduleKey(originatorId, scheduleId), this.scheduleIndexKey(tag), this.scheduleLeasedKey(tag),
      `${originatorId}:${scheduleId}`, scheduleId, this.deviceSchedulesPrefix(originatorId),
    ))) === 1;
  }

  async schedulesOnDevice(originatorId: string, deviceId: string): Promise<number[]> {
    const ids = await this.call('SMEMBERS device schedules', () => this.redis.smembers(this.deviceSchedulesKey(originatorId, deviceId)));
    return ids.map(Number).sort((a, b) => a - b);
  }

  /**
   * Rounds of one pipelined claim-schedules.lua call per partition (one round trip each), every
   * partition asked for an equal share of what is left of `max`, until `max` are claimed in all
   * or no partition may have more due: nothing due costs one round trip, and a claim takes no more
   * than its caller has room to run, which would otherwise sit leased, unrun, for the whole lease.
   * Where `max` is below the partitions' count, they take turns: the next claim begins where this
   * one's asking stopped.
   */
  async claimDueSchedules(now: number, max: number, leaseMs: number): Promise<ClaimedSchedule[]> {
    const leasedUntil = now + leaseMs;
    const first = this.nextClaimPartition;
    // Not yet asked, in this claim's order; asked, and gave their whole share (they may have more).
    let unasked = Array.from({ length: PARTITIONS }, (_, k) => (first + k) % PARTITIONS);
    let more: number[] = [];
    const claimed: ClaimedSchedule[] = [];
    while ((more.length > 0 || unasked.length > 0) && claimed.length < max) {
      const left = max - claimed.length;
      const asked = [...more, ...unasked].slice(0, left);
      unasked = unasked.filter((p) => !asked.includes(p));
      const share = Math.floor(left / asked.length);
      const pipeline = this.pipeline() as ScriptedPipeline & { claimSchedules(...args: unknown[]): ScriptedPipeline };
      for (const p of asked) pipeline.claimSchedules(this.scheduleIndexKey(`{p${p}}`), this.scheduleLeasedKey(`{p${p}}`), now, share, leasedUntil, this.prefix, `{p${p}}`);
      const replies = (await this.exec('claim schedules', pipeline)) as string[][];
      for (const flat of replies) {
        for (let i = 0; i < flat.length; i += 3) {
          const cut = flat[i].lastIndexOf(':');
          claimed.push({
            originatorId: flat[i].slice(0, cut), scheduleId: Number(flat[i].slice(cut + 1)), dueAt: Number(flat[i + 1]),
            schedule: JSON.parse(flat[i + 2]) as DspSchedule, leasedUntil,
          });
        }
      }
      more = asked.filter((_, i) => replies[i].length / 3 === share);
    }
    // The next claim begins where this one's asking stopped.
    this.nextClaimPartition = (first + PARTITIONS - unasked.length) % PARTITIONS;
    return claimed;
  }

  async rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined): Promise<boolean> {
    const { originatorId, scheduleId } = claimed;
    const tag = this.userTag(originatorId);
    return (await this.call('reschedule', () => (this.redis as ScriptedRedis & { rescheduleSchedule(...args: unknown[]): Promise<number> }).rescheduleSchedule(
      this.scheduleIndexKey(tag), this.scheduleKey(originatorId, scheduleId), this.scheduleLeasedKey(tag),
      this.deviceSchedulesKey(originatorId, claimed.schedule.deviceId), `${originatorId}:${scheduleId}`,
      claimed.leasedUntil, nextDueAt ?? '', scheduleId,
    ))) === 1;
  }
}
