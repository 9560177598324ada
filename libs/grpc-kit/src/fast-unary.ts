// A lighter path for one hot unary method, served on the grpc-js server's own HTTP/2 sessions: the same port,
// TLS, keepalive, connection age and graceful shutdown, but the request is read, decoded, answered and framed
// straight on the node:http2 stream, without grpc-js's per-call machinery (interceptor chain, metadata objects,
// call objects, stream decoders). Measured here: a bare node:http2 echo costs ~0.08 ms CPU per call at c128
// against ~0.13 ms for the same echo on grpc-js (docs/performance.md). Everything else, and any call of the
// method this path does not take as it is (compressed, not application/grpc), stays with grpc-js.
import type * as http2 from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { toServiceError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { logRpc, statusName, type GrpcServerMetrics } from './interceptors';

/** What a fast unary handler sees of its call: headers, deadline, and cancellation as an abort-signal-like object. */
export interface FastCall {
  /** A request header (lower-case name): gRPC metadata of ASCII keys arrives as HTTP/2 headers. */
  header(name: string): string | undefined;
  /** The client's deadline (grpc-timeout) as epoch ms; Infinity without one. The handler enforces it. */
  getDeadline(): number;
  /** True once the client cancelled or the connection went away before the answer. */
  readonly aborted: boolean;
  /** AbortSignal's shape, so the call itself can be passed where a cancel signal is taken (one listener at a time). */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** One unary method served on the fast path. */
export interface FastUnaryMethod<Req, Res> {
  /** The gRPC path, "/package.Service/Method". */
  path: string;
  deserialize(bytes: Buffer): Req;
  serialize(response: Res): Buffer;
  /** Resolves with the answer or rejects with any error (mapped through the one error→status table). */
  handle(request: Req, call: FastCall): Promise<Res>;
}

/** Limits and observability of the fast path, the same the grpc-js server has. */
export interface FastPathOptions {
  maxReceiveBytes: number;
  maxSendBytes: number;
  metrics: GrpcServerMetrics;
  logger: Logger;
}

const NO_LISTENER = (): void => undefined;

/** How long a request that ended mid-message waits for the reset that usually follows before it is called malformed. */
const MALFORMED_GRACE_MS = 50;

class StreamCall implements FastCall {
  aborted = false;
  answered = false;
  private listener: () => void = NO_LISTENER;

  constructor(
    private readonly headers: http2.IncomingHttpHeaders,
    private readonly deadline: number,
  ) {}

  header(name: string): string | undefined {
    const v = this.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  getDeadline(): number {
    return this.deadline;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = NO_LISTENER;
  }

  abort(): void {
    if (this.aborted || this.answered) return;
    this.aborted = true;
    const l = this.listener;
    this.listener = NO_LISTENER;
    l();
  }
}

const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** grpc-timeout ("100m", "5S", up to 8 digits and a unit) as epoch ms from now; Infinity when absent or malformed. */
export function deadlineFromTimeout(value: string | undefined, nowMs: number): number {
  if (value === undefined) return Infinity;
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (!m) return Infinity;
  return nowMs + Number(m[1]) * TIMEOUT_UNIT_MS[m[2]!]!;
}

/**
 * Whether the fast path takes a call as it came: gRPC over HTTP/2 POST with protobuf content and no message
 * compression. Anything else goes to grpc-js, which answers it as it always has (415, UNIMPLEMENTED, gzip...).
 */
export function fastPathTakes(headers: http2.IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  if (headers[':method'] !== 'POST' || typeof type !== 'string') return false;
  if (type !== 'application/grpc' && type !== 'application/grpc+proto') return false;
  const encoding = headers['grpc-encoding'];
  return encoding === undefined || encoding === 'identity';
}

/** Answers up to this size go out framed in one buffer (one stream write); larger ones as prefix + body. */
const SMALL_MESSAGE_BYTES = 16 * 1024;

const OK_HEADERS = { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': 'identity,deflate,gzip' };
const OK_TRAILERS = { 'grpc-status': '0', 'grpc-message': 'OK' };

/** Serves the calls of one method on HTTP/2 streams; create one per method, call `serve` for each stream. */
export class FastUnaryRoute<Req, Res> {
  private readonly service: string;
  private readonly method: string;
  private readonly handledByCode = new Map<number, { inc(): void }>();
  private readonly seconds: { observe(v: number): void };

  constructor(
    private readonly def: FastUnaryMethod<Req, Res>,
    private readonly options: FastPathOptions,
  ) {
    const [, service = 'unknown', method = 'unknown'] = /^\/([^/]+)\/([^/]+)$/.exec(def.path) ?? [];
    this.service = service;
    this.method = method;
    this.seconds = options.metrics.handlingSeconds.labels({ grpc_service: service, grpc_method: method });
  }

  serve(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const started = performance.now();
    const call = new StreamCall(headers, deadlineFromTimeout(headers['grpc-timeout'] as string | undefined, Date.now()));
    stream.once('error', NO_LISTENER);
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let received = 0;
    let refused = false;
    let reading = true;
    // A close before the answer is a cancel (RST_STREAM from the client, or the connection gone): of the
    // handler's work when it runs, else of the upload (counted here: no handler will answer it).
    stream.once('close', () => {
      call.abort();
      if (reading && !refused) {
        reading = false;
        call.answered = true;
        this.count(started, GrpcStatus.CANCELLED);
      }
    });
    const limit = this.options.maxReceiveBytes + 5;
    stream.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > limit) {
        refused = true;
        this.finish(stream, call, started, GrpcStatus.RESOURCE_EXHAUSTED, `Received message larger than max (${received - 5} vs ${this.options.maxReceiveBytes})`);
        return;
      }
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    stream.once('end', () => {
      if (refused || !reading || stream.closed || stream.destroyed) return;
      const body = more ? Buffer.concat(more, received) : first ?? Buffer.alloc(0);
      const message = this.oneMessage(body);
      if (typeof message === 'object' && 'code' in message) {
        // A client that cancels mid-upload (ghz at the end of its run, a Node client's close()) ends the stream
        // with part of the message and resets it a moment later: give the reset that moment, so a cancel is
        // counted as one ('close' above) and only a request that really was malformed is answered so.
        setTimeout(() => {
          if (!reading || stream.closed || stream.destroyed) return;
          reading = false;
          this.finish(stream, call, started, message.code, message.details);
        }, MALFORMED_GRACE_MS);
        return;
      }
      reading = false;
      let request: Req;
      try {
        request = this.def.deserialize(message);
      } catch (err) {
        this.finish(stream, call, started, GrpcStatus.INTERNAL, `Error deserializing request: ${(err as Error).message}`);
        return;
      }
      let handled: Promise<Res>;
      try {
        handled = this.def.handle(request, call);
      } catch (err) {
        // A handler that throws before returning its promise is answered like one that rejects.
        handled = Promise.reject(err);
      }
      handled.then(
        (response) => this.answer(stream, call, started, response),
        (err: unknown) => {
          const e = toServiceError(err);
          this.finish(stream, call, started, e.code, e.details, e.metadata?.toHttp2Headers());
        },
      );
    });
  }

  /** The one length-prefixed message of a unary request, or the status grpc-js answers when there is not exactly one. */
  private oneMessage(body: Buffer): Buffer | { code: number; details: string } {
    if (body.length < 5) {
      if (body.length === 0) return { code: GrpcStatus.UNIMPLEMENTED, details: `Received no request message for server streaming method ${this.def.path}` };
      return { code: GrpcStatus.INTERNAL, details: 'Incomplete gRPC message frame' };
    }
    if (body[0] !== 0) return { code: GrpcStatus.INTERNAL, details: 'Compressed message received with identity encoding' };
    const length = body.readUInt32BE(1);
    if (body.length < 5 + length) return { code: GrpcStatus.INTERNAL, details: 'Incomplete gRPC message frame' };
    if (body.length > 5 + length) return { code: GrpcStatus.UNIMPLEMENTED, details: `Received a second request message for server streaming method ${this.def.path}` };
    return body.subarray(5);
  }

  private answer(stream: http2.ServerHttp2Stream, call: StreamCall, started: number, response: Res): void {
    let body: Buffer;
    try {
      body = this.def.serialize(response);
    } catch (err) {
      this.finish(stream, call, started, GrpcStatus.INTERNAL, `Error serializing response: ${(err as Error).message}`);
      return;
    }
    if (body.length > this.options.maxSendBytes) {
      this.finish(stream, call, started, GrpcStatus.RESOURCE_EXHAUSTED, `Sent message larger than max (${body.length} vs. ${this.options.maxSendBytes})`);
      return;
    }
    call.answered = true;
    if (stream.destroyed || stream.closed) return this.count(started, GrpcStatus.CANCELLED);
    stream.respond(OK_HEADERS, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(OK_TRAILERS));
    if (body.length <= SMALL_MESSAGE_BYTES) {
      // One write (a single DATA frame) for a small answer: copying it is cheaper than a second stream write.
      const framed = Buffer.allocUnsafe(5 + body.length);
      framed[0] = 0;
      framed.writeUInt32BE(body.length, 1);
      body.copy(framed, 5);
      stream.end(framed);
    } else {
      const prefix = Buffer.allocUnsafe(5);
      prefix[0] = 0;
      prefix.writeUInt32BE(body.length, 1);
      stream.write(prefix);
      stream.end(body);
    }
    this.count(started, GrpcStatus.OK);
  }

  /** Answers with a status only (trailers-only, as grpc-js does when no message was sent). */
  private finish(stream: http2.ServerHttp2Stream, call: StreamCall, started: number, code: number, details: string, extra?: http2.OutgoingHttpHeaders): void {
    call.answered = true;
    if (!stream.destroyed && !stream.closed && !stream.headersSent) {
      stream.respond({ ...OK_HEADERS, ...extra, 'grpc-status': String(code), 'grpc-message': encodeURI(details) }, { endStream: true });
    }
    // grpc-js reads the rest of a refused request; here the stream is reset once the status is out.
    if (!stream.destroyed && !stream.readableEnded) stream.close();
    this.count(started, code, details);
  }

  private count(started: number, code: number, details?: string): void {
    const seconds = (performance.now() - started) / 1000;
    let handled = this.handledByCode.get(code);
    if (!handled) {
      handled = this.options.metrics.handled.labels({ grpc_service: this.service, grpc_method: this.method, grpc_code: statusName(code) });
      this.handledByCode.set(code, handled);
    }
    handled.inc();
    this.seconds.observe(seconds);
    logRpc(this.options.logger, this.def.path, code, seconds, details);
  }
}
