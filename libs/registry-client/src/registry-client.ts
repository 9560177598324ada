import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Balancer, StaticProvider, type InstanceProvider } from '@maas/discovery';
import { InternalError, fromServiceError, isServiceError } from '@maas/errors';
import { callUnary, createClient, deadlineIn, DEFAULT_RETRY_POLICY, PLAINTEXT, withRetries, type ClientTransport } from '@maas/grpc-kit';
import {
  loadGrpcObject,
  REGISTRY_PROTO_FILES,
  type Alias__Output,
  type AliasTarget,
  type ArtifactFile__Output,
  type AuditEntry__Output,
  type CreateModelRequest,
  type DownloadArtifactResponse__Output,
  type ModelRegistryClient,
  type RegistryModel,
  type RegistryModelVersion,
  type RegistryProtoGrpcType,
  type RegistryResolveResponse,
  type RegistryWatchEvent,
  type UploadMetadata,
  type VersionConfig,
} from '@maas/protos';

/** Consul name of the registry, also the name its TLS certificate carries. */
export const REGISTRY_SERVICE = 'maas-registry';
const UPLOAD_CHUNK_BYTES = 1 << 20;

/** Options of a RegistryClient. */
export interface RegistryClientOptions {
  /** Healthy registry instances (Consul or static peers); or give `address` for one fixed instance. */
  provider?: InstanceProvider;
  /** One registry host:port (the CLI, tests). */
  address?: string;
  /** Plaintext or TLS (with the process's certificate); default plaintext. */
  transport?: ClientTransport;
  /** Sent as `authorization: Bearer <key>` on every call when set. */
  apiKey?: string;
  /** Sent as `x-maas-actor` (a note beside the authenticated identity in the audit log). */
  actor?: string;
  /** Deadline of unary calls; default 10 s. */
  timeoutMs?: number;
  /** How long a call waits for a registry instance to be discovered before UNAVAILABLE; default 2 s. */
  waitForInstanceMs?: number;
}

/** A hook that sees an upload's or a download's progress (bytes so far). */
export type ProgressFn = (bytes: number) => void;

/** Hex SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: UPLOAD_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** gRPC errors out as the named @maas/errors classes (NotFoundError, PermissionDeniedError ...): mapped here only. */
function mapError(err: unknown): unknown {
  return isServiceError(err) ? fromServiceError(err) : err;
}

/**
 * The one typed client of maas.registry.v1.ModelRegistry that every service and the CLI use: balanced over
 * healthy instances, plaintext or TLS, sending the API key and actor, with typed methods and gRPC errors
 * mapped to named errors in one place.
 */
export class RegistryClient {
  readonly balancer: Balancer<ModelRegistryClient>;
  private readonly timeoutMs: number;
  private readonly waitMs: number;

