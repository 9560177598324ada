import * as fs from 'node:fs/promises';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { CancelledError } from '@maas/errors';
import type { DownloadArtifactRequest__Output, DownloadArtifactResponse } from '@maas/protos';
import type { RegistryMetrics } from './metrics';
import type { Repository } from './repository';

/** Chunk size of a download: well under the 64 MiB message limit, big enough to keep the pipe full. */
export const DOWNLOAD_CHUNK_BYTES = 1 << 20;

/** Resolves once the stream can take more, or rejects when the client went away. */
function drained(call: ServerWritableStream<DownloadArtifactRequest__Output, DownloadArtifactResponse>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      call.off('cancelled', onCancel);
      resolve();
    };
    const onCancel = (): void => {
      call.off('drain', onDrain);
      reject(new CancelledError('the client cancelled the download'));
    };
    call.once('drain', onDrain);
    call.once('cancelled', onCancel);
  });
}

/**
 * DownloadArtifact: a header with the file's path, sha256 and size, then its bytes in chunks, respecting
 * the stream's backpressure. The file is opened before the first write, so deleting the version meanwhile
 * does not cut a download short (the open file stays readable).
 */
export async function handleDownload(call: ServerWritableStream<DownloadArtifactRequest__Output, DownloadArtifactResponse>, repository: Repository, metrics: RegistryMetrics): Promise<void> {
  const { model, version, file } = call.request;
  const artifact = repository.artifactFile(model, version, file);
  const handle = await fs.open(artifact.absolutePath, 'r');
  let cancelled = false;
  call.once('cancelled', () => {
    cancelled = true;
  });
  try {
    call.write({ header: { path: artifact.path, sha256: artifact.sha256, size_bytes: artifact.sizeBytes } });
    let offset = 0;
    while (offset < artifact.sizeBytes && !cancelled) {
      const buffer = Buffer.alloc(Math.min(DOWNLOAD_CHUNK_BYTES, artifact.sizeBytes - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      metrics.downloadBytesTotal.inc(bytesRead);
      if (!call.write({ chunk: buffer.subarray(0, bytesRead) })) await drained(call);
    }
  } finally {
    await handle.close();
  }
}
