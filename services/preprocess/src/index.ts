export * from './service';
export * from './config';
export * from './metrics';
export * from './handlers';
export * from './pipeline-source';
export * from './wire';
