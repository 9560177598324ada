// Original file: protos/maas/registry/v1/registry.proto

export const WatchEventKind = {
  WATCH_EVENT_KIND_UNSPECIFIED: 'WATCH_EVENT_KIND_UNSPECIFIED',
  MODEL_CREATED: 'MODEL_CREATED',
  MODEL_DELETED: 'MODEL_DELETED',
  VERSION_ADDED: 'VERSION_ADDED',
  VERSION_REMOVED: 'VERSION_REMOVED',
  CONFIG_CHANGED: 'CONFIG_CHANGED',
  ALIAS_CHANGED: 'ALIAS_CHANGED',
  ALIAS_DELETED: 'ALIAS_DELETED',
  HEARTBEAT: 'HEARTBEAT',
} as const;

export type WatchEventKind =
  | 'WATCH_EVENT_KIND_UNSPECIFIED'
  | 0
  | 'MODEL_CREATED'
  | 1
  | 'MODEL_DELETED'
  | 2
  | 'VERSION_ADDED'
  | 3
  | 'VERSION_REMOVED'
  | 4
  | 'CONFIG_CHANGED'
  | 5
  | 'ALIAS_CHANGED'
  | 6
  | 'ALIAS_DELETED'
  | 7
  | 'HEARTBEAT'
  | 8

export type WatchEventKind__Output = typeof WatchEventKind[keyof typeof WatchEventKind]
