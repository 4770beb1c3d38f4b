/** The DCC Access Control Broker: the target of every non-device (CV 8) request. */
export const ACCESS_CONTROL_BROKER = '90-B3-D5-1F-30-00-00-02';

/** An EUI-64 as written: 8 hex octets joined by "-", any case. */
export const EUI64 = /^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){7}$/;
const UINT64_MAX = 18446744073709551615n;
const DECIMAL_COUNTER = /^(0|[1-9][0-9]{0,19})$/;

/** Canonical (upper-case) EUI-64, or null when the text is not one. */
export function parseEui(text: unknown): string | null {
  return typeof text === 'string' && EUI64.test(text) ? text.toUpperCase() : null;
}

/**
 * A RequestID counter is a decimal uint64 without leading zeros. It is kept as text
 * because counters exceed 2^53 and a JS number would round them.
 */
export function parseCounter(text: unknown): string | null {
  if (typeof text !== 'string' || !DECIMAL_COUNTER.test(text)) return null;
  return BigInt(text) <= UINT64_MAX ? text : null;
}

export interface RequestId {
  originatorId: string;
  targetId: string;
  counter: string;
}

export function formatRequestId(id: RequestId): string {
  return `${id.originatorId}:${id.targetId}:${id.counter}`;
}

/** Parses `originatorEUI:targetEUI:counter` (as used in URLs); EUIs are case-insensitive. */
export function parseRequestId(text: string): RequestId | null {
  const parts = text.split(':');
  if (parts.length !== 3) return null;
  const originatorId = parseEui(parts[0]);
  const targetId = parseEui(parts[1]);
  const counter = parseCounter(parts[2]);
  return originatorId && targetId && counter ? { originatorId, targetId, counter } : null;
}
