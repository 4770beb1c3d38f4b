import { describe, expect, it } from 'vitest';
import { nextOccurrence, occurrenceAt, occurrenceCounter, parseCreateSchedule, scheduleDetails, type DspSchedule } from './index.ts';

const create = (extra: Record<string, unknown> = {}) => ({
  ScheduleFrequency: 'Daily', ScheduleStartDate: '2026-12-01', ScheduleExecutionStartTime: '02:30:00',
  DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: '00-db-12-34-56-78-90-a0',
  DSPRetrieveImportDailyReadLog: { ReadLogPeriod: 1 }, ...extra,
});

describe('parseCreateSchedule', () => {
  it('takes a DUIS DSPSchedule', () => {
    const parsed = parseCreateSchedule(create());
    expect(parsed).toMatchObject({ ok: true, schedule: { frequency: 'Daily', srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: { ReadLogPeriod: 1 } } });
    if (parsed.ok) expect(scheduleDetails(parsed.schedule)).toEqual({ ...create(), DeviceID: '00-DB-12-34-56-78-90-A0' });
  });

  it.each([
    [{ ScheduleFrequency: 'Hourly' }, 'ScheduleFrequency must be one of'],
    [{ ScheduleStartDate: '2026-02-30' }, 'ScheduleStartDate must be a date'],
    [{ ScheduleEndDate: '2026-11-30' }, 'ScheduleEndDate must not be before ScheduleStartDate'],
    [{ ScheduleExecutionStartTime: '24:00:00' }, 'ScheduleExecutionStartTime must be a UTC time'],
    [{ DSPScheduledServiceReferenceVariant: '1.1.1' }, 'must be a schedulable Service Reference Variant'],
    // Text only: an object whose conversion to text throws, or an array that reads as its one element.
    [{ DSPScheduledServiceReferenceVariant: { toString: 1 } }, 'must be a schedulable Service Reference Variant'],
    [{ DSPScheduledServiceReferenceVariant: ['4.6.1'] }, 'must be a schedulable Service Reference Variant'],
    [{ DSPScheduledServiceReference: '4.8' }, 'DSPScheduledServiceReference must be 4.6'],
    [{ DeviceID: 'x' }, 'DeviceID must be an EUI-64'],
    [{ Extra: 1 }, 'Extra is not a field of a 4.6.1 schedule'],
  ])('refuses %j, naming the field', (extra, message) => {
    const parsed = parseCreateSchedule(create(extra));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('occurrences', () => {
  const schedule = (frequency: DspSchedule['frequency'], startDate: string, endDate?: string): DspSchedule =>
    ({ frequency, startDate, endDate, executionStartTime: '02:30:00', srv: '4.6.1', deviceId: 'd', bodyElement: 'x', bodyValue: {} });

  it('steps by days, and by calendar months clamped to the month end', () => {
    expect(new Date(occurrenceAt(schedule('Weekly', '2026-12-01'), 2)).toISOString()).toBe('2026-12-15T02:30:00.000Z');
    const monthly = schedule('Monthly', '2027-01-31');
    expect([1, 2, 12].map((n) => new Date(occurrenceAt(monthly, n)).toISOString().slice(0, 10))).toEqual(['2027-02-28', '2027-03-31', '2028-01-31']);
    expect(new Date(occurrenceAt(schedule('Half-Yearly', '2026-08-31'), 1)).toISOString().slice(0, 10)).toBe('2027-02-28');
  });

  it('finds the next occurrence at or after a time, and none past the end date', () => {
    const daily = schedule('Daily', '2026-12-01', '2026-12-10');
    expect(nextOccurrence(daily, Date.parse('2026-11-01T00:00:00Z'))).toEqual({ index: 0, at: Date.parse('2026-12-01T02:30:00Z') });
    expect(nextOccurrence(daily, Date.parse('2026-12-05T02:30:00Z'))).toEqual({ index: 4, at: Date.parse('2026-12-05T02:30:00Z') });
    expect(nextOccurrence(daily, Date.parse('2026-12-05T02:30:00.001Z'))!.index).toBe(5);
    expect(nextOccurrence(daily, Date.parse('2026-12-10T03:00:00Z'))).toBeUndefined();
    const quarterly = schedule('Quarterly', '2026-01-15');
    expect(nextOccurrence(quarterly, Date.parse('2030-05-01T00:00:00Z'))).toEqual({ index: 18, at: Date.parse('2030-07-15T02:30:00Z') });
  });

  it('gives each occurrence its own RequestID counter, from 10^19 up and within uint64', () => {
    expect(occurrenceCounter(1, 0)).toBe('10000000000010000000');
    expect(occurrenceCounter(1, 9_999_999)).toBe('10000000000019999999');
    expect(occurrenceCounter(2, 0)).toBe('10000000000020000000');
    // The most schedules it has room for: about 844 thousand million.
    expect(occurrenceCounter(844_674_407_369, 9_999_999)).toBe('18446744073699999999');
    expect(BigInt(occurrenceCounter(844_674_407_369, 9_999_999)) < 2n ** 64n).toBe(true);
  });
});
