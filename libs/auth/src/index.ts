export * from './principal';
export * from './api-key';
export * from './keys-file';
export * from './authenticator';
export * from './settings';
