import { describe, expect, it } from 'vitest';
import type { Device, Role, User } from '../types/index.ts';
import { nextOccurrence, occurrenceAt, occurrenceCounter, occurrenceReadValue, parseCreateSchedule, scheduleDetails, scheduleEndedBy, type DspSchedule } from './index.ts';

/** DUIS's ReadLogPeriodOffset: the day before each occurrence's date, midnight to midnight. */
const YESTERDAY = { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' };

/** A 4.12.1 schedule (its read takes no period) with this read element, or none. */
function maximumDemand(read: unknown): Record<string, unknown> {
  const { DSPRetrieveImportDailyReadLog: _logRead, ...schedule } = create({ DSPScheduledServiceReference: '4.12', DSPScheduledServiceReferenceVariant: '4.12.1' });
  return read === undefined ? schedule : { ...schedule, DSPReadMaximumDemandImportRegisters: read };
}

const create = (extra: Record<string, unknown> = {}) => ({
  ScheduleFrequency: 'Daily', ScheduleStartDate: '2026-12-01', ScheduleExecutionStartTime: '02:30:00',
  DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: '00-db-12-34-56-78-90-a0',
  DSPRetrieveImportDailyReadLog: YESTERDAY, ...extra,
});

describe('parseCreateSchedule', () => {
  it('takes a DUIS DSPSchedule', () => {
    const parsed = parseCreateSchedule(create());
    expect(parsed).toMatchObject({ ok: true, schedule: { frequency: 'Daily', srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: YESTERDAY } });
    if (parsed.ok) expect(scheduleDetails(parsed.schedule)).toEqual({ ...create(), DeviceID: '00-DB-12-34-56-78-90-A0' });
  });

  it('keeps a KAPublicSecurityCredential for 5.2 to read back, in the schema\'s place', () => {
    const parsed = parseCreateSchedule(create({ KAPublicSecurityCredential: 'MIIB' }));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(Object.keys(scheduleDetails(parsed.schedule)).slice(2, 4)).toEqual(['ScheduleExecutionStartTime', 'KAPublicSecurityCredential']);
    expect(scheduleDetails(parsed.schedule).KAPublicSecurityCredential).toBe('MIIB');
  });

  it('reads offsets written as text (as DUIS XML carries them), and an empty read element where the read takes no period', () => {
    const parsed = parseCreateSchedule(create({ DSPRetrieveImportDailyReadLog: { StartDateOffset: '-7', StartTime: '00:00:00', EndDateOffset: '0', EndTime: '23:59:59' } }));
    expect(parsed).toMatchObject({ ok: true, schedule: { bodyValue: { StartDateOffset: -7, EndDateOffset: 0 } } });
    for (const read of [{}, '', undefined]) expect(parseCreateSchedule(maximumDemand(read)).ok).toBe(true);
  });

  it('takes the xs:date and xs:time forms DUIS XML may write in UTC (a zone of Z or +00:00, a fraction of zeros), kept in their plain form', () => {
    const parsed = parseCreateSchedule(create({
      ScheduleStartDate: '2026-12-01Z', ScheduleEndDate: '2027-01-31+00:00', ScheduleExecutionStartTime: '02:30:00.000Z',
      DSPRetrieveImportDailyReadLog: { ...YESTERDAY, StartTime: '00:00:00Z', EndTime: '00:00:00.0-00:00' },
    }));
    expect(parsed).toMatchObject({ ok: true, schedule: { startDate: '2026-12-01', endDate: '2027-01-31', executionStartTime: '02:30:00', bodyValue: YESTERDAY } });
  });

  it.each([
    [{ ScheduleExecutionStartTime: '02:30:00+01:00' }, 'ScheduleExecutionStartTime must be a UTC time, HH:MM:SS (to the second)'],
    [{ ScheduleExecutionStartTime: '02:30:00.5' }, 'ScheduleExecutionStartTime must be a UTC time, HH:MM:SS (to the second)'],
    [{ ScheduleStartDate: '2026-12-01+01:00' }, 'ScheduleStartDate must be a date, YYYY-MM-DD (UTC)'],
    [{ DSPRetrieveImportDailyReadLog: { ...YESTERDAY, EndTime: '01:00:00+01:00' } }, 'DSPRetrieveImportDailyReadLog.EndTime must be a UTC time'],
    [{ ScheduleFrequency: 'Hourly' }, 'ScheduleFrequency must be one of'],
    [{ ScheduleFrequency: undefined, DSPSchedule: { ScheduleFrequency: 'Daily' } }, 'DSPSchedule is not a field of a DSPSchedule: its fields (ScheduleFrequency, ...) are CreateSchedule\'s own'],
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
    [{ ScheduleStartDate: '0050-01-04' }, 'ScheduleStartDate must be a date, YYYY-MM-DD (UTC), from 1970'],
    [{ KAPublicSecurityCredential: { x: 1 } }, 'KAPublicSecurityCredential must be a certificate, base64'],
    [{ KAPublicSecurityCredential: ' ' }, 'KAPublicSecurityCredential must be a certificate, base64'],
    // Not whole base64 quanta, or padding where it cannot be: as a signed leg's GBCSPayload is judged.
    [{ KAPublicSecurityCredential: 'A' }, 'KAPublicSecurityCredential must be a certificate, base64'],
    [{ KAPublicSecurityCredential: 'MII' }, 'KAPublicSecurityCredential must be a certificate, base64'],
    [{ KAPublicSecurityCredential: 'ABCDE=' }, 'KAPublicSecurityCredential must be a certificate, base64'],
    [{ DSPRetrieveImportDailyReadLog: undefined }, 'DSPRetrieveImportDailyReadLog must be a ReadLogPeriodOffset'],
    [{ DSPRetrieveImportDailyReadLog: {} }, 'DSPRetrieveImportDailyReadLog.StartDateOffset must be a whole number of days from -400 to 0'],
    [{ DSPRetrieveImportDailyReadLog: { ...YESTERDAY, StartDateOffset: 5 } }, 'StartDateOffset must be a whole number of days from -400 to 0'],
    [{ DSPRetrieveImportDailyReadLog: { ...YESTERDAY, EndDateOffset: -401 } }, 'EndDateOffset must be a whole number of days from -400 to 0'],
    [{ DSPRetrieveImportDailyReadLog: { ...YESTERDAY, EndTime: '25:00:00' } }, 'EndTime must be a UTC time'],
    [{ DSPRetrieveImportDailyReadLog: { ...YESTERDAY, Bogus: true } }, 'Bogus is not a field of DSPRetrieveImportDailyReadLog'],
    [{ DSPRetrieveImportDailyReadLog: { ...YESTERDAY, StartDateOffset: 0, EndDateOffset: -1 } }, 'the period must not end before it starts'],
  ])('refuses %j, naming the field', (extra, message) => {
    const parsed = parseCreateSchedule(create(extra));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it('refuses a read element with content where the read takes no period', () => {
    expect(parseCreateSchedule(maximumDemand({ x: 1 }))).toEqual({ ok: false, message: 'DSPReadMaximumDemandImportRegisters must be empty: a 4.12.1 read takes no period' });
  });
});

describe('occurrenceReadValue', () => {
  const daily = (bodyValue: DspSchedule['bodyValue']): DspSchedule =>
    ({ frequency: 'Daily', startDate: '2026-12-01', executionStartTime: '02:30:00', srv: '4.6.1', deviceId: 'd', bodyElement: 'RetrieveImportDailyReadLog', bodyValue });

  it("makes a log read's offsets the ReadLogPeriod of the occurrence's own date", () => {
    const at = Date.parse('2027-03-01T02:30:00Z');
    expect(occurrenceReadValue(daily(YESTERDAY), at)).toEqual({ ReadLogPeriod: { StartDateTime: '2027-02-28T00:00:00Z', EndDateTime: '2027-03-01T00:00:00Z' } });
    expect(occurrenceReadValue(daily({ StartDateOffset: -7, StartTime: '06:00:00', EndDateOffset: -1, EndTime: '23:59:59' }), at))
      .toEqual({ ReadLogPeriod: { StartDateTime: '2027-02-22T06:00:00Z', EndDateTime: '2027-02-28T23:59:59Z' } });
  });

  it('sends a read with no period as it is', () => {
    expect(occurrenceReadValue(daily({}), Date.now())).toEqual({});
  });

  it('sends a schedule stored before 5.1 checked the read element as it was stored, never failing on it', () => {
    for (const stored of [{}, '' as const, { StartDateOffset: -1 }, { ReadLogPeriod: { StartDateTime: '2026-01-01T00:00:00Z', EndDateTime: '2026-01-02T00:00:00Z' } }]) {
      expect(occurrenceReadValue(daily(stored), Date.parse('2027-03-01T02:30:00Z'))).toEqual(stored);
    }
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

describe('scheduleEndedBy', () => {
  const SUPPLIER = '90-B3-D5-1F-30-01-00-00';
  const NEW_SUPPLIER = '90-B3-D5-1F-30-01-00-01';
  const user = (roles: Role[], userId = SUPPLIER): User => ({ userId, roles, status: 'active', publicKeyPem: 'unused' });
  const meter = (over: Partial<Device> = {}): Device => ({
    deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER, ...over,
  });
  const parsed = parseCreateSchedule(create());
  if (!parsed.ok) throw new Error(parsed.message);
  const schedule = parsed.schedule;

  it('lets a schedule run while its User is still registered against the device in a role that may send it', () => {
    expect(scheduleEndedBy(user(['IS']), schedule, meter())).toBeUndefined();
    // A suspension may lift: left to the occurrences.
    expect(scheduleEndedBy({ ...user(['IS']), status: 'suspended' }, schedule, meter({ status: 'Suspended' }))).toBeUndefined();
  });

  it('ends it at a change of supplier, as its next occurrence would be refused E4', () => {
    expect(scheduleEndedBy(user(['IS']), schedule, meter({ importSupplier: NEW_SUPPLIER }))).toBe('not_authorised_for_device');
    // Still the device's party, but not in the role the schedule's SRV needs.
    expect(scheduleEndedBy(user(['IS', 'ED']), schedule, meter({ importSupplier: NEW_SUPPLIER, electricityDistributor: SUPPLIER }))).toBe('not_authorised_for_device');
  });

  it('ends it when the device is Decommissioned or Withdrawn, or its User is gone', () => {
    expect(scheduleEndedBy(user(['IS']), schedule, meter({ status: 'Decommissioned' }))).toBe('device_status_incompatible');
    expect(scheduleEndedBy(user(['IS']), schedule, meter({ status: 'Withdrawn' }))).toBe('device_status_incompatible');
    expect(scheduleEndedBy(undefined, schedule, meter())).toBe('unknown_user');
  });

  it('leaves a User whose roles no longer allow the SRV to its occurrences (a refusal that may lift)', () => {
    expect(scheduleEndedBy(user(['ED']), schedule, meter({ importSupplier: NEW_SUPPLIER }))).toBeUndefined();
  });
});
