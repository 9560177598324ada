import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { callUnary, createClient } from '@maas/grpc-kit';
import {
  loadGrpcObject,
  type DownloadArtifactResponse__Output,
  type ModelRegistryClient,
  type ModelVersion__Output,
  type RegistryProtoGrpcType,
  type UploadMetadata,
} from '@maas/protos';
import { CliError } from './cli-error';
import { PROGRESS_MIN_BYTES, ProgressLine } from './progress';

/** Default registry address (the registry's default port on this host). */
export const DEFAULT_REGISTRY_ADDRESS = '127.0.0.1:8101';
const UPLOAD_CHUNK_BYTES = 1 << 20;

/** Unary RPCs of the registry, by name. */
type UnaryMethod = 'CreateModel' | 'GetModel' | 'ListModels' | 'DeleteModel' | 'GetVersion' | 'ListVersions' | 'DeleteVersion' | 'UpdateVersionConfig' | 'SetAlias' | 'GetAlias' | 'ListAliases' | 'DeleteAlias' | 'RollbackAlias' | 'Resolve' | 'ListAuditLog';

/** A connection to the registry that names its caller in `x-maas-actor`. */
export class RegistryConnection {
  readonly client: ModelRegistryClient;

  constructor(
    readonly address: string,
    private readonly actor: string,
  ) {
    const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(['maas/registry/v1/registry.proto']);
    this.client = createClient(grpcObject.maas.registry.v1.ModelRegistry, address);
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.set('x-maas-actor', this.actor);
    return metadata;
  }

  /** Calls a unary RPC (30 s deadline). */
  call<Res>(method: UnaryMethod, request: object): Promise<Res> {
    const fn = (this.client as unknown as Record<UnaryMethod, (...args: unknown[]) => grpc.ClientUnaryCall>)[method].bind(this.client);
    return callUnary<object, Res>(fn, request, { deadline: new Date(Date.now() + 30_000) }, this.metadata());
  }

  /**
   * Uploads a file: hashes it first (the registry checks the sha256 end to end), then streams it in 1 MiB
   * chunks with backpressure, drawing a progress line for big files.
   */
  async upload(file: string, meta: Omit<UploadMetadata, 'sha256' | 'size_bytes'>, showProgress?: boolean): Promise<ModelVersion__Output> {
    const sizeBytes = fs.statSync(file).size;
    const sha256 = await sha256File(file);
    const progress = (showProgress ?? sizeBytes >= PROGRESS_MIN_BYTES) ? new ProgressLine(`uploading ${meta.model}`, sizeBytes) : undefined;
    let sent = 0;
    const result = new Promise<ModelVersion__Output>((resolve, reject) => {
      const call = this.client.UploadVersion(this.metadata(), (err, res) => (err ? reject(err) : resolve(res!)));
      void (async () => {
        try {
          call.write({ metadata: { ...meta, sha256, size_bytes: sizeBytes } });
          for await (const chunk of fs.createReadStream(file, { highWaterMark: UPLOAD_CHUNK_BYTES })) {
            if (!call.write({ chunk: chunk as Buffer })) await once(call, 'drain');
            sent += (chunk as Buffer).length;
            progress?.update(sent);
          }
          call.end();
        } catch (err) {
          call.cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      })();
    });
    try {
      return await result;
    } finally {
      progress?.done();
    }
  }

  /** Downloads a version's file to `out`, verifying its sha256; returns the header. */
  async download(model: string, version: number, file: string, out: string): Promise<{ path: string; sha256: string; size_bytes: number }> {
    const stream = this.client.DownloadArtifact({ model, version, file }, this.metadata());
    const output = fs.createWriteStream(out);
    const hash = createHash('sha256');
    let header: { path: string; sha256: string; size_bytes: number } | undefined;
    let progress: ProgressLine | undefined;
    let received = 0;
    for await (const message of stream as AsyncIterable<DownloadArtifactResponse__Output>) {
      if (message.header) {
        header = message.header;
        if (header.size_bytes >= PROGRESS_MIN_BYTES) progress = new ProgressLine(`downloading ${model} v${version}`, header.size_bytes);
      }
      if (message.chunk) {
        hash.update(message.chunk);
        received += message.chunk.length;
        if (!output.write(message.chunk)) await once(output, 'drain');
        progress?.update(received);
      }
    }
    progress?.done();
    output.end();
    await once(output, 'finish');
    const digest = hash.digest('hex');
    if (!header || digest !== header.sha256) {
      fs.rmSync(out, { force: true });
      throw new CliError(`download of ${model} v${version} is corrupt: sha256 ${digest}, expected ${header?.sha256 ?? '(no header)'}`);
    }
    return header;
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}

/** Hex SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: UPLOAD_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
