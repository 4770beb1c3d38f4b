import { describe, it, expect } from 'vitest';
import { ACCESS_CONTROL_BROKER, formatRequestId, parseCounter, parseEui, parseRequestId } from './index.ts';

const SUPPLIER = '90-B3-D5-1F-30-01-00-00';
const ESME = '00-DB-12-34-56-78-90-A0';

describe('ACCESS_CONTROL_BROKER', () => {
  it('is the DCC Access Control Broker of the contract, in canonical upper case', () => {
    expect(ACCESS_CONTROL_BROKER).toBe('90-B3-D5-1F-30-00-00-02');
    expect(parseEui(ACCESS_CONTROL_BROKER)).toBe(ACCESS_CONTROL_BROKER);
  });
});

describe('parseEui', () => {
  it.each([
    ['90-b3-d5-1f-30-01-00-00', SUPPLIER],
    ['90-B3-D5-1F-30-01-00-00', SUPPLIER],
    ['90-b3-D5-1f-30-01-00-00', SUPPLIER],
    ['00-db-12-34-56-78-90-a0', ESME],
    ['ff-ff-ff-ff-ff-ff-ff-ff', 'FF-FF-FF-FF-FF-FF-FF-FF'],
    ['00-00-00-00-00-00-00-00', '00-00-00-00-00-00-00-00'],
    ['aB-cD-eF-01-23-45-67-89', 'AB-CD-EF-01-23-45-67-89'],
  ])('accepts %s case-insensitively and answers %s', (input, expected) => {
    expect(parseEui(input)).toBe(expected);
  });

  it('is idempotent on its own output', () => {
    const once = parseEui('90-b3-d5-1f-30-01-00-0a');
    expect(once).toBe('90-B3-D5-1F-30-01-00-0A');
    expect(parseEui(once)).toBe(once);
  });

  it.each([
    ['7 octets', '90-B3-D5-1F-30-01-00'],
    ['9 octets', '90-B3-D5-1F-30-01-00-00-00'],
    ['one-digit octet', '90-B3-D5-1F-30-01-00-0'],
    ['three-digit octet', '90-B3-D5-1F-30-01-00-000'],
    ['colon separators', '90:B3:D5:1F:30:01:00:00'],
    ['dot separators', '90.B3.D5.1F.30.01.00.00'],
    ['underscore separators', '90_B3_D5_1F_30_01_00_00'],
    ['space separators', '90 B3 D5 1F 30 01 00 00'],
    ['mixed separators', '90-B3-D5-1F:30-01-00-00'],
    ['no separators', '90B3D51F30010000'],
    ['doubled separator', '90--B3-D5-1F-30-01-00-00'],
    ['leading separator', '-90-B3-D5-1F-30-01-00-00'],
    ['trailing separator', '90-B3-D5-1F-30-01-00-00-'],
    ['non-hex letter G', '90-B3-D5-1G-30-01-00-00'],
    ['non-hex letter z', 'z0-b3-d5-1f-30-01-00-00'],
    ['0x prefix', '0x90-B3-D5-1F-30-01-00-00'],
    ['leading space', ' 90-B3-D5-1F-30-01-00-00'],
    ['trailing space', '90-B3-D5-1F-30-01-00-00 '],
    ['trailing newline', '90-B3-D5-1F-30-01-00-00\n'],
    ['full-width digits', '９0-B3-D5-1F-30-01-00-00'],
    ['empty', ''],
  ])('refuses %s (%j)', (_label, input) => {
    expect(parseEui(input)).toBeNull();
  });

  it.each([
    ['a number', 0x90b3d51f30010000],
    ['a bigint', 0x90b3d51f30010000n],
    ['null', null],
    ['undefined', undefined],
    ['an object', { eui: SUPPLIER }],
    ['an array', [SUPPLIER]],
    ['a boolean', true],
  ])('refuses %s', (_label, input) => {
    expect(parseEui(input)).toBeNull();
  });
});

