export * from './service';
export * from './cpu-affinity';
export * from './heap-growing';
