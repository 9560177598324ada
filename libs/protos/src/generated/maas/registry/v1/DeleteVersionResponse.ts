// Original file: protos/maas/registry/v1/registry.proto


export interface DeleteVersionResponse {
}

export interface DeleteVersionResponse__Output {
}
