import type { Readable } from 'node:stream';
import { CancelledError, DeadlineExceededError } from '@maas/errors';

/** Pulls messages from a client stream one at a time; `undefined` when the client half-closed. */
export interface MessageReader<T> {
  next(): Promise<T | undefined>;
}

/**
 * Reads a gRPC client stream with two guards a plain `for await` lacks: a cancelled call (the client went
 * away) rejects with CANCELLED instead of hanging, and a stream that stays silent for `idleTimeoutMs`
 * rejects with DEADLINE_EXCEEDED, so a stalled upload cannot hold a temp folder forever. Messages are pulled
 * one by one, so writing them to disk applies backpressure to the sender.
 */
export function messageReader<T>(stream: Readable, idleTimeoutMs: number): MessageReader<T> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<T>;
  let cancelled = false;
  let onCancel: (() => void) | undefined;
  stream.once('cancelled', () => {
    cancelled = true;
    onCancel?.();
  });
  return {
    async next() {
      if (cancelled) throw new CancelledError('the client cancelled the stream');
      let timer: NodeJS.Timeout | undefined;
      const guard = new Promise<never>((_, reject) => {
        onCancel = () => reject(new CancelledError('the client cancelled the stream'));
        timer = setTimeout(() => reject(new DeadlineExceededError(`no message for ${idleTimeoutMs} ms; upload abandoned`)), idleTimeoutMs);
      });
      try {
        const result = await Promise.race([iterator.next(), guard]);
        return result.done ? undefined : result.value;
      } catch (err) {
        if (cancelled) throw new CancelledError('the client cancelled the stream', { cause: err });
        throw err;
      } finally {
        clearTimeout(timer);
        onCancel = undefined;
        guard.catch(() => undefined);
      }
    },
  };
}
