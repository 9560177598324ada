// Original file: protos/inference/grpc_service.proto


export interface ServerReadyRequest {
}

export interface ServerReadyRequest__Output {
}
