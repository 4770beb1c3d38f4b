import type { Device, DspSchedule, User } from '@dccrouter/domain';
import { MemoryCounters } from '../counters/memory.ts';
import type {
  Acceptance, ClaimedSchedule, EgressItem, InstallationChange, InstallationWrite, Leg, NetworkResponse, HeldClaims, HeldVerdict, NewOutboxItem, OutboxItem, Release, ReleaseHandOver, StateStore,
} from '../store/index.ts';
import { MemoryDirectory } from './directory.ts';
import { MemoryEgress } from './egress.ts';
import { MemoryOutbox } from './outbox.ts';
import { MemoryQuarantine } from './quarantine.ts';
import { MemoryRequests } from './requests.ts';
import { MemorySchedules } from './schedules.ts';
import { MemorySettings } from './settings.ts';
import { MemoryState, type MemoryStoreOptions } from './state.ts';
import { MemoryTrt } from './trt.ts';

export type { MemoryStoreOptions } from './state.ts';

/**
 * One process's state, for development and tests: the same contract as RedisStore, unshared.
 *
 * Split by concern as RedisStore is, each part in a file of its own with what only it reads;
 * state.ts has what they share (the requests and their indexes, outboxes, Users and devices,
 * leases). Each step reads and writes without a turn of the event loop in between, so it is
 * atomic, as a Lua script is. A part calls its own methods directly (readOutbox marks delivered,
 * expireQuarantined deletes): a subclass overriding the store's method does not see those calls.
 */
