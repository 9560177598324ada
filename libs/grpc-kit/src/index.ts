export * from './channel-options';
export * from './interceptors';
export * from './handlers';
export * from './server';
export * from './client';
export * from './lifecycle';
export * from './tls';
export * from './retry';
