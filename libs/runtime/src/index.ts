export * from './service';
export * from './cpu-affinity';
