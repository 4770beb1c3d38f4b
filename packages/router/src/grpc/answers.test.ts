import { status as GrpcStatus } from '@grpc/grpc-js';
import { decodeRichStatus, STATUS_DETAILS_KEY } from '@dccrouter/protocol';
import { REFUSALS, refusalStatus as httpStatusOf, type RefusalReason } from '@dccrouter/domain';
import { describe, expect, it } from 'vitest';
import { grpcCode, refusalStatus } from './answers.ts';

// The contract's gRPC conventions: a refusal is a non-OK status by its HTTP status, 503s split by
// whose the trouble is, every reason of the refusal table covered.
const EXPECTED: Record<RefusalReason, GrpcStatus> = {
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  body_too_large: GrpcStatus.INVALID_ARGUMENT,
  malformed_request: GrpcStatus.INVALID_ARGUMENT,
  unknown_user: GrpcStatus.PERMISSION_DENIED,
  signature_invalid: GrpcStatus.UNAUTHENTICATED,
  user_not_active: GrpcStatus.PERMISSION_DENIED,
  unknown_service_request: GrpcStatus.INVALID_ARGUMENT,
  command_variant_not_allowed: GrpcStatus.INVALID_ARGUMENT,
  wrong_target: GrpcStatus.INVALID_ARGUMENT,
  role_not_eligible: GrpcStatus.PERMISSION_DENIED,
  future_dating_not_allowed: GrpcStatus.INVALID_ARGUMENT,
  device_not_found: GrpcStatus.NOT_FOUND,
  not_authorised_for_device: GrpcStatus.PERMISSION_DENIED,
  device_type_incompatible: GrpcStatus.INVALID_ARGUMENT,
  not_available_for_smets1: GrpcStatus.INVALID_ARGUMENT,
  device_status_incompatible: GrpcStatus.FAILED_PRECONDITION,
  transform_leg_missing: GrpcStatus.FAILED_PRECONDITION,
  request_id_reused: GrpcStatus.FAILED_PRECONDITION,
  // The client's to slow down for; the others are the service's.
  overloaded: GrpcStatus.RESOURCE_EXHAUSTED,
  state_unavailable: GrpcStatus.UNAVAILABLE,
  outcome_unknown: GrpcStatus.UNAVAILABLE,
  not_found: GrpcStatus.NOT_FOUND,
  unauthorized: GrpcStatus.UNAUTHENTICATED,
  invalid_field: GrpcStatus.INVALID_ARGUMENT,
};

describe('a refusal over gRPC', () => {
  it.each(Object.keys(REFUSALS) as RefusalReason[])('%s has its status code by the contract', (reason) => {
    expect(grpcCode(httpStatusOf(reason), reason)).toBe(EXPECTED[reason]);
  });

  it('carries its reason, HTTP status and DUIS code, and for a 503 the wait as RetryInfo', () => {
    const status = (reason: RefusalReason, responseCode?: string) => {
      const { code, details, metadata } = refusalStatus({ refusal: { reason, message: 'why', httpStatus: httpStatusOf(reason), responseCode } });
      const rich = decodeRichStatus(metadata.get(STATUS_DETAILS_KEY)[0] as Buffer);
      return { code, details, reason: rich.errorInfo?.reason, metadata: rich.errorInfo?.metadata, retryDelayMs: rich.retryDelayMs };
    };
    expect(status('device_status_incompatible', 'E5')).toEqual({
      code: GrpcStatus.FAILED_PRECONDITION, details: 'device_status_incompatible: why', reason: 'device_status_incompatible',
      metadata: { httpStatus: '409', responseCode: 'E5' }, retryDelayMs: undefined,
    });
    expect(status('outcome_unknown')).toMatchObject({ code: GrpcStatus.UNAVAILABLE, metadata: { httpStatus: '503' }, retryDelayMs: 1_000 });
  });
});
