import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '@maas/logging';
import { fsyncDir, readJson } from './fs-atomic';
import { dnsLabelProblem } from './names';
import type { AliasesFile, ModelRecord, ModelState, VersionRecord } from './records';

/** Folder under the root for uploads in progress and trash; emptied at every start. */
export const TEMP_DIR_NAME = '.tmp';

const isLeftoverTempFile = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * Clears what a crash can leave behind: the temp folder (partial uploads, half-deleted trees) and temp files
 * of interrupted atomic writes. Returns how many entries were removed.
 */
export async function clearLeftovers(root: string): Promise<number> {
  const temp = path.join(root, TEMP_DIR_NAME);
  await fs.mkdir(temp, { recursive: true });
  const entries = await fs.readdir(temp);
  for (const entry of entries) await fs.rm(path.join(temp, entry), { recursive: true, force: true });
  let removed = entries.length;
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    if (entry.isFile() && isLeftoverTempFile(entry.name)) {
      await fs.rm(path.join(root, entry.name), { force: true });
      removed++;
    }
  }
  if (removed > 0) await fsyncDir(temp);
  return removed;
}

/**
 * Reads every model under the root: `<model>/model.json`, `aliases.json` and each `<version>/version.json`.
 * A version folder exists only once complete (it is renamed into place whole), so one without version.json
 * is not a version and is skipped with a warning rather than served.
 */
export async function loadModels(root: string, logger: Logger): Promise<Map<string, ModelState>> {
  const models = new Map<string, ModelState>();
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === TEMP_DIR_NAME) continue;
    if (dnsLabelProblem(entry.name)) {
      logger.warn({ dir: entry.name }, 'ignoring a folder in the repository root that is not a model name');
      continue;
    }
    const modelDir = path.join(root, entry.name);
    const record = await readJson<ModelRecord>(path.join(modelDir, 'model.json'));
    if (!record) {
      logger.warn({ model: entry.name }, 'ignoring a model folder without model.json');
      continue;
    }
    const aliasesFile = await readJson<AliasesFile>(path.join(modelDir, 'aliases.json'));
    const state: ModelState = { record, versions: new Map(), aliases: new Map((aliasesFile?.aliases ?? []).map((a) => [a.name, a])) };
    for (const child of await fs.readdir(modelDir, { withFileTypes: true })) {
      if (child.isFile() && isLeftoverTempFile(child.name)) {
        await fs.rm(path.join(modelDir, child.name), { force: true });
        continue;
      }
      if (!child.isDirectory() || !/^[1-9]\d*$/.test(child.name)) continue;
      const versionDir = path.join(modelDir, child.name);
      const version = await readJson<VersionRecord>(path.join(versionDir, 'version.json'));
      if (!version) {
        logger.warn({ model: entry.name, version: child.name }, 'ignoring a version folder without version.json');
        continue;
      }
      for (const file of await fs.readdir(versionDir)) if (isLeftoverTempFile(file)) await fs.rm(path.join(versionDir, file), { force: true });
      state.versions.set(version.version, version);
      record.last_allocated_version = Math.max(record.last_allocated_version, version.version);
    }
    models.set(record.name, state);
  }
  return models;
}
