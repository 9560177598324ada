import { Metadata, status as GrpcStatus, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import {
  AbortedError,
  AlreadyExistsError,
  CancelledError,
  DeadlineExceededError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  MaasError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  UnimplementedError,
} from './errors';

/**
 * The one table of what a client may retry. UNAVAILABLE (peer down, no instance), RESOURCE_EXHAUSTED
 * (queue full, rate limit; retry with backoff) and ABORTED (lost a race). Everything else is final:
 * retrying an INVALID_ARGUMENT or a DEADLINE_EXCEEDED cannot succeed within the same deadline.
 */
export const RETRYABLE_CODES: ReadonlySet<GrpcStatus> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
]);

/** Whether a call that failed with this code may be retried (with backoff). */
export function isRetryable(code: GrpcStatus): boolean {
  return RETRYABLE_CODES.has(code);
}

/** Whether an unknown value is a grpc-js ServiceError (has a numeric code and metadata). */
export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'metadata' in err;
}

/**
 * The one place that turns any thrown value into a gRPC status. MaasErrors keep their code and message;
 * errors from a peer keep theirs (so a NOT_FOUND from the registry stays NOT_FOUND); anything else is
 * INTERNAL with its message, never a crash.
 */
export function toGrpcStatus(err: unknown): StatusObject {
  if (err instanceof MaasError) return { code: err.code, details: err.message, metadata: new Metadata() };
  if (isServiceError(err)) return { code: err.code, details: err.details, metadata: new Metadata() };
  const message = err instanceof Error ? err.message : String(err);
  return { code: GrpcStatus.INTERNAL, details: `internal error: ${message}`, metadata: new Metadata() };
}

/** Builds a grpc-js ServiceError (what a handler passes to its callback) from any thrown value. */
export function toServiceError(err: unknown): Partial<ServiceError> & { code: GrpcStatus; details: string } {
  const s = toGrpcStatus(err);
  return Object.assign(new Error(s.details), { code: s.code, details: s.details, metadata: s.metadata });
}

const classByCode: Partial<Record<GrpcStatus, new (message: string, options?: { cause?: unknown }) => MaasError>> = {
  [GrpcStatus.NOT_FOUND]: NotFoundError,
  [GrpcStatus.INVALID_ARGUMENT]: InvalidArgumentError,
  [GrpcStatus.ALREADY_EXISTS]: AlreadyExistsError,
  [GrpcStatus.FAILED_PRECONDITION]: FailedPreconditionError,
  [GrpcStatus.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [GrpcStatus.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [GrpcStatus.UNAUTHENTICATED]: UnauthenticatedError,
  [GrpcStatus.PERMISSION_DENIED]: PermissionDeniedError,
  [GrpcStatus.UNAVAILABLE]: UnavailableError,
  [GrpcStatus.CANCELLED]: CancelledError,
  [GrpcStatus.ABORTED]: AbortedError,
  [GrpcStatus.UNIMPLEMENTED]: UnimplementedError,
};

/** Turns an error from a gRPC peer back into the matching named MaasError, keeping it as `cause`. */
export function fromServiceError(err: ServiceError): MaasError {
  const Ctor = classByCode[err.code] ?? InternalError;
  return new Ctor(err.details || err.message, { cause: err });
}
