import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { InternalError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import type { RegistryWatchEvent } from '@maas/protos';
import type { RegistryClient } from '@maas/registry-client';
import { settingsFromConfig, versionKey, type ModelSource, type SourceEvent, type VersionConfigJson, type VersionInfo } from './model-source';

const WATCH_RETRY_MS = 1000;

/** Options of a RegistryModelSource. */
export interface RegistryModelSourceOptions {
  /** The registry (balanced over healthy instances, TLS and key as the process is configured). */
  registry: RegistryClient;
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
  private readonly downloads = new Map<string, Promise<string>>();
  private readonly verified = new Set<string>();

  constructor(private readonly options: RegistryModelSourceOptions) {}

  async listModels(): Promise<string[]> {
    return (await this.options.registry.listModels()).map((m) => m.name);
  }

  async currentVersions(model: string): Promise<number[]> {
    const [aliases, info] = await Promise.all([this.options.registry.listAliases(model), this.options.registry.getModel(model)]);
    const versions = new Set<number>(aliases.flatMap((a) => a.targets.map((t) => Number(t.version))));
    if (Number(info.latest_version) > 0) versions.add(Number(info.latest_version));
    return [...versions].filter((v) => v > 0).sort((a, b) => a - b);
  }

  async getVersion(model: string, version: number): Promise<VersionInfo> {
    const v = await this.options.registry.getVersion(model, version);
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
        call = this.options.registry.watch(token);
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
    this.options.registry.close();
  }

  private async download(info: VersionInfo, file: string): Promise<string> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      const header = await this.options.registry.downloadToFile(info.model, info.version, '', tmp);
      if (header.sha256 !== info.sha256) {
        throw new InternalError(`artifact of ${info.model} v${info.version} is corrupt: got sha256 ${header.sha256} (${header.size_bytes} bytes), expected ${info.sha256}`);
      }
      fs.renameSync(tmp, file);
      this.verified.add(file);
      this.options.logger.info({ model: info.model, version: info.version, bytes: Number(header.size_bytes) }, 'artifact downloaded and verified');
      return file;
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
