import { status as GrpcStatus } from '@grpc/grpc-js';

/** Options shared by every maas error: the underlying cause and structured details for logs. */
export interface MaasErrorOptions {
  cause?: unknown;
  /** Extra fields for structured logs (tensor name, model, expected/got ...). */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error the platform raises on purpose. Each subclass fixes the gRPC status a caller
 * sees, so mapping an error to the wire is a property lookup, never string matching.
 */
export class MaasError extends Error {
  /** gRPC status code this error maps to. */
  readonly code: GrpcStatus = GrpcStatus.INTERNAL;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: MaasErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? {};
  }
}

/** Unknown model, version, alias, or other named thing. */
export class NotFoundError extends MaasError {
  override readonly code = GrpcStatus.NOT_FOUND;
}
/** Malformed request: bad tensor, bad name, bad setting. The message says what was expected. */
export class InvalidArgumentError extends MaasError {
  override readonly code = GrpcStatus.INVALID_ARGUMENT;
}
/** Something with that name exists already. */
export class AlreadyExistsError extends MaasError {
  override readonly code = GrpcStatus.ALREADY_EXISTS;
}
/** The request is valid but the system state forbids it (e.g. deleting an aliased version). */
export class FailedPreconditionError extends MaasError {
  override readonly code = GrpcStatus.FAILED_PRECONDITION;
}
/** Queue full, quota or rate limit spent, memory budget exceeded. */
export class ResourceExhaustedError extends MaasError {
  override readonly code = GrpcStatus.RESOURCE_EXHAUSTED;
}
/** The request's deadline passed before it could be answered. */
export class DeadlineExceededError extends MaasError {
  override readonly code = GrpcStatus.DEADLINE_EXCEEDED;
}
/** No or unknown credentials. */
export class UnauthenticatedError extends MaasError {
  override readonly code = GrpcStatus.UNAUTHENTICATED;
}
/** Known caller, not allowed to do this. */
export class PermissionDeniedError extends MaasError {
  override readonly code = GrpcStatus.PERMISSION_DENIED;
}
/** A dependency (Redis, Consul, a peer service) is down or no healthy instance exists. */
export class UnavailableError extends MaasError {
  override readonly code = GrpcStatus.UNAVAILABLE;
}
/** The caller cancelled. */
export class CancelledError extends MaasError {
  override readonly code = GrpcStatus.CANCELLED;
}
/** A concurrent change won (optimistic concurrency); retrying may succeed. */
export class AbortedError extends MaasError {
  override readonly code = GrpcStatus.ABORTED;
}
/** The operation is not implemented by this server. */
export class UnimplementedError extends MaasError {
  override readonly code = GrpcStatus.UNIMPLEMENTED;
}
/** A bug or an unexpected failure inside the platform (including a model that throws in ORT). */
export class InternalError extends MaasError {
  override readonly code = GrpcStatus.INTERNAL;
}
/** Bad start-up configuration; services exit with it before serving. */
export class ConfigError extends MaasError {
  override readonly code = GrpcStatus.FAILED_PRECONDITION;
}
