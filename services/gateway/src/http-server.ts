import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { NotFoundError, toGrpcStatus } from '@maas/errors';
import { statusName, type TlsFiles } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import { contextFromHeaders, tracingEnabled } from '@maas/tracing';
import type { Authenticator } from './auth';
import type { GatewayState } from './gateway-state';
import { INFERENCE_HEADER_CONTENT_LENGTH, encodeInferResponse, parseInferRequest } from './http-codec';
import { createGatewayHttpServer, type GatewayHttpServer } from './http-tls';
import type { InferContext } from './infer';
import { modelConfig, modelMetadata } from './model-info';
import type { TenantIsolation } from './tenant-isolation';

/** gRPC status → HTTP status for the REST binding. */
const HTTP_STATUS: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 429,
  [GrpcStatus.CANCELLED]: 499,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

/** Thrown for bodies over the size limit (answered 413 once the body has been read and discarded). */
class PayloadTooLarge extends Error {
  constructor(message: string, readonly drained: boolean) {
    super(message);
  }
}

/** How much of an oversized body is read and thrown away so the client gets its 413; past this the connection is closed. */
const DISCARD_LIMIT_BYTES = 64 * 2 ** 20;

/**
 * Reads a body of at most maxBytes. An oversized one (declared or streamed) is read to its end and thrown
 * away, then rejected with PayloadTooLarge, so the client — still sending — reads a 413 instead of a
 * connection reset; only past DISCARD_LIMIT_BYTES more is the connection given up.
 */
