export * from './service';
export * from './config';
export { validatePipelineSpec } from './pipeline-spec';
export { normalizeVersionConfig, versionConfigProblems, validateVersionConfig } from './version-config';
