import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Crash-safe file operations. A reader (or a restart) sees either the old or the new content, never a
 * torn file: write a temp file in the same folder, fsync it, rename it over the target, fsync the folder
 * so the rename itself survives a power cut.
 */

/** fsyncs a directory so that entries created, renamed or removed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Atomically replaces `file` with `data` (temp file in the same folder, fsync, rename, fsync folder). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/** Writes a JSON document atomically (two-space indented, trailing newline, so operators can read it). */
export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

/** Renames `from` to `to` (same filesystem, so atomic) and fsyncs both parent folders. */
export async function renameDurable(from: string, to: string): Promise<void> {
  await fs.rename(from, to);
  await fsyncDir(path.dirname(to));
  if (path.dirname(from) !== path.dirname(to)) await fsyncDir(path.dirname(from));
}

/**
 * Removes a folder so that it disappears in one step: rename it into `trashDir` (atomic), then delete it
 * there. A crash midway leaves only trash, which start-up clears.
 */
export async function removeTreeAtomic(dir: string, trashDir: string): Promise<void> {
  const trash = path.join(trashDir, `deleted-${path.basename(dir)}-${randomBytes(6).toString('hex')}`);
  await renameDurable(dir, trash);
  await fs.rm(trash, { recursive: true, force: true });
}
