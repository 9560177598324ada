import { status as GrpcStatus } from '@grpc/grpc-js';
import { isServiceError, MaasError } from '@maas/errors';

/**
 * How grpc-js words a message over the size limit, on either side: the receiver's decoder ("Received message
 * larger than max (N vs. M)"), the sender's ("Sent message larger than max", "Attempted to send message with a
 * size larger than M"), a decompressed size, and servers that say "exceeds maximum".
 */
const OVERSIZED_MESSAGE = /message larger than max|message with a size larger than|decompresses to a size larger than|exceeds (the )?max(imum)?/i;

/**
 * Whether a failure is RESOURCE_EXHAUSTED because a message is over a size limit. It shares its status with a
 * full queue and a spent rate limit, which retrying after a wait can cure; an oversized message never fits
 * on a later attempt, so the client does not retry it.
 */
export function isOversizedMessage(err: unknown): boolean {
  if (!(isServiceError(err) || err instanceof MaasError) || err.code !== GrpcStatus.RESOURCE_EXHAUSTED) return false;
  const details = isServiceError(err) ? `${err.details} ${err.message}` : err.message;
  return OVERSIZED_MESSAGE.test(details);
}

/** Carries a failure past withRetries without a retry (it is not a gRPC or Maas error, so it is not retryable). */
export class NotRetried {
  constructor(readonly error: unknown) {}
}

/** An attempt whose failures that a retry cannot cure (see isOversizedMessage) are wrapped in NotRetried. */
export function noRetryForOversized<T>(attempt: () => Promise<T>): () => Promise<T> {
  return () =>
    attempt().catch((err: unknown) => {
      throw isOversizedMessage(err) ? new NotRetried(err) : err;
    });
}

/** The failure itself, unwrapped from NotRetried. */
export function unwrapNotRetried(err: unknown): unknown {
  return err instanceof NotRetried ? err.error : err;
}
