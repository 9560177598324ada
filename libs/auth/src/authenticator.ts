import { timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import { ConfigError, UnauthenticatedError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { apiKeyFromHeaders, hashApiKey, type HeaderLookup } from './api-key';
import { parseKeysFile, KEYS_FILE_FORM, type KeyEntry } from './keys-file';
import { ANONYMOUS, type Principal } from './principal';

/** Options of an Authenticator. */
export interface AuthenticatorOptions {
  /** MAAS_AUTH_ENABLED: off, every caller is the anonymous principal allowed everything. */
  enabled: boolean;
  /** MAAS_AUTH_KEYS_FILE. */
  keysFile: string;
  /** Logs reloads of the keys file; without one, reloads are silent. */
  logger?: Logger;
  /** How often the keys file is checked for changes (rotation without restart); 0 = never. Default 2000. */
  reloadIntervalMs?: number;
}

/**
 * API-key authentication, the same in every service: keys are sent as `authorization: Bearer <key>` or
 * `x-api-key: <key>` (gRPC metadata or HTTP headers), hashed, and looked up among the hashed keys of the keys
 * file. The file is read at start (a bad file fails the start) and again whenever it changes; a changed file
 * that does not parse is logged and the keys read before stay in force.
 */
export class Authenticator {
  private byHash = new Map<string, KeyEntry>();
  private watching = false;

  constructor(private readonly options: AuthenticatorOptions) {
    if (!options.enabled) return;
    if (!options.keysFile) throw new ConfigError(`MAAS_AUTH_ENABLED=true needs MAAS_AUTH_KEYS_FILE (${KEYS_FILE_FORM})`);
    this.byHash = this.read();
    const intervalMs = options.reloadIntervalMs ?? 2000;
    if (intervalMs > 0) {
      fs.watchFile(options.keysFile, { interval: intervalMs, persistent: false }, this.onFileChange);
      this.watching = true;
    }
  }

  private read(): Map<string, KeyEntry> {
    let text: string;
    try {
      text = fs.readFileSync(this.options.keysFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`MAAS_AUTH_KEYS_FILE=${this.options.keysFile}: ${(err as Error).message}`, { cause: err });
    }
    return parseKeysFile(text, this.options.keysFile);
  }

  private readonly onFileChange = (current: fs.Stats, previous: fs.Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    try {
      this.byHash = this.read();
      this.options.logger?.info({ keysFile: this.options.keysFile, keys: this.byHash.size }, 'API keys reloaded');
    } catch (err) {
      this.options.logger?.warn({ keysFile: this.options.keysFile, err: (err as Error).message }, 'API keys file changed but cannot be read; keeping the keys loaded before');
    }
  };

  /** Whether keys are required. */
  get enabled(): boolean {
    return this.options.enabled;
  }

  /** How many keys are loaded. */
  get size(): number {
    return this.byHash.size;
  }

  /** Authenticates from a header lookup; throws UNAUTHENTICATED when a key is required and missing or unknown. */
  authenticate(header: HeaderLookup): Principal {
    if (!this.options.enabled) return ANONYMOUS;
    const key = apiKeyFromHeaders(header);
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
      models: entry.models,
      roles: entry.roles,
      authenticated: true,
      ...(entry.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: entry.rateLimitPerSecond } : {}),
      ...(entry.burst !== undefined ? { burst: entry.burst } : {}),
    };
  }

  /** Stops watching the keys file. */
  close(): void {
    if (this.watching) fs.unwatchFile(this.options.keysFile, this.onFileChange);
  }
}
