import type { Metadata } from '@grpc/grpc-js';

/** Metadata key a caller names itself with; recorded in the audit log. */
export const ACTOR_METADATA_KEY = 'x-maas-actor';
const MAX_ACTOR_CHARS = 128;

/** The caller's name from `x-maas-actor`, or "anonymous"; control characters removed, length capped. */
export function actorOf(metadata: Metadata): string {
  const raw = metadata.get(ACTOR_METADATA_KEY)[0];
  const text = typeof raw === 'string' ? raw : raw instanceof Buffer ? raw.toString('utf8') : '';
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_ACTOR_CHARS);
  return clean === '' ? 'anonymous' : clean;
}
