import * as path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';

/** Folder holding every .proto of the project (the repo's `protos/`, copied next to dist in images). */
export const PROTO_ROOT: string = process.env['MAAS_PROTO_ROOT'] ?? path.resolve(__dirname, '../../../protos');

/**
 * The one set of loader options used everywhere: keep proto field names (snake_case, as in the published
 * Open Inference Protocol), 64-bit integers as JS numbers (shapes and counts stay below 2^53), enums as
 * strings, defaults filled in. scripts/gen-protos.sh generates the types with the same options.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  arrays: true,
  includeDirs: [PROTO_ROOT],
};

/** Loads .proto files (paths relative to PROTO_ROOT) with the shared options. */
export function loadProtos(files: readonly string[]): protoLoader.PackageDefinition {
  return protoLoader.loadSync(
    files.map((f) => path.join(PROTO_ROOT, f)),
    LOADER_OPTIONS,
  );
}

/** Loads .proto files and returns the grpc-js object tree typed as the caller's generated ProtoGrpcType. */
export function loadGrpcObject<T>(files: readonly string[]): { packageDefinition: protoLoader.PackageDefinition; grpcObject: T } {
  const packageDefinition = loadProtos(files);
  return { packageDefinition, grpcObject: grpc.loadPackageDefinition(packageDefinition) as unknown as T };
}