function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBytes ? `request body of ${declared} bytes is over the limit of ${maxBytes} bytes (MAAS_MAX_MESSAGE_BYTES)` : '';
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (!tooLarge && size > maxBytes) tooLarge = `request body is over the limit of ${maxBytes} bytes (MAAS_MAX_MESSAGE_BYTES)`;
      if (!tooLarge) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > maxBytes + DISCARD_LIMIT_BYTES) {
        req.off('data', onData);
        req.pause();
        reject(new PayloadTooLarge(tooLarge, false));
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (tooLarge) reject(new PayloadTooLarge(tooLarge, true));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

const json = (res: http.ServerResponse, statusCode: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const MODEL_ROUTE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer|\/config|\/stats)?$/;

/** The Open Inference Protocol REST binding on one HTTP server. */
export function createHttpServer(state: GatewayState, auth: Authenticator, isolation: TenantIsolation, logger: Logger, maxBodyBytes: number, tls?: TlsFiles): GatewayHttpServer {
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if (method === 'GET' && path === '/v2/health/live') return json(res, 200, { live: true });
    if (method === 'GET' && path === '/v2/health/ready') {
      const ready = state.isReady();
      return json(res, ready ? 200 : 503, ready ? { ready } : { ready, error: 'not ready: Redis, a registry or a worker is not reachable' });
    }
    if (method === 'GET' && path === '/v2') return json(res, 200, state.serverMetadata());
    if (method === 'GET' && path === '/v2/models/stats') {
      const principal = auth.authenticate(header);
      const stats = await state.statistics('', '');
      return json(res, 200, { ...stats, model_stats: await isolation.filter(principal, stats.model_stats, (s) => s.name) });
    }
    if (method === 'POST' && path === '/v2/repository/index') {
      const principal = auth.authenticate(header);
      const body = await readBody(req, maxBodyBytes);
      const ready = body.length > 0 ? Boolean((JSON.parse(body.toString('utf8')) as { ready?: boolean }).ready) : false;
      return json(res, 200, await isolation.filter(principal, await state.repositoryIndex(ready), (row) => row.name));
    }
    const repo = /^\/v2\/repository\/models\/([^/]+)\/(load|unload)$/.exec(path);
    if (method === 'POST' && repo) {
      isolation.requireAdmin(auth.authenticate(header), repo[2] === 'load' ? 'RepositoryModelLoad' : 'RepositoryModelUnload');
      const name = decodeURIComponent(repo[1]!);
      const deadline = Date.now() + state.defaultTimeoutMs;
      await (repo[2] === 'load' ? state.loadModel(name, deadline) : state.unloadModel(name, deadline));
      return json(res, 200, {});
    }
    const m = MODEL_ROUTE.exec(path);
    if (!m) throw new NotFoundError(`no route for ${method} ${path}: see the KServe v2 REST API (/v2/models/{model}/infer ...)`);
    const model = decodeURIComponent(m[1]!);
    const version = m[2] ? decodeURIComponent(m[2]) : '';
    const action = m[3] ?? '';
    if (method === 'POST' && action === '/infer') {
      const principal = auth.authenticate(header);
      const body = await readBody(req, maxBodyBytes);
      const headerLength = header(INFERENCE_HEADER_CONTENT_LENGTH);
      const parsed = parseInferRequest({ modelName: model, modelVersion: version, body, ...(headerLength !== undefined ? { inferenceHeaderContentLength: headerLength } : {}) });
      const abort = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const timeout = Number(header('timeout-ms') ?? state.defaultTimeoutMs);
      const ctx: InferContext = {
        principal,
        deadlineUnixMs: Date.now() + Math.min(Number.isFinite(timeout) && timeout > 0 ? timeout : state.defaultTimeoutMs, state.defaultTimeoutMs),
        protocol: 'http',
        logger,
        signal: abort.signal,
      };
      if (tracingEnabled()) ctx.traceContext = contextFromHeaders(header);
      const result = await state.inference.infer(parsed, ctx);
      const encoded = encodeInferResponse(result, parsed);
      res.writeHead(200, { ...encoded.headers, 'content-length': encoded.body.length });
      res.end(encoded.body);
      return;
    }
    if (method !== 'GET') throw new NotFoundError(`no route for ${method} ${path}`);
    const principal = auth.authenticate(header);
    if (action === '/ready') {
      const ready = (await isolation.isVisible(principal, model)) && (await state.modelReady(model, version));
      return json(res, ready ? 200 : 400, ready ? { name: model, ready } : { name: model, ready, error: `model "${model}" is not ready: see /v2/repository/index for why` });
    }
    await isolation.assertVisible(principal, model);
    if (action === '/stats') {
      const stats = await state.statistics(model, version);
      return json(res, 200, { ...stats, model_stats: await isolation.filter(principal, stats.model_stats, (s) => s.name) });
    }
    const described = await state.describe(model, version);
    if (action === '/config') return json(res, 200, modelConfig(described.version));
    return json(res, 200, modelMetadata(described.version, described.allVersions));
  };

  const server = createGatewayHttpServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof PayloadTooLarge) {
        if (!err.drained) res.setHeader('connection', 'close');
        json(res, 413, { error: err.message, code: 'RESOURCE_EXHAUSTED' });
        if (!err.drained) res.once('finish', () => req.destroy());
        return;
      }
      if (err instanceof SyntaxError) return json(res, 400, { error: `malformed JSON body: ${err.message}`, code: 'INVALID_ARGUMENT' });
      if (err instanceof URIError) return json(res, 400, { error: `malformed percent-encoding in the path ${req.url ?? ''}`, code: 'INVALID_ARGUMENT' });
      const s = toGrpcStatus(err);
      if (s.code === GrpcStatus.INTERNAL) logger.error({ err, path: req.url }, 'http request failed');
      json(res, HTTP_STATUS[s.code] ?? 500, { error: s.details, code: statusName(s.code) });
    });
  }, tls, logger);
  // Requests Node cannot parse (bad request line or headers, headers too large) get a JSON error too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error: `malformed HTTP request: ${err.message}`, code: 'INVALID_ARGUMENT' });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

/** Starts listening; resolves with the bound port. */
export async function listenHttp(server: GatewayHttpServer, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
