import { findSrv } from '../catalogue/index.ts';
import { parseEui } from '../identifiers/index.ts';
import { isPlainObject } from '../json/index.ts';
import { isBase64Binary } from '../request/index.ts';
import type { Device, SmiStatus, SrvDefinition, User } from '../types/index.ts';
import { eligibleRolesOf, isAuthorisedForDevice } from '../validation/index.ts';

/** DUIS V5.4 ScheduleFrequency, as months between occurrences (Daily and Weekly by days). */
const FREQUENCIES = { Daily: { days: 1 }, Weekly: { days: 7 }, Monthly: { months: 1 }, Quarterly: { months: 3 }, 'Half-Yearly': { months: 6 }, Yearly: { months: 12 } } as const;
export type ScheduleFrequency = keyof typeof FREQUENCIES;

/** A DSP schedule (5.1 CreateSchedule's DSPSchedule, contract v1.1 "DSP schedules"). */
export interface DspSchedule {
  frequency: ScheduleFrequency;
  /** YYYY-MM-DD (UTC). */
  startDate: string;
  endDate?: string;
  /** HH:MM:SS (UTC); 00:00:00 unless given. */
  executionStartTime: string;
  /** KAPublicSecurityCredential as given (base64), kept to be read back by 5.2. */
  kaPublicSecurityCredential?: string;
  /** The scheduled SRV (DSPScheduledServiceReferenceVariant), e.g. "4.6.1". */
  srv: string;
  deviceId: string;
  /** The scheduled read's element and value (the SRV's own body element, e.g. RetrieveImportDailyReadLog). */
  bodyElement: string;
  bodyValue: Record<string, unknown> | '';
}

