export * from './types';
export * from './consul-client';
export * from './consul-registrar';
export * from './consul-watcher';
export * from './static-provider';
export * from './balancer';
export * from './provider';
