// Original file: protos/maas/registry/v1/registry.proto


export interface DeleteAliasResponse {
}

export interface DeleteAliasResponse__Output {
}