export type ScheduleParse = { ok: true; schedule: DspSchedule; srv: SrvDefinition } | { ok: false; message: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
const UTC_ZONE = /(?:Z|[+-]00:00)$/;

/**
 * An xs:date or xs:time as DUIS XML may write it, in the plain UTC form the schedule keeps
 * (YYYY-MM-DD, HH:MM:SS): a UTC zone (Z, +00:00) and a time's fraction of zeros say the same.
 * Anything else is left as it is, to be refused by name (another zone moves the day: not guessed).
 */
function plainUtc(text: unknown, time: boolean): unknown {
  if (typeof text !== 'string') return text;
  const zoneless = text.replace(UTC_ZONE, '');
  return time ? zoneless.replace(/\.0+$/, '') : zoneless;
}

// Years before 1970 are refused: Date.UTC reads years 0-99 as 19xx, and no meter read is due then.
function validDate(text: unknown): text is string {
  if (typeof text !== 'string' || !DATE.test(text) || text < '1970') return false;
  const at = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(text);
}

/** The schedulable SRVs: those DUIS lets the DSP schedule. */
export function isSchedulable(srv: SrvDefinition | undefined): srv is SrvDefinition {
  return srv !== undefined && srv.dccScheduledEligible;
}

/** 5.1's CreateSchedule value, checked field by field; the message names the field. */
export function parseCreateSchedule(value: unknown): ScheduleParse {
  if (!isPlainObject(value)) return { ok: false, message: 'CreateSchedule must be an object (a DSPSchedule)' };
  const startDate = plainUtc(value.ScheduleStartDate, false);
  const endDate = plainUtc(value.ScheduleEndDate, false);
  const frequency = value.ScheduleFrequency;
  // The schedule wrapped once more ({ "DSPSchedule": {...} }): said so, not that its frequency is wrong.
  const wrapper = frequency === undefined ? Object.keys(value).find((key) => isPlainObject(value[key]) && Object.hasOwn(value[key], 'ScheduleFrequency')) : undefined;
  if (wrapper !== undefined) return { ok: false, message: `${wrapper} is not a field of a DSPSchedule: its fields (ScheduleFrequency, ...) are CreateSchedule's own` };
  if (typeof frequency !== 'string' || !Object.hasOwn(FREQUENCIES, frequency)) {
    return { ok: false, message: `ScheduleFrequency must be one of ${Object.keys(FREQUENCIES).join(', ')}` };
  }
  if (!validDate(startDate)) return { ok: false, message: 'ScheduleStartDate must be a date, YYYY-MM-DD (UTC), from 1970' };
  if (endDate !== undefined && !validDate(endDate)) return { ok: false, message: 'ScheduleEndDate must be a date, YYYY-MM-DD (UTC), from 1970' };
  if (endDate !== undefined && endDate < startDate) {
    return { ok: false, message: 'ScheduleEndDate must not be before ScheduleStartDate' };
  }
  const time = plainUtc(value.ScheduleExecutionStartTime ?? '00:00:00', true);
  if (typeof time !== 'string' || !TIME.test(time)) return { ok: false, message: 'ScheduleExecutionStartTime must be a UTC time, HH:MM:SS (to the second)' };
  const variant = value.DSPScheduledServiceReferenceVariant;
  const srv = typeof variant === 'string' ? findSrv(variant) : undefined;
  if (!isSchedulable(srv)) return { ok: false, message: 'DSPScheduledServiceReferenceVariant must be a schedulable Service Reference Variant' };
  if (value.DSPScheduledServiceReference !== srv.serviceReference) {
    return { ok: false, message: `DSPScheduledServiceReference must be ${srv.serviceReference}, the reference of ${srv.srv}` };
  }
  const deviceId = parseEui(value.DeviceID);
  if (!deviceId) return { ok: false, message: 'DeviceID must be an EUI-64' };
  const credential = value.KAPublicSecurityCredential;
  if (credential !== undefined && (typeof credential !== 'string' || !isBase64Binary(credential))) {
    return { ok: false, message: 'KAPublicSecurityCredential must be a certificate, base64' };
  }
  // The scheduled read's element: DSP + the SRV's body element (DUIS: DSPRetrieveImportDailyReadLog).
  const element = `DSP${srv.bodyElement}`;
  const known = new Set(['ScheduleFrequency', 'ScheduleStartDate', 'ScheduleEndDate', 'ScheduleExecutionStartTime', 'KAPublicSecurityCredential', 'DSPScheduledServiceReference', 'DSPScheduledServiceReferenceVariant', 'DeviceID', element]);
  const unknown = Object.keys(value).find((key) => !known.has(key));
  if (unknown) return { ok: false, message: `${unknown} is not a field of a ${srv.srv} schedule (its read is ${element})` };
  const read = parseScheduledRead(srv.srv, element, value[element]);
  if (typeof read === 'string') return { ok: false, message: read };
  return {
    ok: true, srv,
    schedule: {
      frequency: frequency as ScheduleFrequency, startDate,
      ...(endDate !== undefined ? { endDate } : {}),
      executionStartTime: time,
      ...(credential !== undefined ? { kaPublicSecurityCredential: credential as string } : {}),
      srv: srv.srv, deviceId, bodyElement: srv.bodyElement, bodyValue: read,
    },
  };
}

/** The schedulable reads of a log period (DUIS: their DSP element is a ReadLogPeriodOffset); the others' element is empty. */
const LOG_PERIOD_READS: ReadonlySet<string> = new Set(['4.6.1', '4.6.2', '4.8.1', '4.8.2', '4.8.3', '4.10', '4.14', '4.17']);
const OFFSET_FIELDS = ['StartDateOffset', 'StartTime', 'EndDateOffset', 'EndTime'] as const;
const OFFSET_SHAPE = `a ReadLogPeriodOffset { ${OFFSET_FIELDS.join(', ')} }`;

/**
 * The scheduled read's element, as DUIS has it: for a log read its ReadLogPeriodOffset (days
 * before each occurrence's date, -400 to 0, and times of day, UTC), for the others nothing.
 * A message naming the field when it is not.
 */
function parseScheduledRead(srv: string, element: string, value: unknown): Record<string, unknown> | string {
  if (!LOG_PERIOD_READS.has(srv)) {
    if (value === undefined || value === '' || (isPlainObject(value) && Object.keys(value).length === 0)) return {};
    return `${element} must be empty: a ${srv} read takes no period`;
  }
  if (!isPlainObject(value)) return `${element} must be ${OFFSET_SHAPE}`;
  const extra = Object.keys(value).find((key) => !(OFFSET_FIELDS as readonly string[]).includes(key));
  if (extra) return `${extra} is not a field of ${element}, ${OFFSET_SHAPE}`;
  for (const field of ['StartDateOffset', 'EndDateOffset'] as const) {
    const offset = value[field];
    const number = typeof offset === 'string' && /^-?\d{1,3}$/.test(offset) ? Number(offset) : offset;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < -400 || number > 0) return `${element}.${field} must be a whole number of days from -400 to 0`;
  }
  const [startTime, endTime] = [plainUtc(value.StartTime, true), plainUtc(value.EndTime, true)];
  for (const [field, time] of [['StartTime', startTime], ['EndTime', endTime]] as const) {
    if (typeof time !== 'string' || !TIME.test(time)) return `${element}.${field} must be a UTC time, HH:MM:SS (to the second)`;
  }
  const days = (field: 'StartDateOffset' | 'EndDateOffset') => Number(value[field]);
  if (days('StartDateOffset') * 86_400 + seconds(startTime as string) > days('EndDateOffset') * 86_400 + seconds(endTime as string)) {
    return `${element}: the period must not end before it starts`;
  }
  return { StartDateOffset: days('StartDateOffset'), StartTime: startTime, EndDateOffset: days('EndDateOffset'), EndTime: endTime };
}

