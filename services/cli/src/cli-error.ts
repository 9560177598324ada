import { isServiceError, MaasError } from '@maas/errors';

/** A failure the CLI reports in one line and exits non-zero for (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The line to print for any error: the server's own message for gRPC errors, with its status name. */
export function describeError(err: unknown): string {
  if (err instanceof MaasError) {
    const code = Object.entries(STATUS_NAMES).find(([, n]) => n === err.code)?.[0] ?? String(err.code);
    return `${err.message} (${code})`;
  }
  if (isServiceError(err)) {
    const code = Object.entries(STATUS_NAMES).find(([, n]) => n === err.code)?.[0] ?? String(err.code);
    return `${err.details || err.message} (${code})`;
  }
  if (err instanceof MaasError) {
    const code = Object.entries(STATUS_NAMES).find(([, n]) => n === err.code)?.[0] ?? String(err.code);
    return `${err.message} (${code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

const STATUS_NAMES: Record<string, number> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};
