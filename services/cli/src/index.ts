export { modelsCommand } from './commands/models';
export { CliError, describeError } from './cli-error';
export { RegistryConnection, DEFAULT_REGISTRY_ADDRESS, sha256File } from './registry-client';
export { parsePbtxt, type PbtxtMessage, type PbtxtValue } from './triton/pbtxt';
export { scanTritonRepository, toModelName, type TritonImport, type TritonScan } from './triton/triton-repository';
