// Original file: protos/maas/preprocess/v1/preprocess.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribePipelineRequest as _maas_preprocess_v1_DescribePipelineRequest, DescribePipelineRequest__Output as _maas_preprocess_v1_DescribePipelineRequest__Output } from '../../../maas/preprocess/v1/DescribePipelineRequest';
import type { DescribePipelineResponse as _maas_preprocess_v1_DescribePipelineResponse, DescribePipelineResponse__Output as _maas_preprocess_v1_DescribePipelineResponse__Output } from '../../../maas/preprocess/v1/DescribePipelineResponse';
import type { PostprocessRequest as _maas_preprocess_v1_PostprocessRequest, PostprocessRequest__Output as _maas_preprocess_v1_PostprocessRequest__Output } from '../../../maas/preprocess/v1/PostprocessRequest';
import type { PostprocessResponse as _maas_preprocess_v1_PostprocessResponse, PostprocessResponse__Output as _maas_preprocess_v1_PostprocessResponse__Output } from '../../../maas/preprocess/v1/PostprocessResponse';
import type { PreprocessRequest as _maas_preprocess_v1_PreprocessRequest, PreprocessRequest__Output as _maas_preprocess_v1_PreprocessRequest__Output } from '../../../maas/preprocess/v1/PreprocessRequest';
import type { PreprocessResponse as _maas_preprocess_v1_PreprocessResponse, PreprocessResponse__Output as _maas_preprocess_v1_PreprocessResponse__Output } from '../../../maas/preprocess/v1/PreprocessResponse';

export interface PreprocessorClient extends grpc.Client {
  DescribePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  DescribePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  DescribePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  DescribePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  describePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  describePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  describePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  describePipeline(argument: _maas_preprocess_v1_DescribePipelineRequest, callback: grpc.requestCallback<_maas_preprocess_v1_DescribePipelineResponse__Output>): grpc.ClientUnaryCall;
  
  Postprocess(argument: _maas_preprocess_v1_PostprocessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  Postprocess(argument: _maas_preprocess_v1_PostprocessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  Postprocess(argument: _maas_preprocess_v1_PostprocessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  Postprocess(argument: _maas_preprocess_v1_PostprocessRequest, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  postprocess(argument: _maas_preprocess_v1_PostprocessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  postprocess(argument: _maas_preprocess_v1_PostprocessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  postprocess(argument: _maas_preprocess_v1_PostprocessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  postprocess(argument: _maas_preprocess_v1_PostprocessRequest, callback: grpc.requestCallback<_maas_preprocess_v1_PostprocessResponse__Output>): grpc.ClientUnaryCall;
  
  Preprocess(argument: _maas_preprocess_v1_PreprocessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  Preprocess(argument: _maas_preprocess_v1_PreprocessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  Preprocess(argument: _maas_preprocess_v1_PreprocessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  Preprocess(argument: _maas_preprocess_v1_PreprocessRequest, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  preprocess(argument: _maas_preprocess_v1_PreprocessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  preprocess(argument: _maas_preprocess_v1_PreprocessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  preprocess(argument: _maas_preprocess_v1_PreprocessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  preprocess(argument: _maas_preprocess_v1_PreprocessRequest, callback: grpc.requestCallback<_maas_preprocess_v1_PreprocessResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PreprocessorHandlers extends grpc.UntypedServiceImplementation {
  DescribePipeline: grpc.handleUnaryCall<_maas_preprocess_v1_DescribePipelineRequest__Output, _maas_preprocess_v1_DescribePipelineResponse>;
  
  Postprocess: grpc.handleUnaryCall<_maas_preprocess_v1_PostprocessRequest__Output, _maas_preprocess_v1_PostprocessResponse>;
  
  Preprocess: grpc.handleUnaryCall<_maas_preprocess_v1_PreprocessRequest__Output, _maas_preprocess_v1_PreprocessResponse>;
  
}

export interface PreprocessorDefinition extends grpc.ServiceDefinition {
  DescribePipeline: MethodDefinition<_maas_preprocess_v1_DescribePipelineRequest, _maas_preprocess_v1_DescribePipelineResponse, _maas_preprocess_v1_DescribePipelineRequest__Output, _maas_preprocess_v1_DescribePipelineResponse__Output>
  Postprocess: MethodDefinition<_maas_preprocess_v1_PostprocessRequest, _maas_preprocess_v1_PostprocessResponse, _maas_preprocess_v1_PostprocessRequest__Output, _maas_preprocess_v1_PostprocessResponse__Output>
  Preprocess: MethodDefinition<_maas_preprocess_v1_PreprocessRequest, _maas_preprocess_v1_PreprocessResponse, _maas_preprocess_v1_PreprocessRequest__Output, _maas_preprocess_v1_PreprocessResponse__Output>
}
