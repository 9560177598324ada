import { ConfigError } from '@maas/errors';
import { ROLES, type Role } from './principal';

/** One entry of the keys file. Keys are stored hashed (sha256 hex), never in clear. */
export interface KeyEntry {
  sha256: string;
  tenant: string;
  /** Models the key may use; default ["*"]. */
  models: string[];
  /** Default ["infer"]. */
  roles: Role[];
  rateLimitPerSecond?: number;
  burst?: number;
}

/** The form of the file, for error messages and help. */
export const KEYS_FILE_FORM = 'a JSON array of {"sha256": "<hex of the key>", "tenant": "t", "models": ["*"], "roles": ["infer"|"publish"|"admin"], "rateLimitPerSecond": 50, "burst": 100}';

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Parses and checks a keys file's text: every entry needs a sha256 and a tenant; models and roles are lists
 * of strings, roles among infer, publish, admin. Errors name the file, the entry and what was expected.
 */
export function parseKeysFile(text: string, file: string): Map<string, KeyEntry> {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`MAAS_AUTH_KEYS_FILE=${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(entries)) throw new ConfigError(`MAAS_AUTH_KEYS_FILE=${file}: expected ${KEYS_FILE_FORM}`);
  const byHash = new Map<string, KeyEntry>();
  entries.forEach((raw: unknown, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `MAAS_AUTH_KEYS_FILE=${file}: entry ${i}`;
    if (typeof e['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(e['sha256']) || typeof e['tenant'] !== 'string' || e['tenant'] === '') {
      throw new ConfigError(`${where} needs "sha256" (64 lower-case hex chars) and "tenant"`);
    }
    const models = e['models'] ?? ['*'];
    if (!isStringArray(models)) throw new ConfigError(`${where}: "models" must be a list of model names (or ["*"])`);
    const roles = e['roles'] ?? ['infer'];
    if (!isStringArray(roles) || roles.length === 0 || !roles.every((r) => (ROLES as readonly string[]).includes(r))) {
      throw new ConfigError(`${where}: "roles" must be a non-empty list of ${ROLES.join(', ')} (got ${JSON.stringify(roles)})`);
    }
    for (const key of ['rateLimitPerSecond', 'burst'] as const) {
      if (e[key] !== undefined && (typeof e[key] !== 'number' || !Number.isFinite(e[key]) || e[key] < 0)) {
        throw new ConfigError(`${where}: "${key}" must be a non-negative number`);
      }
    }
    if (byHash.has(e['sha256'])) throw new ConfigError(`${where}: the key ${e['sha256'].slice(0, 12)} is listed twice`);
    byHash.set(e['sha256'], {
      sha256: e['sha256'],
      tenant: e['tenant'],
      models,
      roles: roles as Role[],
      ...(e['rateLimitPerSecond'] !== undefined ? { rateLimitPerSecond: e['rateLimitPerSecond'] as number } : {}),
      ...(e['burst'] !== undefined ? { burst: e['burst'] as number } : {}),
    });
  });
  return byHash;
}