  constructor(private readonly options: RegistryClientOptions) {
    const provider = options.provider ?? (options.address ? new StaticProvider(REGISTRY_SERVICE, [options.address]) : undefined);
    if (!provider) throw new TypeError('RegistryClient needs a provider or an address');
    const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES);
    const Ctor = grpcObject.maas.registry.v1.ModelRegistry;
    const transport = options.transport ?? PLAINTEXT;
    this.balancer = new Balancer(provider, (address) => createClient(Ctor, address, { transport, service: REGISTRY_SERVICE }));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.waitMs = options.waitForInstanceMs ?? 2000;
  }

  /** Call metadata: the key and the claimed actor. */
  metadata(): grpc.Metadata {
    const m = new grpc.Metadata();
    if (this.options.apiKey) m.set('authorization', `Bearer ${this.options.apiKey}`);
    if (this.options.actor) m.set('x-maas-actor', this.options.actor);
    return m;
  }

  private async unary<Res>(method: string, request: object, timeoutMs = this.timeoutMs): Promise<Res> {
    const client = await this.balancer.pickWhenAvailable(this.waitMs);
    const fn = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[method]!.bind(client);
    try {
      return await callUnary<object, Res>(fn, request, { deadline: deadlineIn(timeoutMs) }, this.metadata());
    } catch (err) {
      throw mapError(err);
    }
  }

  /**
   * A read: idempotent, so a retryable status (an instance going away, none discovered yet) is retried with
   * jittered backoff on a fresh pick, under one deadline — grpc-kit's withRetries and its one table of
   * retryable codes, as every client uses.
   */
  private read<Res>(method: string, request: object): Promise<Res> {
    const deadlineUnixMs = Date.now() + this.timeoutMs;
    return withRetries(() => this.unary<Res>(method, request, Math.max(1, deadlineUnixMs - Date.now())), DEFAULT_RETRY_POLICY, { deadlineUnixMs });
  }

  // ---- models ---------------------------------------------------------------------------------------------

  createModel(request: CreateModelRequest): Promise<RegistryModel> {
    return this.unary('CreateModel', request);
  }

  getModel(name: string): Promise<RegistryModel> {
    return this.read('GetModel', { name });
  }

  /** Every model, or one tenant's. */
  async listModels(ownerTenant = ''): Promise<RegistryModel[]> {
    return (await this.read<{ models: RegistryModel[] }>('ListModels', { owner_tenant: ownerTenant })).models;
  }

  async deleteModel(name: string, force = false): Promise<void> {
    await this.unary('DeleteModel', { name, force });
  }

  // ---- versions -------------------------------------------------------------------------------------------

  getVersion(model: string, version: number): Promise<RegistryModelVersion> {
    return this.read('GetVersion', { model, version });
  }

  async listVersions(model: string): Promise<RegistryModelVersion[]> {
    return (await this.read<{ versions: RegistryModelVersion[] }>('ListVersions', { model })).versions;
  }

  async deleteVersion(model: string, version: number): Promise<void> {
    await this.unary('DeleteVersion', { model, version });
  }

  updateVersionConfig(model: string, version: number, config: VersionConfig): Promise<RegistryModelVersion> {
    return this.unary('UpdateVersionConfig', { model, version, config });
  }

  // ---- aliases --------------------------------------------------------------------------------------------

  setAlias(model: string, name: string, targets: AliasTarget[]): Promise<Alias__Output> {
    return this.unary('SetAlias', { model, name, targets });
  }

  getAlias(model: string, name: string): Promise<Alias__Output> {
    return this.read('GetAlias', { model, name });
  }

  async listAliases(model: string): Promise<Alias__Output[]> {
    return (await this.read<{ aliases: Alias__Output[] }>('ListAliases', { model })).aliases;
  }

  async deleteAlias(model: string, name: string): Promise<void> {
    await this.unary('DeleteAlias', { model, name });
  }

  rollbackAlias(model: string, name: string): Promise<Alias__Output> {
    return this.unary('RollbackAlias', { model, name });
  }

  /** What to serve for model [+ version | + alias]. */
  resolve(model: string, version: number, alias: string): Promise<RegistryResolveResponse> {
    return this.read('Resolve', { model, version, alias });
  }

  /** Newest first; model "" = every model. */
  async listAuditLog(model: string, limit: number): Promise<AuditEntry__Output[]> {
    return (await this.read<{ entries: AuditEntry__Output[] }>('ListAuditLog', { model, limit })).entries;
  }

  // ---- artifacts ------------------------------------------------------------------------------------------

  /**
   * Uploads a file as a new version: hashes it first (the registry checks the sha256 end to end), then
   * streams it in 1 MiB chunks with backpressure.
   */
  async upload(file: string, meta: Omit<UploadMetadata, 'sha256' | 'size_bytes'>, onProgress?: ProgressFn): Promise<RegistryModelVersion> {
    const sizeBytes = fs.statSync(file).size;
    const sha256 = await sha256File(file);
    const client = await this.balancer.pickWhenAvailable(this.waitMs);
    const result = new Promise<RegistryModelVersion>((resolve, reject) => {
      const call = client.UploadVersion(this.metadata(), (err, res) => (err ? reject(mapError(err)) : resolve(res!)));
      void (async () => {
        let sent = 0;
        try {
          call.write({ metadata: { ...meta, sha256, size_bytes: sizeBytes } });
          for await (const chunk of fs.createReadStream(file, { highWaterMark: UPLOAD_CHUNK_BYTES })) {
            if (!call.write({ chunk: chunk as Buffer })) await once(call, 'drain');
            sent += (chunk as Buffer).length;
            onProgress?.(sent);
          }
          call.end();
        } catch (err) {
          call.cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      })();
    });
    return result;
  }

  /**
   * Streams a version's file (model.onnx when `file` is "") into `out`, checking the bytes against the
   * header's sha256 and size (INTERNAL otherwise; `out` is then removed). Returns the header.
   */
  async downloadToFile(model: string, version: number, file: string, out: string, options: { onHeader?: (header: ArtifactFile__Output) => void; onProgress?: ProgressFn; timeoutMs?: number } = {}): Promise<ArtifactFile__Output> {
    const client = await this.balancer.pickWhenAvailable(this.waitMs);
    const stream = client.DownloadArtifact({ model, version, file }, this.metadata(), { deadline: deadlineIn(options.timeoutMs ?? 10 * 60_000) });
    const output = fs.createWriteStream(out);
    const hash = createHash('sha256');
    let header: ArtifactFile__Output | undefined;
    let received = 0;
    try {
      for await (const message of stream as AsyncIterable<DownloadArtifactResponse__Output>) {
        if (message.header) {
          header = message.header;
          options.onHeader?.(header);
        }
        if (message.chunk && message.chunk.length > 0) {
          hash.update(message.chunk);
          received += message.chunk.length;
          if (!output.write(message.chunk)) await once(output, 'drain');
          options.onProgress?.(received);
        }
      }
      await new Promise<void>((resolve, reject) => output.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const digest = hash.digest('hex');
      if (!header || digest !== header.sha256 || received !== Number(header.size_bytes)) {
        throw new InternalError(`download of ${model} v${version} ${file || 'model.onnx'} is corrupt: sha256 ${digest} (${received} bytes), expected ${header?.sha256 ?? '(no header)'} (${header?.size_bytes ?? '?'} bytes)`);
      }
      return header;
    } catch (err) {
      output.destroy();
      fs.rmSync(out, { force: true });
      throw mapError(err);
    }
  }

  /** Reads one file of a version whole (bundle side files: vocabularies, label lists — small). */
  async downloadFile(model: string, version: number, file: string): Promise<Buffer> {
    const client = await this.balancer.pickWhenAvailable(this.waitMs);
    const stream = client.DownloadArtifact({ model, version, file }, this.metadata(), { deadline: deadlineIn(this.timeoutMs) });
    const chunks: Buffer[] = [];
    try {
      for await (const part of stream as AsyncIterable<DownloadArtifactResponse__Output>) {
        if (part.chunk) chunks.push(part.chunk);
      }
    } catch (err) {
      throw mapError(err);
    }
    return Buffer.concat(chunks);
  }

  // ---- change feed ----------------------------------------------------------------------------------------

  /** Opens the change feed on one registry instance (UNAVAILABLE when none is known); errors arrive as gRPC errors on the stream. */
  watch(resumeToken = '', models: string[] = []): grpc.ClientReadableStream<RegistryWatchEvent> {
    return this.balancer.pick().Watch({ resume_token: resumeToken, models }, this.metadata());
  }

  close(): void {
    this.balancer.close();
  }
}
