import * as fs from 'node:fs';
import type { VersionConfig } from '@maas/protos';
import { CliError } from './cli-error';

const KNOWN: Record<string, readonly string[]> = {
  '': ['batching', 'runtime', 'pipeline_json', 'pipeline', 'labels', 'max_queue_depth'],
  batching: ['max_batch_size', 'dynamic_batching', 'max_queue_delay_us', 'preferred_batch_sizes'],
  runtime: ['execution_providers', 'intra_op_threads', 'inter_op_threads', 'graph_optimization_level'],
};

/**
 * Reads a version config JSON file (the VersionConfig message's fields, snake_case). Unknown keys are
 * refused here so a typo does not silently become a default. For convenience `pipeline` may hold the
 * pipeline as an object; it is sent as `pipeline_json`.
 */
export function readVersionConfigFile(file: string): VersionConfig {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`${file}: not a readable JSON file: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${file}: expected a JSON object`);
  const config = { ...(value as Record<string, unknown>) };
  for (const [section, keys] of Object.entries(KNOWN)) {
    const obj = section === '' ? config : config[section];
    if (obj === undefined) continue;
    if (typeof obj !== 'object' || obj === null) throw new CliError(`${file}: ${section} must be an object`);
    const unknown = Object.keys(obj).filter((k) => !keys.includes(k));
    if (unknown.length > 0) throw new CliError(`${file}: unknown ${section ? `${section} ` : ''}key(s) ${unknown.join(', ')}; expected ${keys.join(', ')}`);
  }
  if (config['pipeline'] !== undefined) {
    config['pipeline_json'] = JSON.stringify(config['pipeline']);
    delete config['pipeline'];
  }
  return config as VersionConfig;
}
