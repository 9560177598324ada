import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { NotFoundError, toGrpcStatus } from '@maas/errors';
import { statusName } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import { contextFromHeaders, tracingEnabled } from '@maas/tracing';
import type { Authenticator } from './auth';
import type { GatewayState } from './gateway-state';
import { INFERENCE_HEADER_CONTENT_LENGTH, encodeInferResponse, parseInferRequest } from './http-codec';
import type { InferRequest } from './infer';
import { modelConfig, modelMetadata } from './model-info';

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

/** Thrown for bodies over the size limit. */
class PayloadTooLarge extends Error {}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(new PayloadTooLarge(`request body of ${declared} bytes is over the limit of ${maxBytes} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new PayloadTooLarge(`request body is over the limit of ${maxBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
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
export function createHttpServer(state: GatewayState, auth: Authenticator, logger: Logger, maxBodyBytes: number): http.Server {
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if (method === 'GET' && path === '/v2/health/live') return json(res, 200, { live: true });
    if (method === 'GET' && path === '/v2/health/ready') return json(res, state.isReady() ? 200 : 503, { ready: state.isReady() });
    if (method === 'GET' && path === '/v2') return json(res, 200, state.serverMetadata());
    if (method === 'GET' && path === '/v2/models/stats') {
      auth.authenticate(header);
      return json(res, 200, state.statistics('', ''));
    }
    if (method === 'POST' && path === '/v2/repository/index') {
      auth.authenticate(header);
      const body = await readBody(req, maxBodyBytes);
      const ready = body.length > 0 ? Boolean((JSON.parse(body.toString('utf8')) as { ready?: boolean }).ready) : false;
      return json(res, 200, await state.repositoryIndex(ready));
    }
    const repo = /^\/v2\/repository\/models\/([^/]+)\/(load|unload)$/.exec(path);
    if (method === 'POST' && repo) {
      auth.authenticate(header);
      const name = decodeURIComponent(repo[1]!);
      await (repo[2] === 'load' ? state.loadModel(name) : state.unloadModel(name));
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
      const result = await state.inference.infer(parsed as unknown as InferRequest, {
        principal,
        deadlineUnixMs: Date.now() + Math.min(Number.isFinite(timeout) && timeout > 0 ? timeout : state.defaultTimeoutMs, state.defaultTimeoutMs),
        protocol: 'http',
        logger,
        signal: abort.signal,
        ...(tracingEnabled() ? { traceContext: contextFromHeaders(header) } : {}),
      });
      const encoded = encodeInferResponse(result, parsed);
      res.writeHead(200, { ...encoded.headers, 'content-length': encoded.body.length });
      res.end(encoded.body);
      return;
    }
    if (method !== 'GET') throw new NotFoundError(`no route for ${method} ${path}`);
    auth.authenticate(header);
    if (action === '/ready') {
      const ready = await state.modelReady(model, version);
      return json(res, ready ? 200 : 400, { name: model, ready });
    }
    if (action === '/stats') return json(res, 200, state.statistics(model, version));
    const described = await state.describe(model, version);
    if (action === '/config') return json(res, 200, modelConfig(described.version));
    return json(res, 200, modelMetadata(described.version, described.allVersions));
  };

  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof PayloadTooLarge) return json(res, 413, { error: err.message });
      if (err instanceof SyntaxError) return json(res, 400, { error: `malformed JSON body: ${err.message}` });
      const s = toGrpcStatus(err);
      if (s.code === GrpcStatus.INTERNAL) logger.error({ err, path: req.url }, 'http request failed');
      json(res, HTTP_STATUS[s.code] ?? 500, { error: s.details, code: statusName(s.code) });
    });
  });
}

/** Starts listening; resolves with the bound port. */
export async function listenHttp(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
