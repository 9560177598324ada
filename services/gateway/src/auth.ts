import { createHash, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import { ConfigError, PermissionDeniedError, UnauthenticatedError } from '@maas/errors';

/** A caller as the gateway knows it after authentication. */
export interface Principal {
  tenant: string;
  /** Key id for logs and rate limiting: the first 12 hex chars of the key's sha256, never the key. */
  keyId: string;
  /** Model names this key may use; "*" = all. */
  models: readonly string[];
  rateLimitPerSecond?: number;
  burst?: number;
}

/** One entry of the keys file. Keys are stored hashed (sha256 hex), never in clear. */
interface KeyEntry {
  sha256: string;
  tenant: string;
  models?: string[];
  rateLimitPerSecond?: number;
  burst?: number;
}

const ANONYMOUS: Principal = { tenant: 'anonymous', keyId: 'anonymous', models: ['*'] };

/** sha256 hex of a key, as stored in the keys file (`maas keys hash` prints it). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * API-key authentication: keys are sent as `authorization: Bearer <key>` or `x-api-key: <key>` (gRPC metadata
 * or HTTP headers), hashed, and looked up among the hashed keys from the keys file. Disabled, every caller is
 * an anonymous principal allowed every model.
 */
export class Authenticator {
  private readonly byHash = new Map<string, KeyEntry>();

  constructor(private readonly enabled: boolean, keysFile: string) {
    if (!enabled) return;
    if (!keysFile) throw new ConfigError('MAAS_AUTH_ENABLED=true needs MAAS_AUTH_KEYS_FILE (a JSON array of hashed keys)');
    let entries: unknown;
    try {
      entries = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
    } catch (err) {
      throw new ConfigError(`MAAS_AUTH_KEYS_FILE=${keysFile}: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(entries)) throw new ConfigError(`MAAS_AUTH_KEYS_FILE=${keysFile}: expected a JSON array of {sha256, tenant, models}`);
    entries.forEach((e: Partial<KeyEntry>, i) => {
      if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256) || typeof e.tenant !== 'string' || e.tenant === '') {
        throw new ConfigError(`MAAS_AUTH_KEYS_FILE=${keysFile}: entry ${i} needs "sha256" (64 lower-case hex chars) and "tenant"`);
      }
      this.byHash.set(e.sha256, e as KeyEntry);
    });
  }

  /** Authenticates from a header lookup; throws UNAUTHENTICATED when a key is required and missing or unknown. */
  authenticate(header: (name: string) => string | undefined): Principal {
    if (!this.enabled) return ANONYMOUS;
    const bearer = header('authorization');
    const key = bearer?.toLowerCase().startsWith('bearer ') ? bearer.slice(7).trim() : header('x-api-key')?.trim();
    if (!key) throw new UnauthenticatedError('missing API key: send "authorization: Bearer <key>" or "x-api-key: <key>"');
    const hash = hashApiKey(key);
    const entry = this.byHash.get(hash);
    // Constant-time confirm of the looked-up hash (the Map lookup itself is on a hash, not the secret).
    if (!entry || !timingSafeEqual(Buffer.from(entry.sha256, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new UnauthenticatedError('unknown API key');
    }
    return {
      tenant: entry.tenant,
      keyId: hash.slice(0, 12),
      models: entry.models ?? ['*'],
      ...(entry.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: entry.rateLimitPerSecond } : {}),
      ...(entry.burst !== undefined ? { burst: entry.burst } : {}),
    };
  }
}

/** Throws PERMISSION_DENIED unless the principal may use the model (by its key's list or its tenant owning it). */
export function authorizeModel(principal: Principal, model: string, ownerTenant: string): void {
  if (principal.models.includes('*') || principal.models.includes(model)) return;
  if (ownerTenant !== '' && ownerTenant === principal.tenant) return;
  throw new PermissionDeniedError(`tenant "${principal.tenant}" may not use model "${model}"`);
}
