export * from './service';
export * from './config';
export { hashApiKey } from './auth';
