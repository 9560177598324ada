import { createHash } from 'node:crypto';

/** sha256 hex of a key, as stored in the keys file (`maas keys hash` prints it). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A header lookup: gRPC metadata or HTTP headers, by lower-case name. */
export type HeaderLookup = (name: string) => string | undefined;

/** The key a caller sent as `authorization: Bearer <key>` or `x-api-key: <key>`; undefined when none. */
export function apiKeyFromHeaders(header: HeaderLookup): string | undefined {
  const bearer = header('authorization');
  const key = bearer?.toLowerCase().startsWith('bearer ') ? bearer.slice(7).trim() : header('x-api-key')?.trim();
  return key === '' ? undefined : key;
}

/** A header lookup over gRPC metadata (`{ get(name) }` of @grpc/grpc-js's Metadata). */
export function metadataLookup(metadata: { get(name: string): Array<string | Buffer> }): HeaderLookup {
  return (name) => {
    const v = metadata.get(name)[0];
    return v === undefined ? undefined : String(v);
  };
}
