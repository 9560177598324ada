import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Balancer, type InstanceProvider } from '@maas/discovery';
import { fromServiceError, InternalError, isServiceError } from '@maas/errors';
import { callUnary, createClient, deadlineIn } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import { loadGrpcObject, REGISTRY_PROTO_FILES, type ModelRegistryClient, type RegistryModelVersion, type RegistryProtoGrpcType, type RegistryWatchEvent } from '@maas/protos';
import { settingsFromConfig, versionKey, type ModelSource, type SourceEvent, type VersionConfigJson, type VersionInfo } from './model-source';

const CALL_TIMEOUT_MS = 10_000;
const WATCH_RETRY_MS = 1000;

/** Options of a RegistryModelSource. */
export interface RegistryModelSourceOptions {
  /** Healthy maas-registry instances (Consul or static peers). */
  provider: InstanceProvider;
  /** Downloaded artifacts live here as <model>/<version>/<sha256>.onnx. */
  cacheDir: string;
  logger: Logger;
}

/**
 * Models from the registry over gRPC (client-side balanced over healthy instances). Artifacts are
 * streamed into the local cache as a temp file, checked against the sha256 of the stream header and of
 * the version, then renamed into place, so a half-written or corrupt file is never used. watch() follows
 * the registry's change feed with resume tokens, reconnecting forever; a token the registry no longer
 * has (OUT_OF_RANGE) starts over with a RESYNC event.
 */
export class RegistryModelSource implements ModelSource {
  private readonly balancer: Balancer<ModelRegistryClient>;
  private readonly downloads = new Map<string, Promise<string>>();
  private readonly verified = new Set<string>();

  constructor(private readonly options: RegistryModelSourceOptions) {
    const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES);
    const Ctor = grpcObject.maas.registry.v1.ModelRegistry;
    this.balancer = new Balancer(options.provider, (address) => createClient(Ctor, address));
  }

  private async call<Req, Res>(name: string, request: Req): Promise<Res> {
    const client = this.balancer.pick() as unknown as Record<string, Parameters<typeof callUnary<Req, Res>>[0]>;
    const method = client[name]!.bind(client);
    try {
      return await callUnary<Req, Res>(method, request, { deadline: deadlineIn(CALL_TIMEOUT_MS) });
    } catch (err) {
      throw isServiceError(err) ? fromServiceError(err) : err;
    }
  }

  async listModels(): Promise<string[]> {
    const res = await this.call<object, { models: Array<{ name: string }> }>('ListModels', {});
    return res.models.map((m) => m.name);
  }

  async currentVersions(model: string): Promise<number[]> {
    const [aliases, info] = await Promise.all([
      this.call<object, { aliases: Array<{ targets: Array<{ version: number }> }> }>('ListAliases', { model }),
      this.call<object, { latest_version: number }>('GetModel', { name: model }),
    ]);
    const versions = new Set<number>(aliases.aliases.flatMap((a) => a.targets.map((t) => Number(t.version))));
    if (Number(info.latest_version) > 0) versions.add(Number(info.latest_version));
    return [...versions].filter((v) => v > 0).sort((a, b) => a - b);
  }

  async getVersion(model: string, version: number): Promise<VersionInfo> {
    const v = await this.call<object, RegistryModelVersion>('GetVersion', { model, version });
    const settings = settingsFromConfig(v.config as VersionConfigJson | null);
    // The worker needs model.onnx only: for a bundle its checksum and size are the file's, not the tar's.
    const onnx = v.files.find((f) => f.path === 'model.onnx') ?? { sha256: v.sha256, size_bytes: v.size_bytes };
    return { model, version, sha256: onnx.sha256, sizeBytes: Number(onnx.size_bytes), batchDim: v.batch_dim && settings.maxBatchSize > 0, settings };
  }

  async fetchArtifact(info: VersionInfo): Promise<string> {
    const file = path.join(this.options.cacheDir, info.model, String(info.version), `${info.sha256}.onnx`);
    if (this.verified.has(file)) return file;
    if (fs.existsSync(file) && (await sha256Of(file)) === info.sha256) {
      this.verified.add(file);
      return file;
    }
    const key = versionKey(info.model, info.version);
    let download = this.downloads.get(key);
    if (!download) {
      download = this.download(info, file).finally(() => this.downloads.delete(key));
      this.downloads.set(key, download);
    }
    return download;
  }

  watch(onEvent: (event: SourceEvent) => void): () => void {
    let stopped = false;
    let token = '';
    let call: grpc.ClientReadableStream<RegistryWatchEvent> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const connect = (): void => {
      if (stopped) return;
      try {
        call = this.balancer.pick().Watch({ resume_token: token, models: [] });
      } catch (err) {
        this.options.logger.debug({ err: (err as Error).message }, 'no registry to watch yet');
        timer = setTimeout(connect, WATCH_RETRY_MS);
        return;
      }
      // Without a resume point, changes made before this stream opened are not replayed: re-read everything.
      if (token === '') onEvent({ kind: 'RESYNC', model: '', version: 0 });
      call.on('data', (event: RegistryWatchEvent) => {
        if (event.token) token = event.token;
        if (event.kind === 'HEARTBEAT' || event.kind === 'WATCH_EVENT_KIND_UNSPECIFIED') return;
        onEvent({ kind: event.kind as SourceEvent['kind'], model: event.model, version: Number(event.version) });
      });
      call.on('error', (err: grpc.ServiceError) => {
        if (stopped) return;
        // Too old a resume point: reconnect without one (which re-syncs).
        if (err.code === grpc.status.OUT_OF_RANGE) token = '';
        this.options.logger.debug({ code: err.code, err: err.details }, 'registry watch ended; reconnecting');
      });
      call.on('close', () => {
        if (!stopped) timer = setTimeout(connect, WATCH_RETRY_MS);
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      call?.cancel();
    };
  }

  close(): void {
    this.balancer.close();
  }

  private async download(info: VersionInfo, file: string): Promise<string> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const hash = crypto.createHash('sha256');
    const out = fs.createWriteStream(tmp);
    let header: { sha256: string; size_bytes: number } | undefined;
    let bytes = 0;
    try {
      const stream = this.balancer.pick().DownloadArtifact({ model: info.model, version: info.version, file: '' }, { deadline: deadlineIn(10 * 60_000) });
      for await (const part of stream as AsyncIterable<{ header?: { sha256: string; size_bytes: number } | null; chunk?: Buffer }>) {
        if (part.header) header = part.header;
        if (part.chunk && part.chunk.byteLength > 0) {
          hash.update(part.chunk);
          bytes += part.chunk.byteLength;
          if (!out.write(part.chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        }
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const digest = hash.digest('hex');
      if (digest !== info.sha256 || (header && (header.sha256 !== digest || Number(header.size_bytes) !== bytes))) {
        throw new InternalError(`artifact of ${info.model} v${info.version} is corrupt: got sha256 ${digest} (${bytes} bytes), expected ${info.sha256}`);
      }
      fs.renameSync(tmp, file);
      this.verified.add(file);
      this.options.logger.info({ model: info.model, version: info.version, bytes }, 'artifact downloaded and verified');
      return file;
    } catch (err) {
      out.destroy();
      fs.rmSync(tmp, { force: true });
      throw isServiceError(err) ? fromServiceError(err) : err;
    }
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
