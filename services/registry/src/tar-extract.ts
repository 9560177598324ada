import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidArgumentError } from '@maas/errors';
import { normalizeArtifactPath } from './names';
import { isZeroBlock, paddingBytes, parsePaxRecords, parseTarHeader, TAR_BLOCK_BYTES } from './tar-header';

/** A file unpacked from a bundle, with its checksum. */
export interface ExtractedFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

const MAX_BUNDLE_FILES = 1000;
const COPY_CHUNK_BYTES = 1 << 20;

/**
 * Unpacks the regular files of a tar archive into `destDir` (fsyncing each), refusing with INVALID_ARGUMENT
 * anything that could escape the folder or is not a plain file: links, devices, unsafe or duplicate paths.
 * Directories are created as needed; directory entries themselves are skipped.
 */
export async function extractTar(tarFile: string, destDir: string): Promise<ExtractedFile[]> {
  const input = await fs.open(tarFile, 'r');
  const files: ExtractedFile[] = [];
  const seen = new Set<string>();
  try {
    const { size: totalBytes } = await input.stat();
    if (totalBytes < TAR_BLOCK_BYTES * 2 || totalBytes % TAR_BLOCK_BYTES !== 0) {
      throw new InvalidArgumentError(`bundle is not a valid tar archive: ${totalBytes} bytes is not a whole number of ${TAR_BLOCK_BYTES}-byte blocks`);
    }
    let offset = 0;
    let nextName: string | undefined;
    let nextSize: number | undefined;
    const readAt = async (length: number, at: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await input.read(buffer, 0, length, at);
      if (bytesRead !== length) throw new InvalidArgumentError('bundle is not a valid tar archive: it ends inside an entry');
      return buffer;
    };
    while (offset + TAR_BLOCK_BYTES <= totalBytes) {
      const block = await readAt(TAR_BLOCK_BYTES, offset);
      if (isZeroBlock(block)) break;
      let header;
      try {
        header = parseTarHeader(block);
      } catch (err) {
        throw new InvalidArgumentError(`bundle is not a valid tar archive: ${(err as Error).message}`, { cause: err });
      }
      const dataOffset = offset + TAR_BLOCK_BYTES;
      const sizeBytes = nextSize ?? header.sizeBytes;
      const next = dataOffset + (header.type === 'x' || header.type === 'L' || header.type === 'g' ? header.sizeBytes + paddingBytes(header.sizeBytes) : sizeBytes + paddingBytes(sizeBytes));
      if (header.type === 'x' || header.type === 'L') {
        const data = await readAt(header.sizeBytes, dataOffset);
        if (header.type === 'L') nextName = data.toString('utf8').replace(/\0+$/, '');
        else {
          const records = parsePaxRecords(data);
          nextName = records.get('path') ?? nextName;
          const paxSize = records.get('size');
          if (paxSize !== undefined) nextSize = Number(paxSize);
        }
        offset = next;
        continue;
      }
      const name = nextName ?? header.name;
      nextName = undefined;
      nextSize = undefined;
      offset = next;
      if (header.type === 'g' || header.type === '5') continue;
      if (header.type !== '0' && header.type !== '7') {
        throw new InvalidArgumentError(`bundle entry ${JSON.stringify(name)} is not a regular file (tar type '${header.type}'); a bundle holds only plain files`);
      }
      const normalized = normalizeArtifactPath(name);
      if ('problem' in normalized) throw new InvalidArgumentError(`bundle entry ${JSON.stringify(name)} is refused: ${normalized.problem}`);
      if (seen.has(normalized.path)) throw new InvalidArgumentError(`bundle holds ${normalized.path} twice`);
      seen.add(normalized.path);
      if (seen.size > MAX_BUNDLE_FILES) throw new InvalidArgumentError(`bundle holds more than ${MAX_BUNDLE_FILES} files`);
      if (dataOffset + sizeBytes > totalBytes) throw new InvalidArgumentError(`bundle is not a valid tar archive: ${normalized.path} is cut off`);
      files.push(await copyRange(input, dataOffset, sizeBytes, destDir, normalized.path));
    }
  } finally {
    await input.close();
  }
  return files;
}

async function copyRange(input: fs.FileHandle, start: number, sizeBytes: number, destDir: string, relativePath: string): Promise<ExtractedFile> {
  const target = path.join(destDir, relativePath);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const output = await fs.open(target, 'wx');
  const hash = createHash('sha256');
  try {
    const buffer = Buffer.alloc(Math.min(COPY_CHUNK_BYTES, Math.max(sizeBytes, 1)));
    let done = 0;
    while (done < sizeBytes) {
      const length = Math.min(buffer.length, sizeBytes - done);
      const { bytesRead } = await input.read(buffer, 0, length, start + done);
      if (bytesRead === 0) throw new InvalidArgumentError(`bundle is not a valid tar archive: ${relativePath} is cut off`);
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      await output.write(chunk);
      done += bytesRead;
    }
    await output.sync();
  } finally {
    await output.close();
  }
  return { path: relativePath, sha256: hash.digest('hex'), sizeBytes };
}
