// @maas/bench: the pieces of `make bench` (main.ts runs them), exported for reuse and tests.
export * from './config';
export * from './stats';
export * from './load-generator';
export * from './models';
export * from './raw-ort';
export * from './ratios';
export * from './results';
export * from './report-table';
export * from './report-svg';
export * from './profile-summary';
export * from './peer-mlserver';
export * from './maas-target';
