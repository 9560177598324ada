// Original file: protos/inference/grpc_service.proto


export interface CudaSharedMemoryUnregisterResponse {
}

export interface CudaSharedMemoryUnregisterResponse__Output {
}
