import { isRetryable, isServiceError, MaasError } from '@maas/errors';

/** How a client retries a failed call: attempts and an exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first one included (1 = never retry). */
  maxAttempts: number;
  /** Backoff ceiling before the second attempt; doubles (× multiplier) after each retry. */
  initialBackoffMs: number;
  /** Largest backoff ceiling. */
  maxBackoffMs: number;
  /** Growth of the backoff ceiling per retry. */
  backoffMultiplier: number;
}

/** The default: 4 attempts, backoff ceilings 100 ms, 200 ms, 400 ms (capped at 2 s), each fully jittered. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 2000, backoffMultiplier: 2 };

/**
 * The wait before retry number `retry` (1 = the first retry): uniform in [0, ceiling], the ceiling growing
 * exponentially. Full jitter spreads the retries of many callers that failed at the same moment.
 */
export function retryBackoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.backoffMultiplier ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Whether a failed attempt may be retried: a gRPC error or a MaasError whose status is in the one RETRYABLE_CODES table. */
export function isRetryableError(err: unknown): boolean {
  return (isServiceError(err) || err instanceof MaasError) && isRetryable(err.code);
}

/** What stops retries early besides the policy: the caller's deadline and cancellation. */
export interface RetryBounds {
  /** Epoch ms after which no new attempt starts (a wait that would end past it is not taken). */
  deadlineUnixMs?: number;
  /** Cancels the wait between attempts. */
  signal?: AbortSignal;
  /** Called before each wait, for logs and metrics. */
  onRetry?: (err: unknown, retry: number, backoffMs: number) => void;
  /** Source of randomness for the jitter (tests pass a fixed one). */
  random?: () => number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails with a status that is not retryable, runs out of attempts, or the
 * next wait would pass the deadline; then throws the last error. Only RETRYABLE_CODES are retried: an
 * INVALID_ARGUMENT or a DEADLINE_EXCEEDED cannot succeed by trying again.
 */
export async function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy, bounds: RetryBounds = {}): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= policy.maxAttempts || !isRetryableError(err) || bounds.signal?.aborted) throw err;
      const backoffMs = retryBackoffMs(n, policy, bounds.random);
      if (bounds.deadlineUnixMs !== undefined && Date.now() + backoffMs >= bounds.deadlineUnixMs) throw err;
      bounds.onRetry?.(err, n, backoffMs);
      await sleep(backoffMs, bounds.signal).catch(() => {
        throw err;
      });
    }
  }
}
