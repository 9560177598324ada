// The gateway's authentication is the shared @maas/auth (the registry uses the same keys file and code).
export { Authenticator, authorizeModel, hashApiKey, type Principal } from '@maas/auth';