function seconds(time: string): number {
  const [hh, mm, ss] = time.split(':').map(Number);
  return hh * 3600 + mm * 60 + ss;
}

/**
 * The body value an occurrence sends to the device as its on-demand read: a log read's offsets
 * made the ReadLogPeriod of the occurrence's own date (UTC), e.g. -1 00:00:00 to 0 00:00:00 the
 * day before it; a read with no period, or a schedule stored before 5.1 checked its read element
 * (whatever object it was given), as it is.
 */
export function occurrenceReadValue(schedule: DspSchedule, occurrenceAt: number): Record<string, unknown> | '' {
  const read = schedule.bodyValue;
  if (!LOG_PERIOD_READS.has(schedule.srv) || typeof parseScheduledRead(schedule.srv, schedule.bodyElement, read) === 'string') return read;
  const offsets = read as Record<(typeof OFFSET_FIELDS)[number], string | number>;
  const day = Math.floor(occurrenceAt / 86_400_000) * 86_400_000;
  const at = (offset: string | number, time: string | number) => new Date(day + Number(offset) * 86_400_000 + seconds(String(time)) * 1000).toISOString().replace('.000Z', 'Z');
  return { ReadLogPeriod: { StartDateTime: at(offsets.StartDateOffset, offsets.StartTime), EndDateTime: at(offsets.EndDateOffset, offsets.EndTime) } };
}

