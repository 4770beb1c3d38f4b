import { describe, it, expect } from 'vitest';
import { buildServiceRequest, decodeJsonRequest, jsonShape, MAX_JSON_DEPTH, parseBodyJson, type Decoded, type RawServiceRequest, type ServiceRequest } from './index.ts';

const SUPPLIER = '90-B3-D5-1F-30-01-00-00';
const ESME = '00-DB-12-34-56-78-90-A0';

/** The contract's example request, byte for byte as printed there. */
const CONTRACT_EXAMPLE = `{
  "header": {
    "requestId": { "originatorId": "90-B3-D5-1F-30-01-00-00",
                   "targetId": "00-DB-12-34-56-78-90-A0",
                   "counter": "1000" },
    "commandVariant": 1,
    "serviceReference": "4.1",
    "serviceReferenceVariant": "4.1.1"
  },
  "body": { "ReadInstantaneousImportRegisters": { "ExecutionDateTime": "2027-01-15T09:00:00Z" } }
}`;

const bytes = (text: string) => new TextEncoder().encode(text);

interface Parts {
  originatorId?: string;
  targetId?: string;
  /** JSON text of the counter, written into the document as is. */
  counter?: string;
  /** JSON text of the command variant. */
  commandVariant?: string;
  serviceReference?: string;
  serviceReferenceVariant?: string;
  /** JSON text of the whole body. */
  body?: string;
}

/** A request as JSON text, with the counter, CV and body written verbatim (so big integers stay literal). */
function requestText(parts: Parts = {}): string {
  return `{"header":{"requestId":{"originatorId":${JSON.stringify(parts.originatorId ?? SUPPLIER)},` +
    `"targetId":${JSON.stringify(parts.targetId ?? ESME)},"counter":${parts.counter ?? '"1000"'}},` +
    `"commandVariant":${parts.commandVariant ?? '1'},` +
    `"serviceReference":${JSON.stringify(parts.serviceReference ?? '4.1')},` +
    `"serviceReferenceVariant":${JSON.stringify(parts.serviceReferenceVariant ?? '4.1.1')}},` +
    `"body":${parts.body ?? '{"ReadInstantaneousImportRegisters":{}}'}}`;
}

const decode = (parts: Parts = {}) => decodeJsonRequest(bytes(requestText(parts)));

function accepted(result: Decoded<ServiceRequest>): ServiceRequest {
  if (!result.ok) throw new Error(`expected a request, got ${result.refusal.reason}: ${result.refusal.message}`);
  return result.value;
}

function refusedMessage(result: Decoded<unknown>): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.refusal.reason).toBe('malformed_request');
  expect(result.refusal.message.length).toBeGreaterThan(10);
  return result.refusal.message;
}

describe('decodeJsonRequest: the contract example', () => {
  it('decodes every field', () => {
    expect(accepted(decodeJsonRequest(bytes(CONTRACT_EXAMPLE)))).toStrictEqual({
      requestId: { originatorId: SUPPLIER, targetId: ESME, counter: '1000' },
      requestIdText: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000',
      commandVariant: 1,
      serviceReference: '4.1',
      serviceReferenceVariant: '4.1.1',
      bodyElement: 'ReadInstantaneousImportRegisters',
      bodyValue: { ExecutionDateTime: '2027-01-15T09:00:00Z' },
      executionDateTime: Date.UTC(2027, 0, 15, 9, 0, 0),
    });
  });

  it('upper-cases lower-case EUIs in the RequestID', () => {
    const request = accepted(decode({ originatorId: '90-b3-d5-1f-30-01-00-00', targetId: '00-db-12-34-56-78-90-a0' }));
    expect(request.requestId).toEqual({ originatorId: SUPPLIER, targetId: ESME, counter: '1000' });
    expect(request.requestIdText).toBe(`${SUPPLIER}:${ESME}:1000`);
  });

  it('has no executionDateTime when the body carries none', () => {
    const request = accepted(decode());
    expect(request.executionDateTime).toBeUndefined();
    expect(request.bodyValue).toEqual({});
  });

  it('accepts a UTF-8 byte order mark and surrounding whitespace', () => {
    const text = `\uFEFF \n${requestText()}\n `;
    expect(accepted(decodeJsonRequest(bytes(text))).requestIdText).toBe(`${SUPPLIER}:${ESME}:1000`);
  });

  it.each(['1e400', '-1e400', '[1, {"b": 2e308}]', '1' + '0'.repeat(400)])('refuses a body number beyond a double, %s, which JSON.parse reads as Infinity and JSON writes as null', (number) => {
    const body = `{"ReadInstantaneousImportRegisters":{"a":${number}}}`;
    expect(refusedMessage(decode({ body }))).toContain('beyond the range of a double');
    expect(refusedMessage(parseBodyJson(`{"a":${number}}`))).toContain('beyond the range of a double');
  });

  it('keeps the largest and smallest doubles, and underflow to 0 (no value the signer wrote is lost to null)', () => {
    const body = '{"ReadInstantaneousImportRegisters":{"max":1.7976931348623157e308,"min":-1.7976931348623157e308,"tiny":1e-400}}';
    expect(accepted(decode({ body })).bodyValue).toEqual({ max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny: 0 });
  });

  it('ignores unknown extra fields', () => {
    const text = requestText().replace('"header":{', '"header":{"extra":true,').replace(/}$/, ',"trailer":[1,2]}');
    expect(accepted(decodeJsonRequest(bytes(text))).serviceReferenceVariant).toBe('4.1.1');
  });
});

