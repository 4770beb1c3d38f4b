import { findSrv } from '../catalogue/index.ts';
import { parseEui } from '../identifiers/index.ts';
import { isPlainObject } from '../json/index.ts';
import type { SrvDefinition } from '../types/index.ts';

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

function validDate(text: unknown): text is string {
  if (typeof text !== 'string' || !DATE.test(text)) return false;
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
  const frequency = value.ScheduleFrequency;
  if (typeof frequency !== 'string' || !Object.hasOwn(FREQUENCIES, frequency)) {
    return { ok: false, message: `ScheduleFrequency must be one of ${Object.keys(FREQUENCIES).join(', ')}` };
  }
  if (!validDate(value.ScheduleStartDate)) return { ok: false, message: 'ScheduleStartDate must be a date, YYYY-MM-DD' };
  if (value.ScheduleEndDate !== undefined && !validDate(value.ScheduleEndDate)) return { ok: false, message: 'ScheduleEndDate must be a date, YYYY-MM-DD' };
  if (value.ScheduleEndDate !== undefined && (value.ScheduleEndDate as string) < (value.ScheduleStartDate as string)) {
    return { ok: false, message: 'ScheduleEndDate must not be before ScheduleStartDate' };
  }
  const time = value.ScheduleExecutionStartTime ?? '00:00:00';
  if (typeof time !== 'string' || !TIME.test(time)) return { ok: false, message: 'ScheduleExecutionStartTime must be a UTC time, HH:MM:SS' };
  const variant = value.DSPScheduledServiceReferenceVariant;
  const srv = typeof variant === 'string' ? findSrv(variant) : undefined;
  if (!isSchedulable(srv)) return { ok: false, message: 'DSPScheduledServiceReferenceVariant must be a schedulable Service Reference Variant' };
  if (value.DSPScheduledServiceReference !== srv.serviceReference) {
    return { ok: false, message: `DSPScheduledServiceReference must be ${srv.serviceReference}, the reference of ${srv.srv}` };
  }
  const deviceId = parseEui(value.DeviceID);
  if (!deviceId) return { ok: false, message: 'DeviceID must be an EUI-64' };
  // The scheduled read's element: DSP + the SRV's body element (DUIS: DSPRetrieveImportDailyReadLog).
  const element = `DSP${srv.bodyElement}`;
  const readValue = value[element] ?? {};
  if (readValue !== '' && !isPlainObject(readValue)) return { ok: false, message: `${element} must be an object` };
  const known = new Set(['ScheduleFrequency', 'ScheduleStartDate', 'ScheduleEndDate', 'ScheduleExecutionStartTime', 'KAPublicSecurityCredential', 'DSPScheduledServiceReference', 'DSPScheduledServiceReferenceVariant', 'DeviceID', element]);
  const unknown = Object.keys(value).find((key) => !known.has(key));
  if (unknown) return { ok: false, message: `${unknown} is not a field of a ${srv.srv} schedule (its read is ${element})` };
  return {
    ok: true, srv,
    schedule: {
      frequency: frequency as ScheduleFrequency, startDate: value.ScheduleStartDate as string,
      ...(value.ScheduleEndDate !== undefined ? { endDate: value.ScheduleEndDate as string } : {}),
      executionStartTime: time, srv: srv.srv, deviceId, bodyElement: srv.bodyElement, bodyValue: readValue as Record<string, unknown> | '',
    },
  };
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
    DSPScheduledServiceReference: srv.serviceReference, DSPScheduledServiceReferenceVariant: srv.srv,
    DeviceID: schedule.deviceId, [`DSP${schedule.bodyElement}`]: schedule.bodyValue,
  };
}
