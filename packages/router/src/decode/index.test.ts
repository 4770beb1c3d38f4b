import { Long, ServiceRequest as ServiceRequestMessage } from '@dccrouter/protocol';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from './index.ts';

const ORIGINATOR = '90-B3-D5-1F-30-01-00-00';
const TARGET = '00-DB-12-34-56-78-90-A0';
const PRECEDING = `${ORIGINATOR}:${TARGET}:41`;

function protobuf(header: Record<string, unknown> = {}): Uint8Array {
  return ServiceRequestMessage.encode({
    header: {
      requestId: { originatorId: ORIGINATOR, targetId: TARGET, counter: Long.fromNumber(42, true) },
      commandVariant: 1, serviceReference: '4.1', serviceReferenceVariant: '4.1.1', ...header,
    },
    bodyElement: 'ReadInstantaneousImportRegisters',
    bodyJson: '',
  }).finish();
}

function json(header: Record<string, unknown> = {}): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({
    header: { requestId: { originatorId: ORIGINATOR, targetId: TARGET, counter: '42' }, commandVariant: 1, serviceReference: '4.1', serviceReferenceVariant: '4.1.1', ...header },
    body: { ReadInstantaneousImportRegisters: '' },
  }));
}

describe('decodeRequest', () => {
  it('reads the same request from protobuf as from JSON', () => {
    const fromProtobuf = decodeRequest('protobuf', protobuf());
    const fromJson = decodeRequest('json', json());
    expect(fromProtobuf).toMatchObject({ ok: true, value: { requestIdText: `${ORIGINATOR}:${TARGET}:42`, commandVariant: 1 } });
    expect(fromProtobuf).toStrictEqual(fromJson);
  });

  it('carries a sequenced service\'s FirstInSequence and PrecedingServiceRequestID from protobuf as from JSON', () => {
    const first = decodeRequest('protobuf', protobuf({ firstInSequence: true }));
    expect(first).toMatchObject({ ok: true, value: { sequence: { firstInSequence: true } } });
    expect(first).toStrictEqual(decodeRequest('json', json({ firstInSequence: true })));

    const next = decodeRequest('protobuf', protobuf({ firstInSequence: false, precedingServiceRequestId: PRECEDING }));
    expect(next).toMatchObject({ ok: true, value: { sequence: { firstInSequence: false, precedingRequestId: PRECEDING } } });
    expect(next).toStrictEqual(decodeRequest('json', json({ firstInSequence: false, precedingServiceRequestId: PRECEDING })));

    // Neither field set: no sequence at all (an unset optional bool is not false).
    expect(decodeRequest('protobuf', protobuf())).not.toHaveProperty('value.sequence');
  });

  it('refuses a PrecedingServiceRequestID that is not a RequestID (row 3)', () => {
    expect(decodeRequest('protobuf', protobuf({ precedingServiceRequestId: 'nope' }))).toMatchObject({
      ok: false, refusal: { reason: 'malformed_request', message: expect.stringContaining('precedingServiceRequestId') },
    });
  });

  it('refuses protobuf whose known field comes in another wire type, or field 0, which other decoders would read as another request (row 3)', () => {
    const request = protobuf();
    // The header's command_variant again, length-delimited: protobufjs alone would read its length as CV 2.
    const header = Uint8Array.from([0x0a, 0x04, 0x12, 0x02, 0x00, 0x00]);
    expect(decodeRequest('protobuf', Uint8Array.from([...request, ...header]))).toEqual({
      ok: false, refusal: { reason: 'malformed_request', message: 'body is not a dccrouter.v1.ServiceRequest as router.proto types it: header.command_variant (field 2) is sent as length-delimited, not varint' },
    });
    expect(decodeRequest('protobuf', Uint8Array.from([...request, 0x00, 0x05]))).toMatchObject({ ok: false, refusal: { reason: 'malformed_request' } });
    // A field it does not know is skipped, as protobuf's rules say.
    expect(decodeRequest('protobuf', Uint8Array.from([...request, 0x48, 0x01]))).toMatchObject({ ok: true });
  });
});
