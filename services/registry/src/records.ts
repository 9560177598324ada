import type { Alias__Output, ModelVersion__Output, WatchEventKind__Output } from '@maas/protos';

/**
 * What the registry keeps on disk. Records use the API's own field names (snake_case, as in the proto), so
 * what an operator reads in the repository is what the API returns.
 */

/** `<root>/<model>/model.json`. */
export interface ModelRecord {
  name: string;
  description: string;
  tags: Record<string, string>;
  owner_tenant: string;
  created_unix_ms: number;
  /** Highest version number ever handed out; numbers are never reused, even after a delete. */
  last_allocated_version: number;
}

/** `<root>/<model>/<version>/version.json`: the ModelVersion message. */
export type VersionRecord = ModelVersion__Output;

/** One alias in `<root>/<model>/aliases.json`: the Alias message plus who set its current targets. */
export interface AliasRecord extends Alias__Output {
  updated_by: string;
}

/** `<root>/<model>/aliases.json`. */
export interface AliasesFile {
  aliases: AliasRecord[];
}

/** `<root>/registry.json`: identifies this repository, so a resume token from another one is refused. */
export interface RepositoryInfo {
  format: 1;
  epoch: string;
  created_unix_ms: number;
}

/** The change kinds of the feed (the WatchEventKind enum, without UNSPECIFIED and HEARTBEAT). */
export type ChangeKind = Exclude<WatchEventKind__Output, 'WATCH_EVENT_KIND_UNSPECIFIED' | 'HEARTBEAT'>;

/** One line of `<root>/events.jsonl`: both the audit log entry and the change-feed event. */
export interface EventRecord {
  seq: number;
  unix_ms: number;
  /** Who made the change: the authenticated identity `<tenant>/<key id>`, or with auth off the caller's claim. */
  actor: string;
  /** With auth on, the name the caller claimed (`x-maas-actor`), recorded beside the identity; never trusted. */
  actor_note?: string;
  /** The RPC that made the change (UploadVersion, SetAlias, ...). */
  action: string;
  kind: ChangeKind;
  model: string;
  version: number;
  alias: string;
  detail: Record<string, unknown>;
}

/** A model in memory: its record, versions and aliases. */
export interface ModelState {
  record: ModelRecord;
  versions: Map<number, VersionRecord>;
  aliases: Map<string, AliasRecord>;
}