describe('decodeJsonRequest: counter', () => {
  it.each(['0', '1', '1000', '9007199254740993', '12345678901234567891', '18446744073709551615'])(
    'keeps the string counter "%s" exactly',
    (counter) => {
      const request = accepted(decode({ counter: JSON.stringify(counter) }));
      expect(request.requestId.counter).toBe(counter);
      expect(request.requestIdText).toBe(`${SUPPLIER}:${ESME}:${counter}`);
    },
  );

  it.each(['0', '1', '1000', '9007199254740993', '12345678901234567891', '18446744073709551615'])(
    'reads the JSON integer counter %s losslessly',
    (counter) => {
      const request = accepted(decode({ counter }));
      expect(request.requestId.counter).toBe(counter);
      expect(request.requestIdText).toBe(`${SUPPLIER}:${ESME}:${counter}`);
    },
  );

  it('does not round a JSON integer above 2^53 (JSON.parse would)', () => {
    expect(String(JSON.parse('12345678901234567891'))).not.toBe('12345678901234567891');
    expect(accepted(decode({ counter: '12345678901234567891' })).requestId.counter).toBe('12345678901234567891');
    expect(accepted(decode({ counter: '9007199254740993' })).requestId.counter).toBe('9007199254740993');
  });

  it('reads the counter of the request even when other numbers in the document are large', () => {
    const body = '{"ReadInstantaneousImportRegisters":{"counter":99999999999999999999}}';
    expect(accepted(decode({ counter: '12345678901234567891', body })).requestId.counter).toBe('12345678901234567891');
  });

  it.each([
    ['JSON integer above uint64', '18446744073709551616'],
    ['string above uint64', '"18446744073709551616"'],
    ['JSON 1.0', '1.0'],
    ['JSON 1e3', '1e3'],
    ['JSON 1E3', '1E3'],
    ['JSON 1.5', '1.5'],
    ['JSON -1', '-1'],
    ['JSON -0', '-0'],
    ['string with leading zero', '"01"'],
    ['string 1.0', '"1.0"'],
    ['string 1e3', '"1e3"'],
    ['string -1', '"-1"'],
    ['string +1', '"+1"'],
    ['empty string', '""'],
    ['null', 'null'],
    ['boolean', 'true'],
    ['object', '{"value":"1"}'],
    ['array', '["1"]'],
  ])('refuses a counter that is a %s', (_label, counter) => {
    expect(refusedMessage(decode({ counter }))).toBe('header.requestId.counter must be a decimal uint64 without leading zeros');
  });

  it('refuses a JSON integer counter with a leading zero (not JSON)', () => {
    expect(refusedMessage(decode({ counter: '01' }))).toMatch(/^body is not valid UTF-8 JSON/);
  });

  it('refuses a missing counter', () => {
    const text = requestText().replace(',"counter":"1000"', '');
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('header.requestId.counter must be a decimal uint64 without leading zeros');
  });

  it('refuses, without throwing, a JSON integer counter in a document with a repeated key', () => {
    const body = '{"ReadInstantaneousImportRegisters":{"a":1,"a":2}}';
    const result = decode({ counter: '1000', body });
    expect(refusedMessage(result)).toBe('JSON repeats the key "a" within one object');
  });
});