describe('parseCounter', () => {
  it.each([
    ['0'],
    ['1'],
    ['10'],
    ['1000'],
    ['9007199254740991'], // 2^53 - 1
    ['9007199254740992'], // 2^53
    ['9007199254740993'], // 2^53 + 1: not representable as a JS number
    ['12345678901234567891'],
    ['18446744073709551614'],
    ['18446744073709551615'], // uint64 max
  ])('accepts %s and returns the exact text', (text) => {
    expect(parseCounter(text)).toBe(text);
  });

  it('keeps 2^53 + 1 exact (a JS number would round it)', () => {
    const counter = parseCounter('9007199254740993');
    expect(counter).toBe('9007199254740993');
    expect(BigInt(counter!)).toBe(2n ** 53n + 1n);
    expect(String(Number('9007199254740993'))).not.toBe(counter);
  });

  it('accepts uint64 max and refuses one more', () => {
    expect(parseCounter((2n ** 64n - 1n).toString())).toBe('18446744073709551615');
    expect(parseCounter((2n ** 64n).toString())).toBeNull();
  });

  it.each([
    ['uint64 max + 1', '18446744073709551616'],
    ['20 nines', '99999999999999999999'],
    ['21 digits', '184467440737095516150'],
    ['21 digits, small', '100000000000000000000'],
    ['leading zero', '01'],
    ['leading zeros', '0001000'],
    ['double zero', '00'],
    ['plus sign', '+1'],
    ['minus sign', '-1'],
    ['negative zero', '-0'],
    ['decimal', '1.0'],
    ['trailing dot', '1.'],
    ['leading dot', '.5'],
    ['fraction', '1.5'],
    ['exponent', '1e3'],
    ['upper-case exponent', '1E3'],
    ['hex', '0x10'],
    ['underscore separator', '1_000'],
    ['comma separator', '1,000'],
    ['leading space', ' 1'],
    ['trailing space', '1 '],
    ['trailing newline', '1\n'],
    ['empty', ''],
    ['letters', 'abc'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['Arabic-Indic digit', '١'],
  ])('refuses %s (%j)', (_label, text) => {
    expect(parseCounter(text)).toBeNull();
  });

  it.each([
    ['the number 0', 0],
    ['the number 1', 1],
    ['the number 1000', 1000],
    ['a bigint', 1000n],
    ['null', null],
    ['undefined', undefined],
    ['an object', { value: '1' }],
    ['an array', ['1']],
    ['a boolean', true],
  ])('refuses non-strings: %s', (_label, value) => {
    expect(parseCounter(value)).toBeNull();
  });
});

describe('parseRequestId / formatRequestId', () => {
  it('parses the contract example', () => {
    expect(parseRequestId(`${SUPPLIER}:${ESME}:1000`)).toEqual({ originatorId: SUPPLIER, targetId: ESME, counter: '1000' });
  });

  it('upper-cases both EUIs', () => {
    expect(parseRequestId('90-b3-d5-1f-30-01-00-00:00-db-12-34-56-78-90-a0:7')).toEqual({
      originatorId: SUPPLIER,
      targetId: ESME,
      counter: '7',
    });
  });

  it.each(['0', '1', '9007199254740993', '12345678901234567891', '18446744073709551615'])(
    'round-trips counter %s exactly',
    (counter) => {
      const text = `${SUPPLIER}:${ESME}:${counter}`;
      const parsed = parseRequestId(text);
      expect(parsed).toEqual({ originatorId: SUPPLIER, targetId: ESME, counter });
      expect(formatRequestId(parsed!)).toBe(text);
    },
  );

  it('round-trips to the canonical upper-case form', () => {
    const parsed = parseRequestId('90-b3-d5-1f-30-01-00-00:90-b3-d5-1f-30-00-00-02:42');
    expect(formatRequestId(parsed!)).toBe('90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:42');
    expect(parseRequestId(formatRequestId(parsed!))).toEqual(parsed);
  });

  it('formats the three parts joined by ":"', () => {
    expect(formatRequestId({ originatorId: SUPPLIER, targetId: ESME, counter: '18446744073709551615' })).toBe(
      '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:18446744073709551615',
    );
  });

  it.each([
    ['empty', ''],
    ['two parts', `${SUPPLIER}:${ESME}`],
    ['four parts', `${SUPPLIER}:${ESME}:1:2`],
    ['empty counter', `${SUPPLIER}:${ESME}:`],
    ['counter too large', `${SUPPLIER}:${ESME}:18446744073709551616`],
    ['counter with leading zero', `${SUPPLIER}:${ESME}:01`],
    ['negative counter', `${SUPPLIER}:${ESME}:-1`],
    ['bad originator', `90-B3-D5-1F-30-01-00:${ESME}:1`],
    ['bad target', `${SUPPLIER}:00DB1234567890A0:1`],
    ['other separator', `${SUPPLIER}/${ESME}/1`],
    ['trailing colon', `${SUPPLIER}:${ESME}:1:`],
  ])('refuses %s', (_label, text) => {
    expect(parseRequestId(text)).toBeNull();
  });
});
