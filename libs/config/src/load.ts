import * as fs from 'node:fs';
import { ConfigError } from '@maas/errors';
import type { ConfigOf, SettingsSpec } from './settings';

/** Where settings come from. Env wins over the file; the file wins over defaults. */
export interface ConfigSources {
  /** Environment to read MAAS_* variables from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A JSON file with camelCase keys; default $MAAS_CONFIG_FILE when set. */
  file?: string;
}

/** The env var a camelCase key is read from: grpcPort → MAAS_GRPC_PORT. */
export function envName(key: string): string {
  return 'MAAS_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * Reads, validates and returns a fully-typed config. Fails fast with one ConfigError that lists every bad
 * setting by its env name, the value given and the form expected; unknown keys in the file are errors too
 * (a typo must not silently fall back to a default).
 */
export function loadConfig<S extends SettingsSpec>(spec: S, sources: ConfigSources = {}): ConfigOf<S> {
  const env = sources.env ?? process.env;
  const filePath = sources.file ?? env['MAAS_CONFIG_FILE'];
  const problems: string[] = [];
  let fileValues: Record<string, unknown> = {};
  if (filePath) {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(filePath, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
      fileValues = parsed as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot read config file MAAS_CONFIG_FILE=${filePath}: ${(err as Error).message}`, { cause: err });
    }
    for (const key of Object.keys(fileValues)) {
      if (!(key in spec)) problems.push(`${filePath}: unknown setting "${key}" (known: ${Object.keys(spec).join(', ')})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(spec)) {
    const name = envName(key);
    const fromEnv = env[name];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fileValues[key];
    if (raw === undefined) {
      out[key] = setting.defaultValue;
      continue;
    }
    const value = setting.parse(raw);
    if (value === undefined) {
      const where = fromEnv !== undefined && fromEnv !== '' ? name : `${key} in ${filePath}`;
      problems.push(`${where}=${JSON.stringify(raw)} is invalid: expected ${setting.expected}`);
    } else {
      out[key] = value;
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return out as ConfigOf<S>;
}

/** A `--help` text: what the command does, then every setting with its env var, default and meaning. */
export function helpText(command: string, summary: string, spec: SettingsSpec): string {
  const rows = Object.entries(spec).map(([key, s]) => {
    const def = s.defaultLabel ?? (Array.isArray(s.defaultValue) ? s.defaultValue.join(',') : String(s.defaultValue));
    return `  ${envName(key).padEnd(36)} ${s.description} (${s.expected}; default: ${def === '' ? '""' : def})`;
  });
  return [
    `Usage: ${command} [--help]`,
    '',
    summary,
    '',
    'Settings come from environment variables, or from a JSON file named by MAAS_CONFIG_FILE',
    '(camelCase keys, e.g. {"grpcPort": 8101}); the environment wins.',
    '',
    ...rows,
    '',
  ].join('\n');
}

/** Prints help and exits 0 when argv asks for it; rejects unknown arguments with exit 2. */
export function handleCommandLine(argv: readonly string[], command: string, summary: string, spec: SettingsSpec): void {
  const args = argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(helpText(command, summary, spec));
    process.exit(0);
  }
  if (args.length > 0) {
    process.stderr.write(`${command}: unknown argument ${args[0]}; settings are environment variables, see --help\n`);
    process.exit(2);
  }
}
