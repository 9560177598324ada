export { modelsCommand } from './commands/models';
export { CliError, describeError } from './cli-error';
export { DEFAULT_REGISTRY_ADDRESS, addConnectionOptions, registryFrom, transportFrom, type ConnectionOptions } from './connection-options';
export { parsePbtxt, type PbtxtMessage, type PbtxtValue } from './triton/pbtxt';
export { scanTritonRepository, toModelName, type TritonImport, type TritonScan } from './triton/triton-repository';