describe('decodeJsonRequest: command variant', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('accepts %i', (cv) => {
    expect(accepted(decode({ commandVariant: String(cv) })).commandVariant).toBe(cv);
  });

  it.each([
    ['0', '0'],
    ['9', '9'],
    ['-1', '-1'],
    ['1.5', '1.5'],
    ['the string "1"', '"1"'],
    ['null', 'null'],
    ['true', 'true'],
    ['an array', '[1]'],
    ['an object', '{"cv":1}'],
    ['2^53 + 1', '9007199254740993'],
  ])('refuses %s', (_label, cv) => {
    expect(refusedMessage(decode({ commandVariant: cv }))).toBe('header.commandVariant must be an integer from 1 to 8');
  });

  it('refuses a missing commandVariant', () => {
    const text = requestText().replace('"commandVariant":1,', '');
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('header.commandVariant must be an integer from 1 to 8');
  });
});

describe('decodeJsonRequest: body', () => {
  it('accepts "" as the element value', () => {
    const request = accepted(decode({ body: '{"ReadInstantaneousImportRegisters":""}' }));
    expect(request.bodyElement).toBe('ReadInstantaneousImportRegisters');
    expect(request.bodyValue).toBe('');
    expect(request.executionDateTime).toBeUndefined();
  });

  it('takes any element name (the SRV check comes later) and keeps the value', () => {
    const request = accepted(decode({ body: '{"SignedPreCommand":{"GBCSPayload":"AAEC"}}', commandVariant: '5' }));
    expect(request.bodyElement).toBe('SignedPreCommand');
    expect(request.bodyValue).toEqual({ GBCSPayload: 'AAEC' });
  });

  it.each([
    ['""', '""'],
    ['{}', '{}'],
    ['not base64', '{"GBCSPayload":"not base64!"}'],
    ['a number', '{"GBCSPayload":12}'],
    ['empty', '{"GBCSPayload":""}'],
    ['short of its padding', '{"GBCSPayload":"AAE"}'],
  ])('refuses a SignedPreCommand whose GBCSPayload is %s (row 3)', (_name, value) => {
    expect(refusedMessage(decode({ body: `{"SignedPreCommand":${value}}`, commandVariant: '5' }))).toBe('body.SignedPreCommand.GBCSPayload must be the signed Pre-Command, base64 text');
  });

  it.each([1, 2, 3, 4, 8])('leaves a SignedPreCommand on command variant %i to validation (the wrong element for its SRV: row 9, not 3)', (cv) => {
    expect(accepted(decode({ body: '{"SignedPreCommand":""}', commandVariant: String(cv) })).bodyElement).toBe('SignedPreCommand');
  });

  it.each(['AA==', 'AAE=', 'AAEC', 'AAECAw==', 'AAEC\\nAw==', ' AAEC\\r\\n Aw== '])('takes a SignedPreCommand with GBCSPayload %s (whitespace as xs:base64Binary allows)', (payload) => {
    expect(accepted(decode({ body: `{"SignedPreCommand":{"GBCSPayload":"${payload}"}}`, commandVariant: '5' })).bodyValue).toEqual({ GBCSPayload: JSON.parse(`"${payload}"`) });
  });

  it('refuses a body with no element', () => {
    expect(refusedMessage(decode({ body: '{}' }))).toBe('body must hold exactly one element, found 0');
  });

  it('refuses a body with two elements', () => {
    const body = '{"ReadInstantaneousImportRegisters":{},"ReadInstantaneousImportTOUMatrices":{}}';
    expect(refusedMessage(decode({ body }))).toBe('body must hold exactly one element, found 2');
  });

  it.each([
    ['an array', '[{"ReadInstantaneousImportRegisters":{}}]'],
    ['a string', '"ReadInstantaneousImportRegisters"'],
    ['null', 'null'],
    ['a number', '1'],
  ])('refuses a body that is %s', (_label, body) => {
    expect(refusedMessage(decode({ body }))).toBe('body is missing or not an object');
  });

  it('refuses a missing body', () => {
    const text = requestText().replace(/,"body":.*}$/, '}');
    expect(JSON.parse(text)).not.toHaveProperty('body');
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('body is missing or not an object');
  });

  it.each([
    ['an array', '[]'],
    ['a number', '42'],
    ['a non-empty string', '"x"'],
    ['null', 'null'],
    ['a boolean', 'false'],
  ])('refuses an element value that is %s', (_label, value) => {
    const body = `{"ReadInstantaneousImportRegisters":${value}}`;
    expect(refusedMessage(decode({ body }))).toBe('body.ReadInstantaneousImportRegisters must be an object or ""');
  });
});

