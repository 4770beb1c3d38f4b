// The wire types router.proto gives a ServiceRequest's fields. protobufjs's generated decoder reads
// a field by its number whatever wire type it comes with (a length read as a command variant), and
// takes field number 0; a conformant decoder (C++, Go) skips such a field as unknown. The same
// bytes would then be two different requests to two readers, so they are refused instead.
import protobuf from 'protobufjs/minimal.js';

/** A message's known fields by number: its name and wire type, or the nested message it holds (wire type 2). */
export type WireShape = Record<number, [name: string, wireType: number] | [name: string, message: WireShape]>;

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'start group', 'end group', '32-bit'];

const REQUEST_ID: WireShape = { 1: ['originator_id', LENGTH_DELIMITED], 2: ['target_id', LENGTH_DELIMITED], 3: ['counter', VARINT] };
const HEADER: WireShape = {
  1: ['request_id', REQUEST_ID], 2: ['command_variant', VARINT], 3: ['service_reference', LENGTH_DELIMITED],
  4: ['service_reference_variant', LENGTH_DELIMITED], 5: ['first_in_sequence', VARINT], 6: ['preceding_service_request_id', LENGTH_DELIMITED],
};
export const SERVICE_REQUEST_WIRE_SHAPE: WireShape = { 1: ['header', HEADER], 2: ['body_element', LENGTH_DELIMITED], 3: ['body_json', LENGTH_DELIMITED] };

// proto3 says a string field holds UTF-8; protobufjs reads bad bytes one way from a Buffer (gRPC)
// and another from a Uint8Array (HTTP), so the same signed bytes would be two requests.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    STRICT_UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why these bytes' fields are not as router.proto types them (a known field in another wire type,
 * field number 0, a string that is not UTF-8, or a message field sent twice), or undefined.
 * Unknown fields are skipped, as protobuf's rules say; bytes that do not parse at all are left to
 * the decoder to describe.
 */
export function wireShapeProblem(bytes: Uint8Array, shape: WireShape = SERVICE_REQUEST_WIRE_SHAPE, path = ''): string | undefined {
  const reader = protobuf.Reader.create(bytes);
  // A message field sent twice is merged by conformant decoders and replaced by protobufjs's.
  const messagesSeen = new Set<number>();
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const [number, wireType] = [tag >>> 3, tag & 7];
      if (number === 0) return `${path || 'the message'} holds field number 0, which no field has`;
      const known = shape[number];
      if (!known) {
        reader.skipType(wireType);
        continue;
      }
      const [name, kind] = known;
      const expected = typeof kind === 'number' ? kind : LENGTH_DELIMITED;
      if (wireType !== expected) {
        return `${path}${name} (field ${number}) is sent as ${WIRE_TYPE_NAMES[wireType] ?? `wire type ${wireType}`}, not ${WIRE_TYPE_NAMES[expected]}`;
      }
      if (kind === VARINT) reader.skipType(wireType);
      // Every length-delimited scalar of router.proto's ServiceRequest is a string.
      else if (typeof kind === 'number') {
        if (!isUtf8(reader.bytes())) return `${path}${name} (field ${number}) is not valid UTF-8`;
      } else {
        const problem = wireShapeProblem(reader.bytes(), kind, `${path}${name}.`);
        if (problem) return problem;
        if (messagesSeen.has(number)) return `${path}${name} (field ${number}) is sent twice, which decoders read differently (merged or the last kept)`;
        messagesSeen.add(number);
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
