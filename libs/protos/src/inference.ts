// Re-exports of the generated Open Inference Protocol types, so services import them by package name.
export type { ProtoGrpcType as InferenceProtoGrpcType } from './generated/grpc_service';
export type { GRPCInferenceServiceHandlers, GRPCInferenceServiceClient } from './generated/inference/GRPCInferenceService';
export type { ModelInferRequest, ModelInferRequest__Output } from './generated/inference/ModelInferRequest';
export type { ModelInferResponse } from './generated/inference/ModelInferResponse';
export type { ModelStreamInferResponse } from './generated/inference/ModelStreamInferResponse';
export type { ModelMetadataResponse } from './generated/inference/ModelMetadataResponse';
export type { ModelConfigResponse } from './generated/inference/ModelConfigResponse';
export type { ModelConfig } from './generated/inference/ModelConfig';
export type { ModelStatisticsResponse } from './generated/inference/ModelStatisticsResponse';
export type { ModelStatistics } from './generated/inference/ModelStatistics';
export type { RepositoryIndexResponse } from './generated/inference/RepositoryIndexResponse';
export type { ServerMetadataResponse } from './generated/inference/ServerMetadataResponse';
export type { InferParameter, InferParameter__Output } from './generated/inference/InferParameter';
export type { InferTensorContents } from './generated/inference/InferTensorContents';

/** The proto files of the inference API, relative to PROTO_ROOT. */
export const INFERENCE_PROTO_FILES: readonly string[] = ['inference/grpc_service.proto', 'inference/model_config.proto'];
