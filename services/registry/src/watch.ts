import type { ServerWritableStream } from '@grpc/grpc-js';
import type { WatchEvent, WatchRequest__Output } from '@maas/protos';
import type { EventLog } from './event-log';
import type { EventRecord } from './records';

function toWatchEvent(log: EventLog, e: EventRecord): WatchEvent {
  return { token: log.token(e.seq), kind: e.kind, model: e.model, version: e.version, alias: e.alias, unix_ms: e.unix_ms, actor: e.actor };
}

/**
 * Watch: replays the retained events after the resume token (OUT_OF_RANGE when it is too old), then sends
 * each new event as it is appended, and a HEARTBEAT every `heartbeatMs` carrying the latest token, until
 * the client cancels or the server shuts down. Live events arriving during the replay are queued, so
 * nothing is lost or sent twice.
 */
export async function handleWatch(call: ServerWritableStream<WatchRequest__Output, WatchEvent>, log: EventLog, heartbeatMs: number, shutdown: Promise<void>): Promise<void> {
  const models = new Set(call.request.models);
  const wanted = (e: EventRecord): boolean => models.size === 0 || models.has(e.model);
  let lastSent = log.resumeFrom(call.request.resume_token);
  const send = (e: EventRecord): void => {
    if (e.seq <= lastSent) return;
    lastSent = e.seq;
    if (wanted(e)) call.write(toWatchEvent(log, e));
  };
  const unsubscribe = log.subscribe(send);
  try {
    for (const e of log.since(lastSent)) send(e);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        call.write({ token: log.token(lastSent), kind: 'HEARTBEAT', model: '', version: 0, alias: '', unix_ms: Date.now(), actor: '' });
      }, heartbeatMs);
      const done = (): void => {
        clearInterval(timer);
        resolve();
      };
      call.once('cancelled', done);
      call.once('close', done);
      call.once('error', done);
      void shutdown.then(done);
    });
  } finally {
    unsubscribe();
  }
}