export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const;
  readonly counters = new MemoryCounters();
  private readonly directory: MemoryDirectory;
  private readonly requests: MemoryRequests;
  private readonly egress: MemoryEgress;
  private readonly trt: MemoryTrt;
  private readonly schedules: MemorySchedules;
  private readonly outbox: MemoryOutbox;
  private readonly quarantine: MemoryQuarantine;
  private readonly settings = new MemorySettings();
  /** What the parts share (kept here too, for tests that look at the indexes' sizes). */
  private readonly state: MemoryState;

  constructor(options: MemoryStoreOptions = {}) {
    const state = (this.state = new MemoryState(options));
    this.directory = new MemoryDirectory(state);
    this.requests = new MemoryRequests(state, this.counters);
    this.egress = new MemoryEgress(state);
    this.trt = new MemoryTrt(state);
    this.schedules = new MemorySchedules(state);
    this.outbox = new MemoryOutbox(state);
    this.quarantine = new MemoryQuarantine(state);
  }

  // Directory: Users, devices, installations, and the change log every router's cache follows.
  putUser(user: User) { return this.directory.putUser(user); }
  getUser(userId: string) { return this.directory.getUser(userId); }
  putDevice(device: Device) { return this.directory.putDevice(device); }
  putDevices(devices: readonly Device[]) { return this.directory.putDevices(devices); }
  getDevice(deviceId: string) { return this.directory.getDevice(deviceId); }
  getDevices(deviceIds: readonly string[]) { return this.directory.getDevices(deviceIds); }
  updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined) { return this.directory.updateDevices(deviceIds, change); }
  mergeDevices(devices: readonly Device[], merge: (written: Device, stored: Device | undefined) => Device) { return this.directory.mergeDevices(devices, merge); }
  devicesOfModel(deviceModel: string, cursor: string | undefined, count: number) { return this.directory.devicesOfModel(deviceModel, cursor, count); }
  countDevicesAt(destination: string) { return this.directory.countDevicesAt(destination); }
  sampleDevicesAt(destination: string, count: number) { return this.directory.sampleDevicesAt(destination, count); }
  leaseAlerts(destination: string, owner: string, ttlMs: number) { return this.directory.leaseAlerts(destination, owner, ttlMs); }
  directoryChanges(cursor: string | undefined, limit?: number) { return this.directory.directoryChanges(cursor, limit); }
  putInstallations(installations: readonly InstallationWrite[]) { return this.directory.putInstallations(installations); }
  updateInstallations(installationIds: readonly string[], change: InstallationChange) { return this.directory.updateInstallations(installationIds, change); }
  getInstallations(installationIds: readonly string[]) { return this.directory.getInstallations(installationIds); }
  supplierInstallationGroups(supplier: string) { return this.directory.supplierInstallationGroups(supplier); }
  installationsStartingBy(supplier: string, group: string, until: number, max?: number) { return this.directory.installationsStartingBy(supplier, group, until, max); }

  // Requests: read before acceptance, accepted, read back, answered by their network.
  loadContext(requestId: string, leg: Leg) { return this.requests.loadContext(requestId, leg); }
  recordAcceptance(requestId: string, acceptance: Acceptance) { return this.requests.recordAcceptance(requestId, acceptance); }
  getRequest(requestId: string) { return this.requests.getRequest(requestId); }
  recordResponse(response: NetworkResponse) { return this.requests.recordResponse(response); }

  // Egress: each destination's queue and the requests held for their ExecutionDateTime.
  claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs?: number) { return this.egress.claimEgress(destinations, consumer, max, blockMs); }
  reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number) { return this.egress.reclaimEgress(destinations, consumer, max, idleMs); }
  renewEgress(items: readonly EgressItem[], consumer: string) { return this.egress.renewEgress(items, consumer); }
  claimHeld(now: number, max: number, claimUntil: number) { return this.egress.claimHeld(now, max, claimUntil); }
  settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver) { return this.egress.settleHeld(claims, now, verdicts, later, handOver); }
  heldLeasedAt(at: number, destinations: readonly string[]) { return this.egress.heldLeasedAt(at, destinations); }
  egressBacklog(destinations: readonly string[]) { return this.egress.egressBacklog(destinations); }

  // Target Response Time breaches.
  markBreaches(now: number, lagBoundsMs?: readonly number[]) { return this.trt.markBreaches(now, lagBoundsMs); }
  claimBreaches(now: number, max: number) { return this.trt.claimBreaches(now, max); }

  // DSP schedules.
  allocateScheduleId() { return this.schedules.allocateScheduleId(); }
  createSchedule(originatorId: string, scheduleId: number, schedule: DspSchedule, firstDueAt: number, requestId: string) { return this.schedules.createSchedule(originatorId, scheduleId, schedule, firstDueAt, requestId); }
  getSchedule(originatorId: string, scheduleId: number) { return this.schedules.getSchedule(originatorId, scheduleId); }
  deleteSchedule(originatorId: string, scheduleId: number) { return this.schedules.deleteSchedule(originatorId, scheduleId); }
  schedulesOnDevice(originatorId: string, deviceId: string) { return this.schedules.schedulesOnDevice(originatorId, deviceId); }
  claimDueSchedules(now: number, max: number, leaseMs: number) { return this.schedules.claimDueSchedules(now, max, leaseMs); }
  rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined) { return this.schedules.rescheduleSchedule(claimed, nextDueAt); }

  // Outboxes, webhook deliveries and dead letters.
  enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]) { return this.outbox.enqueueOutboxMany(entries); }
  enqueueOutbox(userId: string, item: NewOutboxItem) { return this.outbox.enqueueOutbox(userId, item); }
  readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number) { return this.outbox.readOutbox(userId, after, limit, deliveredAt); }
  markDelivered(requestIds: readonly string[], at: number) { return this.outbox.markDelivered(requestIds, at); }
  webhookBacklog() { return this.outbox.webhookBacklog(); }
  outboxLag(userIds: readonly string[], now: number) { return this.outbox.outboxLag(userIds, now); }
  outboxHeads(userIds: readonly string[]) { return this.outbox.outboxHeads(userIds); }
  leaseDelivery(userId: string, owner: string, ttlMs: number) { return this.outbox.leaseDelivery(userId, owner, ttlMs); }
  releaseDelivery(userId: string, owner: string) { return this.outbox.releaseDelivery(userId, owner); }
  deliveryCursor(userId: string) { return this.outbox.deliveryCursor(userId); }
  setDeliveryCursor(userId: string, cursor: string) { return this.outbox.setDeliveryCursor(userId, cursor); }
  deadLetter(userId: string, item: OutboxItem, reason: string) { return this.outbox.deadLetter(userId, item, reason); }
  listDeadLetters(userId: string | undefined, after: string | undefined, limit: number) { return this.outbox.listDeadLetters(userId, after, limit); }
  redriveDeadLetters(userId: string, ids: readonly string[] | 'all') { return this.outbox.redriveDeadLetters(userId, ids); }

  // Quarantine (Threshold Anomaly Detection).
  findQuarantine(ref: string) { return this.quarantine.findQuarantine(ref); }
  releaseQuarantine(requestId: string, release: Release) { return this.quarantine.releaseQuarantine(requestId, release); }
  deleteQuarantined(requestId: string, at: number, ref?: string) { return this.quarantine.deleteQuarantined(requestId, at, ref); }
  listQuarantined(userId: string | undefined, after: string | undefined, limit: number) { return this.quarantine.listQuarantined(userId, after, limit); }
  expireQuarantined(now: number, max: number) { return this.quarantine.expireQuarantined(now, max); }

  // Settings, statistics, and the store itself.
  incrementStats(set: string, increments: Record<string, number>, flushId: string) { return this.settings.incrementStats(set, increments, flushId); }
  readStats(set: string) { return this.settings.readStats(set); }
  getSetting<T>(name: string) { return this.settings.getSetting<T>(name); }
  getSettings(names: readonly string[]) { return this.settings.getSettings(names); }
  putSetting<T>(name: string, value: T) { return this.settings.putSetting(name, value); }
  updateSetting<T>(name: string, change: (current: T | undefined) => T | undefined) { return this.settings.updateSetting(name, change); }
  storeTime() { return this.settings.storeTime(); }
  storeIdentity(candidate: string) { return this.settings.storeIdentity(candidate); }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
