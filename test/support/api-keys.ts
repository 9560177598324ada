import { createHash } from 'node:crypto';

/** sha256 hex of an API key, the form the gateway's keys file stores (same as the gateway's hashApiKey). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
