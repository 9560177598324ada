import type { Metadata } from '@grpc/grpc-js';

/** Metadata key a caller names itself with; with auth on it is only recorded as a note beside the identity. */
export const ACTOR_METADATA_KEY = 'x-maas-actor';
const MAX_ACTOR_CHARS = 128;

/** Who made a change, as the audit log records it. */
export interface Actor {
  /** The authenticated identity `<tenant>/<key id>`; with auth off, the caller's claim (or "anonymous"). */
  id: string;
  /** With auth on: the name the caller claimed, "" when none. Never used for decisions. */
  note: string;
}

/** The name a caller claims in `x-maas-actor` ("" when none); control characters removed, length capped. */
export function claimedActor(metadata: Metadata): string {
  const raw = metadata.get(ACTOR_METADATA_KEY)[0];
  const text = typeof raw === 'string' ? raw : raw instanceof Buffer ? raw.toString('utf8') : '';
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_ACTOR_CHARS);
}