function addMonthsClamped(year: number, month: number, day: number, months: number): [number, number, number] {
  const total = month + months;
  const y = year + Math.floor(total / 12);
  const m = ((total % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return [y, m, Math.min(day, last)];
}

/** The nth occurrence (0 = the first) in epoch ms: a month's end clamps (31 January, then 28 February). */
export function occurrenceAt(schedule: DspSchedule, n: number): number {
  const [year, month, day] = schedule.startDate.split('-').map(Number);
  const [hh, mm, ss] = schedule.executionStartTime.split(':').map(Number);
  const step = FREQUENCIES[schedule.frequency];
  if ('days' in step) return Date.UTC(year, month - 1, day + n * step.days, hh, mm, ss);
  const [y, m, d] = addMonthsClamped(year, month - 1, day, n * step.months);
  return Date.UTC(y, m, d, hh, mm, ss);
}

/** The first occurrence at or after `from`, with its index; undefined once past the end date. */
export function nextOccurrence(schedule: DspSchedule, from: number): { index: number; at: number } | undefined {
  const end = schedule.endDate ? Date.parse(`${schedule.endDate}T23:59:59.999Z`) : Infinity;
  const first = occurrenceAt(schedule, 0);
  let index = 0;
  if (from > first) {
    const step = FREQUENCIES[schedule.frequency];
    const approxMs = 'days' in step ? step.days * 86_400_000 : step.months * 28 * 86_400_000;
    // A guess from below (months are 28 days at least), then forward to the first at or after `from`.
    index = Math.max(0, Math.floor((from - first) / approxMs) - 1);
    while (occurrenceAt(schedule, index) < from) index++;
    while (index > 0 && occurrenceAt(schedule, index - 1) >= from) index--;
  }
  const at = occurrenceAt(schedule, index);
  return at <= end ? { index, at } : undefined;
}

/**
 * Occurrences' counters start at 10^19: a User counting its own RequestIDs up from any start
 * below it (the usual way) never meets one, where schedule 1's occurrences at 10^7 were within
 * reach of a busy User's counter for the same device, and one taken first lost the other.
 */
const OCCURRENCE_COUNTER_BASE = 10n ** 19n;

/** An occurrence's RequestID counter: 10^19, plus the schedule ID, then the occurrence's index in 7 digits (uint64). */
export function occurrenceCounter(scheduleId: number, index: number): string {
  return (OCCURRENCE_COUNTER_BASE + BigInt(scheduleId) * 10_000_000n + BigInt(index % 10_000_000)).toString();
}

/** The schedule as 5.2 ReadSchedule answers it (DUIS DSPScheduleDetails). */
export function scheduleDetails(schedule: DspSchedule): Record<string, unknown> {
  const srv = findSrv(schedule.srv)!;
  return {
    ScheduleFrequency: schedule.frequency, ScheduleStartDate: schedule.startDate,
    ...(schedule.endDate ? { ScheduleEndDate: schedule.endDate } : {}),
    ScheduleExecutionStartTime: schedule.executionStartTime,
    ...(schedule.kaPublicSecurityCredential !== undefined ? { KAPublicSecurityCredential: schedule.kaPublicSecurityCredential } : {}),
    DSPScheduledServiceReference: srv.serviceReference, DSPScheduledServiceReferenceVariant: srv.srv,
    DeviceID: schedule.deviceId, [`DSP${schedule.bodyElement}`]: schedule.bodyValue,
  };
}

/** Statuses a device does not leave: its schedules will never run again. */
export const FINAL_DEVICE_STATUSES: ReadonlySet<SmiStatus> = new Set<SmiStatus>(['Decommissioned', 'Withdrawn']);

/**
 * Why a User's schedule can never run again on its device as the device now stands (DUIS then
 * removes it and tells its User), as the refusal its next occurrence would get: the User gone, the
 * device Decommissioned or Withdrawn, or the User no longer registered against it in a role that
 * may send the scheduled SRV (a change of supplier). Undefined while it may run: what may lift (a
 * suspension), and a User whose roles no longer allow the SRV at all, is left to its occurrences.
 */
export function scheduleEndedBy(user: User | undefined, schedule: DspSchedule, device: Device): 'unknown_user' | 'device_status_incompatible' | 'not_authorised_for_device' | undefined {
  if (!user) return 'unknown_user';
  if (FINAL_DEVICE_STATUSES.has(device.status)) return 'device_status_incompatible';
  const srv = findSrv(schedule.srv);
  const roles = srv ? eligibleRolesOf(user, srv) : [];
  if (roles.length > 0 && !isAuthorisedForDevice(user.userId, roles, device)) return 'not_authorised_for_device';
  return undefined;
}
