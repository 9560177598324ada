import { Metadata, status } from '@grpc/grpc-js';
import { NotFoundError, RETRYABLE_CODES, UnavailableError } from '@maas/errors';
import { isRetryableError, retryBackoffMs, withRetries, type RetryPolicy } from './retry';

const grpcError = (code: status): Error => Object.assign(new Error(`status ${code}`), { code, details: `status ${code}`, metadata: new Metadata() });
const POLICY: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 25, backoffMultiplier: 2 };

describe('retries', () => {
  it('backs off with full jitter under an exponentially growing, capped ceiling', () => {
    expect([1, 2, 3, 4].map((n) => retryBackoffMs(n, POLICY, () => 0.999999))).toEqual([9, 19, 24, 24]);
    expect(retryBackoffMs(3, POLICY, () => 0)).toBe(0);
  });

  it('retries exactly the statuses of the one RETRYABLE_CODES table', () => {
    for (let code = 0; code <= 16; code++) expect(isRetryableError(grpcError(code))).toBe(RETRYABLE_CODES.has(code));
    expect(isRetryableError(new Error('not a grpc error'))).toBe(false);
    expect(isRetryableError(new UnavailableError('no registry instance'))).toBe(true);
    expect(isRetryableError(new NotFoundError('no such model'))).toBe(false);
  });

  it('retries UNAVAILABLE until it succeeds, and never INVALID_ARGUMENT', async () => {
    let calls = 0;
    const seen: number[] = [];
    await expect(withRetries(async () => (++calls < 3 ? Promise.reject(grpcError(status.UNAVAILABLE)) : 'ok'), POLICY, { onRetry: (_e, n) => seen.push(n) })).resolves.toBe('ok');
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2]);
    calls = 0;
    await expect(withRetries(async () => { calls++; throw grpcError(status.INVALID_ARGUMENT); }, POLICY)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts, before a wait that would pass the deadline, and when cancelled', async () => {
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw grpcError(status.RESOURCE_EXHAUSTED); }, POLICY)).rejects.toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetries(async () => { calls++; throw grpcError(status.UNAVAILABLE); }, { ...POLICY, initialBackoffMs: 10_000, maxBackoffMs: 10_000 }, { deadlineUnixMs: Date.now() + 1000, random: () => 0.5 })).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(calls).toBe(1);
    const abort = new AbortController();
    calls = 0;
    const p = withRetries(async () => { calls++; throw grpcError(status.UNAVAILABLE); }, { ...POLICY, initialBackoffMs: 60_000, maxBackoffMs: 60_000 }, { signal: abort.signal, random: () => 0.5 });
    setTimeout(() => abort.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(calls).toBe(1);
  });
});