describe('decodeJsonRequest: document shape and header fields', () => {
  it.each([
    ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['a truncated UTF-8 sequence inside a string', new Uint8Array([...bytes('{"a":"'), 0xc3, ...bytes('"}')])],
    ['an overlong UTF-8 encoding', new Uint8Array([...bytes('{"a":"'), 0xc0, 0xaf, ...bytes('"}')])],
    ['an empty body', new Uint8Array()],
    ['non-JSON text', bytes('hello')],
    ['truncated JSON', bytes(requestText().slice(0, -1))],
    ['JSON with a trailing comma', bytes(requestText().replace(/}$/, ',}'))],
    ['JSON with comments', bytes(`// comment\n${requestText()}`)],
  ])('refuses %s as not UTF-8 JSON', (_label, input) => {
    expect(refusedMessage(decodeJsonRequest(input))).toMatch(/^body is not valid UTF-8 JSON: /);
  });

  it('refuses an otherwise valid request with an invalid UTF-8 byte in a string', () => {
    const good = bytes(requestText({ body: '{"ReadInstantaneousImportRegisters":{"note":"X"}}' }));
    const at = good.lastIndexOf(0x58); // the X
    const bad = new Uint8Array(good);
    bad[at] = 0xff;
    expect(accepted(decodeJsonRequest(good)).bodyValue).toEqual({ note: 'X' });
    expect(refusedMessage(decodeJsonRequest(bad))).toMatch(/^body is not valid UTF-8 JSON: /);
  });

  it.each([
    ['an array', '[]'],
    ['an array holding the request', `[${requestText()}]`],
    ['a string', '"request"'],
    ['a number', '1'],
    ['null', 'null'],
  ])('refuses a JSON document that is %s', (_label, text) => {
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('request must be a JSON object with "header" and "body"');
  });

  it.each([
    ['missing', '{"body":{"ReadInstantaneousImportRegisters":{}}}'],
    ['an array', '{"header":[],"body":{"ReadInstantaneousImportRegisters":{}}}'],
    ['null', '{"header":null,"body":{"ReadInstantaneousImportRegisters":{}}}'],
  ])('refuses a header that is %s', (_label, text) => {
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('header is missing or not an object');
  });

  it.each([
    ['missing', requestText().replace(/"requestId":\{[^}]*\},/, '')],
    ['a string', requestText().replace(/"requestId":\{[^}]*\}/, `"requestId":"${SUPPLIER}:${ESME}:1000"`)],
  ])('refuses a requestId that is %s', (_label, text) => {
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('header.requestId is missing or not an object');
  });

  it.each([
    ['7 octets', '90-B3-D5-1F-30-01-00'],
    ['colons', '90:B3:D5:1F:30:01:00:00'],
    ['non-hex', '90-B3-D5-1F-30-01-00-0G'],
    ['empty', ''],
  ])('refuses an originatorId with %s', (_label, originatorId) => {
    expect(refusedMessage(decode({ originatorId }))).toBe('header.requestId.originatorId must be an EUI-64 (8 hex octets joined by "-")');
  });

  it.each([
    ['9 octets', '00-DB-12-34-56-78-90-A0-00'],
    ['no separators', '00DB1234567890A0'],
    ['non-hex', 'XX-DB-12-34-56-78-90-A0'],
  ])('refuses a targetId with %s', (_label, targetId) => {
    expect(refusedMessage(decode({ targetId }))).toBe('header.requestId.targetId must be an EUI-64 (8 hex octets joined by "-")');
  });

  it('refuses a numeric originatorId', () => {
    const text = requestText().replace(`"originatorId":"${SUPPLIER}"`, '"originatorId":1');
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toMatch(/^header\.requestId\.originatorId must be an EUI-64/);
  });

  it.each([
    ['empty', '""'],
    ['a number', '4.1'],
    ['missing', undefined],
  ])('refuses a serviceReference that is %s', (_label, value) => {
    const text = value === undefined
      ? requestText().replace('"serviceReference":"4.1",', '')
      : requestText().replace('"serviceReference":"4.1"', `"serviceReference":${value}`);
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('header.serviceReference must be a non-empty string');
  });

  it.each([
    ['empty', '""'],
    ['a number', '4'],
    ['missing', undefined],
  ])('refuses a serviceReferenceVariant that is %s', (_label, value) => {
    const text = value === undefined
      ? requestText().replace(',"serviceReferenceVariant":"4.1.1"', '')
      : requestText().replace('"serviceReferenceVariant":"4.1.1"', `"serviceReferenceVariant":${value}`);
    expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('header.serviceReferenceVariant must be a non-empty string');
  });

  it('keeps an unknown SRV (row 7 judges it later)', () => {
    const request = accepted(decode({ serviceReference: '99.9', serviceReferenceVariant: '99.9.9' }));
    expect([request.serviceReference, request.serviceReferenceVariant]).toEqual(['99.9', '99.9.9']);
  });
});

