import * as fs from 'node:fs';
import * as path from 'node:path';
import { identityModel, mlpModel, noBatchModel, poisonModel, slowModel } from './fixtures';

/** Names of the generated fixtures. */
export const FIXTURE_NAMES = ['identity', 'mlp', 'no-batch', 'poison', 'slow'] as const;
/** One generated fixture's name. */
export type FixtureName = (typeof FIXTURE_NAMES)[number];

const BUILDERS: Record<FixtureName, () => Uint8Array> = {
  identity: () => identityModel(),
  mlp: mlpModel,
  'no-batch': noBatchModel,
  poison: poisonModel,
  slow: () => slowModel(),
};

/** The serialized bytes of a fixture by name (default options). */
export function fixtureBytes(name: FixtureName): Uint8Array {
  return BUILDERS[name]();
}

/** Writes model bytes to `file` atomically (temp file + rename), creating folders; returns the absolute path. */
export function writeModelFile(file: string, bytes: Uint8Array): string {
  const full = path.resolve(file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  const tmp = `${full}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, full);
  return full;
}

/** Writes every fixture as `<dir>/<name>.onnx` and returns name → absolute path. */
export function writeAllFixtures(dir: string): Record<FixtureName, string> {
  return Object.fromEntries(FIXTURE_NAMES.map((name) => [name, writeModelFile(path.join(dir, `${name}.onnx`), fixtureBytes(name))])) as Record<FixtureName, string>;
}
