// Original file: protos/maas/registry/v1/registry.proto


export interface DeleteModelResponse {
}

export interface DeleteModelResponse__Output {
}
