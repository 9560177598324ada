export * from './settings';
export * from './load';
export * from './common';
