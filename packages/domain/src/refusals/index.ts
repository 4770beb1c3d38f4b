/**
 * The contract's refusal table. Each reason maps to its HTTP status and, where DUIS has one,
 * its response code. The row order of the contract is the order the pipeline checks them in.
 */
export const REFUSALS = {
  unsupported_media_type: { http: 415 },
  body_too_large: { http: 413 },
  malformed_request: { http: 400 },
  unknown_user: { http: 403, code: 'E1' },
  signature_invalid: { http: 401 },
  user_not_active: { http: 403, code: 'E3' },
  unknown_service_request: { http: 400 },
  command_variant_not_allowed: { http: 400, code: 'E12' },
  wrong_target: { http: 400, code: 'E13' },
  role_not_eligible: { http: 403, code: 'E2' },
  future_dating_not_allowed: { http: 422 },
  device_not_found: { http: 404, code: 'E19' },
  not_authorised_for_device: { http: 403, code: 'E4' },
  device_type_incompatible: { http: 422, code: 'E11' },
  not_available_for_smets1: { http: 422, code: 'E11' },
  device_status_incompatible: { http: 409, code: 'E5' },
  transform_leg_missing: { http: 409 },
  request_id_reused: { http: 409 },
  overloaded: { http: 503 },
  state_unavailable: { http: 503 },
  outcome_unknown: { http: 503 },
  not_found: { http: 404 },
  unauthorized: { http: 401 },
  invalid_field: { http: 400 },
} as const satisfies Record<string, { http: number; code?: string }>;

export type RefusalReason = keyof typeof REFUSALS;

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

export function refuse(reason: RefusalReason, message: string): Refusal {
  return { reason, message };
}

export function refusalStatus(reason: RefusalReason): number {
  return REFUSALS[reason].http;
}

export function refusalCode(reason: RefusalReason): string | undefined {
  const entry: { http: number; code?: string } = REFUSALS[reason];
  return entry.code;
}
