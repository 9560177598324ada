import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CancelledError, DeadlineExceededError, fromServiceError, isServiceError, MaasError } from '@maas/errors';

/** A failed call whose gRPC status has no named class (UNKNOWN, OUT_OF_RANGE, DATA_LOSS, ...): it keeps the status. */
export class InferenceError extends MaasError {
  override readonly code: GrpcStatus;

  constructor(code: GrpcStatus, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}

/** The status name of a gRPC code: 5 → "NOT_FOUND". */
export function statusName(code: number): string {
  return (GrpcStatus as unknown as Record<number, string>)[code] ?? String(code);
}

const NAMED: ReadonlySet<number> = new Set([
  GrpcStatus.NOT_FOUND, GrpcStatus.INVALID_ARGUMENT, GrpcStatus.ALREADY_EXISTS, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.UNAUTHENTICATED, GrpcStatus.PERMISSION_DENIED, GrpcStatus.UNAVAILABLE, GrpcStatus.CANCELLED,
  GrpcStatus.ABORTED, GrpcStatus.UNIMPLEMENTED, GrpcStatus.INTERNAL,
]);

/**
 * What a call rejects with: the named MaasError of the server's status (NotFoundError, InvalidArgumentError, ...)
 * carrying `code` and the server's own message, the grpc-js error as `cause`. Cancellation through an
 * AbortSignal is a CancelledError whose cause is the signal's reason.
 */
export function toClientError(err: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return err instanceof CancelledError ? err : new CancelledError('call cancelled by the caller (AbortSignal)', { cause: signal.reason });
  if (!isServiceError(err)) return err;
  if (NAMED.has(err.code)) return fromServiceError(err as ServiceError);
  return new InferenceError(err.code, err.details || err.message, { cause: err });
}

/** The error a call gets when its deadline passed before it started (no attempt is made). */
export function deadlinePassed(deadlineUnixMs: number): DeadlineExceededError {
  return new DeadlineExceededError(`deadline passed ${Date.now() - deadlineUnixMs} ms before the call could start`);
}