describe('decodeJsonRequest: ExecutionDateTime', () => {
  const withDate = (value: string) => decode({ body: `{"ReadInstantaneousImportRegisters":{"ExecutionDateTime":${value}}}` });

  it.each([
    ['2027-01-15T09:00:00Z', Date.UTC(2027, 0, 15, 9, 0, 0)],
    ['2027-01-15T09:00:00+01:00', Date.UTC(2027, 0, 15, 8, 0, 0)],
    ['2027-01-15T09:00:00-05:30', Date.UTC(2027, 0, 15, 14, 30, 0)],
    ['2027-01-15T09:00:00+00:00', Date.UTC(2027, 0, 15, 9, 0, 0)],
    ['2027-01-15T09:00:00.5Z', Date.UTC(2027, 0, 15, 9, 0, 0, 500)],
    ['2027-01-15T09:00:00.123Z', Date.UTC(2027, 0, 15, 9, 0, 0, 123)],
    ['2027-01-15T09:00:00.123456Z', Date.UTC(2027, 0, 15, 9, 0, 0, 123)],
    ['2026-12-31T23:59:59Z', Date.UTC(2026, 11, 31, 23, 59, 59)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2000-02-29T12:00:00Z', Date.UTC(2000, 1, 29, 12)],
    ['1970-01-01T00:00:00Z', 0],
    // RFC 3339 (5.6) allows lower-case separators.
    ['2027-01-15t09:00:00z', Date.UTC(2027, 0, 15, 9, 0, 0)],
    // A leap second (RFC 3339 5.6, at the end of a minute, in any offset): its minute's last millisecond.
    ['2027-12-31T23:59:60Z', Date.UTC(2027, 11, 31, 23, 59, 59, 999)],
    ['2027-12-31T23:59:60.5Z', Date.UTC(2027, 11, 31, 23, 59, 59, 999)],
    ['2028-01-01T00:59:60+01:00', Date.UTC(2027, 11, 31, 23, 59, 59, 999)],
    ['2028-01-01T05:29:60+05:30', Date.UTC(2027, 11, 31, 23, 59, 59, 999)],
  ])('reads %s as epoch ms %i', (text, epochMs) => {
    const request = accepted(withDate(JSON.stringify(text)));
    expect(request.executionDateTime).toBe(epochMs);
    expect(request.bodyValue).toEqual({ ExecutionDateTime: text });
  });

  it.each([
    ['garbage', '"tomorrow"'],
    ['a date only', '"2027-01-15"'],
    ['no time zone', '"2027-01-15T09:00:00"'],
    ['a space separator', '"2027-01-15 09:00:00Z"'],
    ['no seconds', '"2027-01-15T09:00Z"'],
    ['a compact offset', '"2027-01-15T09:00:00+0100"'],
    ['month 13', '"2027-13-01T00:00:00Z"'],
    ['month 00', '"2027-00-10T00:00:00Z"'],
    ['day 00', '"2027-01-00T00:00:00Z"'],
    ['day 32', '"2027-01-32T00:00:00Z"'],
    ['30 February', '"2027-02-30T00:00:00Z"'],
    ['29 February of a common year', '"2027-02-29T00:00:00Z"'],
    ['29 February 2100', '"2100-02-29T00:00:00Z"'],
    ['31 April', '"2027-04-31T00:00:00Z"'],
    ['hour 24', '"2027-01-15T24:00:00Z"'],
    ['minute 60', '"2027-01-15T09:60:00Z"'],
    ['second 61', '"2027-01-15T09:00:61Z"'],
    ['second 60 inside a minute', '"2027-01-15T09:00:60Z"'],
    ['second 60 inside a UTC minute, in a half-hour offset', '"2027-01-15T09:59:60+05:30"'],
    ['offset hour 24', '"2027-01-15T09:00:00+24:00"'],
    ['offset minute 60', '"2027-01-15T09:00:00+01:60"'],
    ['an RFC 2822 date', '"Fri, 15 Jan 2027 09:00:00 GMT"'],
    ['an empty string', '""'],
    ['an epoch number', '1800000000000'],
    ['null', 'null'],
    ['an object', '{"at":"2027-01-15T09:00:00Z"}'],
  ])('refuses %s', (_label, value) => {
    expect(refusedMessage(withDate(value))).toBe('body.ReadInstantaneousImportRegisters.ExecutionDateTime must be an RFC 3339 date-time');
  });
});

describe('parseBodyJson (protobuf body_json)', () => {
  it.each([
    ['', ''],
    ['""', ''],
    ['{}', {}],
    ['{"ExecutionDateTime":"2027-01-15T09:00:00Z"}', { ExecutionDateTime: '2027-01-15T09:00:00Z' }],
    [' { "a" : { "b" : [1, 2] } } ', { a: { b: [1, 2] } }],
  ])('accepts %j', (text, value) => {
    expect(parseBodyJson(text)).toStrictEqual({ ok: true, value });
  });

  it.each([['[]'], ['[{}]'], ['1'], ['null'], ['true'], ['"x"'], ['{'], ['not json'], ['{"a":1,}']])('refuses %j', (text) => {
    expect(refusedMessage(parseBodyJson(text))).toBe('body_json must be "" or the JSON text of an object');
  });
});

describe('buildServiceRequest (shared with protobuf)', () => {
  const raw = (overrides: Partial<RawServiceRequest> = {}): RawServiceRequest => ({
    originatorId: '90-b3-d5-1f-30-01-00-00',
    targetId: ESME,
    counter: '1000',
    commandVariant: 1,
    serviceReference: '4.1',
    serviceReferenceVariant: '4.1.1',
    bodyElement: 'ReadInstantaneousImportRegisters',
    bodyValue: { ExecutionDateTime: '2027-01-15T09:00:00Z' },
    ...overrides,
  });

  it('builds the same request as the JSON decoder', () => {
    expect(accepted(buildServiceRequest(raw()))).toStrictEqual(accepted(decodeJsonRequest(bytes(CONTRACT_EXAMPLE))));
  });

  it('accepts a max uint64 counter as text', () => {
    expect(accepted(buildServiceRequest(raw({ counter: '18446744073709551615' }))).requestIdText).toBe(
      `${SUPPLIER}:${ESME}:18446744073709551615`,
    );
  });

  it.each([
    ['a number', 1000],
    ['a bigint', 1000n],
    ['too large', '18446744073709551616'],
  ])('refuses a counter that is %s', (_label, counter) => {
    expect(refusedMessage(buildServiceRequest(raw({ counter })))).toBe('header.requestId.counter must be a decimal uint64 without leading zeros');
  });

  it('refuses a proto3 default (0) command variant', () => {
    expect(refusedMessage(buildServiceRequest(raw({ commandVariant: 0 })))).toBe('header.commandVariant must be an integer from 1 to 8');
  });

  it('refuses an empty body element (proto3 default)', () => {
    expect(refusedMessage(buildServiceRequest(raw({ bodyElement: '' })))).toBe('body must hold exactly one element');
  });

  it('accepts "" as the value and reads ExecutionDateTime from an object value only', () => {
    const empty = accepted(buildServiceRequest(raw({ bodyValue: '' })));
    expect(empty.bodyValue).toBe('');
    expect(empty.executionDateTime).toBeUndefined();
  });

  it('checks the fields in order: originator first', () => {
    const message = refusedMessage(buildServiceRequest(raw({ originatorId: 'x', targetId: 'y', counter: 'z', commandVariant: 0 })));
    expect(message).toMatch(/^header\.requestId\.originatorId/);
    expect(refusedMessage(buildServiceRequest(raw({ targetId: 'y', counter: 'z' })))).toMatch(/^header\.requestId\.targetId/);
    expect(refusedMessage(buildServiceRequest(raw({ counter: 'z', commandVariant: 0 })))).toMatch(/^header\.requestId\.counter/);
  });
});

describe('a key repeated within one object (row 3: parsers differ on which value wins)', () => {
  it('is found in any object, however it is escaped, and not across objects, in arrays or in values', () => {
    const repeated = (text: string) => jsonShape(text).repeatedKey;
    expect(repeated('{"a":1,"a":2}')).toBe('a');
    expect(repeated('{"a":1,"\\u0061":2}')).toBe('a');
    expect(repeated('{"x":{"b":[{"c":1},{"c":2}],"d":{"c":3}},"y":"a","z":["a","a"]}')).toBeUndefined();
    expect(repeated('{"x":{"b":1,"c":{"b":2},"b":3}}')).toBe('b');
    expect(repeated('{"a":"\\"a\\":1","b":{"a":2}}')).toBeUndefined();
  });

  it('refuses a request with one, whether the counter is a number or a string and wherever it is', () => {
    for (const counter of ['"1000"', '1000']) {
      const text = requestText({ counter }).replace('"serviceReferenceVariant":"4.1.1"', '"serviceReferenceVariant":"9.9.9","serviceReferenceVariant":"4.1.1"');
      expect(refusedMessage(decodeJsonRequest(bytes(text)))).toBe('JSON repeats the key "serviceReferenceVariant" within one object');
    }
    expect(refusedMessage(decode({ body: '{"ReadInstantaneousImportRegisters":"","ReadInstantaneousImportRegisters":{}}' })))
      .toBe('JSON repeats the key "ReadInstantaneousImportRegisters" within one object');
    expect(refusedMessage(parseBodyJson('{"Price":1,"Price":2}'))).toBe('JSON repeats the key "Price" within one object');
  });
});

describe('nesting depth (row 3, judged before any recursive parse)', () => {
  const nested = (levels: number) => `{"ReadInstantaneousImportRegisters":${'{"a":'.repeat(levels - 2)}{}${'}'.repeat(levels - 2)}}`;

  it('measures objects and arrays, not brackets inside strings or after escapes', () => {
    const depth = (text: string) => jsonShape(text).deepest;
    expect(depth('{}')).toBe(1);
    expect(depth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depth('{"a":"{{[[\\"]]}}"}')).toBe(1);
    expect(depth('"[[[["')).toBe(0);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, however the counter is written`, () => {
    // The request itself nests 1 level around its body, whose element value adds the rest.
    expect(decode({ body: nested(MAX_JSON_DEPTH - 1) }).ok).toBe(true);
    for (const counter of ['"1000"', '1000']) {
      expect(refusedMessage(decode({ counter, body: nested(MAX_JSON_DEPTH) }))).toMatch(`deeper than ${MAX_JSON_DEPTH}`);
    }
  });

  it('refuses 11,000 levels the same way every time, without running out of stack', () => {
    const text = requestText({ counter: '18446744073709551615', body: nested(11_000) });
    const answers = Array.from({ length: 3 }, () => refusedMessage(decodeJsonRequest(bytes(text))));
    expect(new Set(answers).size).toBe(1);
    expect(refusedMessage(parseBodyJson(nested(11_000)))).toMatch('deeper than');
  });
});

describe('sequenced services in JSON: header.firstInSequence and header.precedingServiceRequestId', () => {
  const withHeader = (extra: Record<string, unknown>) => {
    const doc = JSON.parse(CONTRACT_EXAMPLE);
    Object.assign(doc.header, extra);
    return decodeJsonRequest(bytes(JSON.stringify(doc)));
  };

  it('are taken, the preceding RequestID made canonical', () => {
    const decoded = withHeader({ firstInSequence: true, precedingServiceRequestId: `${SUPPLIER.toLowerCase()}:${ESME}:7` });
    if (!decoded.ok) throw new Error(decoded.refusal.message);
    expect(decoded.value.sequence).toEqual({ firstInSequence: true, precedingRequestId: `${SUPPLIER}:${ESME}:7` });
  });

  it('are optional, and absent leave no sequence', () => {
    const decoded = withHeader({});
    if (!decoded.ok) throw new Error(decoded.refusal.message);
    expect(decoded.value.sequence).toBeUndefined();
  });

  it.each([
    [{ firstInSequence: 'yes' }, 'firstInSequence'],
    [{ precedingServiceRequestId: 'nope' }, 'precedingServiceRequestId'],
    [{ precedingServiceRequestId: 7 }, 'precedingServiceRequestId'],
  ])('are refused ill-typed (row 3): %j', (extra, field) => {
    const decoded = withHeader(extra);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.refusal).toMatchObject({ reason: 'malformed_request', message: expect.stringContaining(field) });
  });
});
