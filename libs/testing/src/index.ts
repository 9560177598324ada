export * from './tools';
export * from './ports';
export * from './process';
export * from './redis';
export * from './consul';
export * from './service-process';
export * from './stack';
export * from './tls';
