import type * as grpc from '@grpc/grpc-js';
import { toServiceError } from '@maas/errors';

/**
 * Adapters from async functions to grpc-js handlers. A thrown error (a named MaasError or anything else) is
 * mapped through the one error→status table; nothing escapes as an unhandled rejection.
 */

/** Unary: `async (request, call) => response`. */
export function unary<Req, Res>(
  fn: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}

/** Server streaming: `async (call) => { call.write(...) }`; the stream ends when the promise settles. */
export function serverStreaming<Req, Res>(
  fn: (call: grpc.ServerWritableStream<Req, Res>) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    fn(call).then(
      () => {
        if (!call.writableEnded) call.end();
      },
      (err: unknown) => {
        if (!call.destroyed) call.emit('error', toServiceError(err));
      },
    );
  };
}

/** Client streaming: `async (call) => response` where call is an async-iterable readable. */
export function clientStreaming<Req, Res>(
  fn: (call: grpc.ServerReadableStream<Req, Res>) => Promise<Res>,
): grpc.handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    fn(call).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}

/** Bidirectional streaming: `async (call) => {}`; errors end the stream with their status. */
export function bidiStreaming<Req, Res>(
  fn: (call: grpc.ServerDuplexStream<Req, Res>) => Promise<void>,
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    fn(call).then(
      () => {
        if (!call.writableEnded) call.end();
      },
      (err: unknown) => {
        if (!call.destroyed) call.emit('error', toServiceError(err));
      },
    );
  };
}
