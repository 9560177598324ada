import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Cell as _maas_preprocess_v1_Cell, Cell__Output as _maas_preprocess_v1_Cell__Output } from './maas/preprocess/v1/Cell';
import type { ClassScore as _maas_preprocess_v1_ClassScore, ClassScore__Output as _maas_preprocess_v1_ClassScore__Output } from './maas/preprocess/v1/ClassScore';
import type { DescribePipelineRequest as _maas_preprocess_v1_DescribePipelineRequest, DescribePipelineRequest__Output as _maas_preprocess_v1_DescribePipelineRequest__Output } from './maas/preprocess/v1/DescribePipelineRequest';
import type { DescribePipelineResponse as _maas_preprocess_v1_DescribePipelineResponse, DescribePipelineResponse__Output as _maas_preprocess_v1_DescribePipelineResponse__Output } from './maas/preprocess/v1/DescribePipelineResponse';
import type { DroppedItem as _maas_preprocess_v1_DroppedItem, DroppedItem__Output as _maas_preprocess_v1_DroppedItem__Output } from './maas/preprocess/v1/DroppedItem';
import type { ItemResult as _maas_preprocess_v1_ItemResult, ItemResult__Output as _maas_preprocess_v1_ItemResult__Output } from './maas/preprocess/v1/ItemResult';
import type { PipelineRef as _maas_preprocess_v1_PipelineRef, PipelineRef__Output as _maas_preprocess_v1_PipelineRef__Output } from './maas/preprocess/v1/PipelineRef';
import type { PostprocessRequest as _maas_preprocess_v1_PostprocessRequest, PostprocessRequest__Output as _maas_preprocess_v1_PostprocessRequest__Output } from './maas/preprocess/v1/PostprocessRequest';
import type { PostprocessResponse as _maas_preprocess_v1_PostprocessResponse, PostprocessResponse__Output as _maas_preprocess_v1_PostprocessResponse__Output } from './maas/preprocess/v1/PostprocessResponse';
import type { PreprocessRequest as _maas_preprocess_v1_PreprocessRequest, PreprocessRequest__Output as _maas_preprocess_v1_PreprocessRequest__Output } from './maas/preprocess/v1/PreprocessRequest';
import type { PreprocessResponse as _maas_preprocess_v1_PreprocessResponse, PreprocessResponse__Output as _maas_preprocess_v1_PreprocessResponse__Output } from './maas/preprocess/v1/PreprocessResponse';
import type { PreprocessorClient as _maas_preprocess_v1_PreprocessorClient, PreprocessorDefinition as _maas_preprocess_v1_PreprocessorDefinition } from './maas/preprocess/v1/Preprocessor';
import type { RawItem as _maas_preprocess_v1_RawItem, RawItem__Output as _maas_preprocess_v1_RawItem__Output } from './maas/preprocess/v1/RawItem';
import type { Row as _maas_preprocess_v1_Row, Row__Output as _maas_preprocess_v1_Row__Output } from './maas/preprocess/v1/Row';
import type { Tensor as _maas_preprocess_v1_Tensor, Tensor__Output as _maas_preprocess_v1_Tensor__Output } from './maas/preprocess/v1/Tensor';
import type { TensorDescription as _maas_preprocess_v1_TensorDescription, TensorDescription__Output as _maas_preprocess_v1_TensorDescription__Output } from './maas/preprocess/v1/TensorDescription';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  maas: {
    preprocess: {
      v1: {
        Cell: MessageTypeDefinition<_maas_preprocess_v1_Cell, _maas_preprocess_v1_Cell__Output>
        ClassScore: MessageTypeDefinition<_maas_preprocess_v1_ClassScore, _maas_preprocess_v1_ClassScore__Output>
        DescribePipelineRequest: MessageTypeDefinition<_maas_preprocess_v1_DescribePipelineRequest, _maas_preprocess_v1_DescribePipelineRequest__Output>
        DescribePipelineResponse: MessageTypeDefinition<_maas_preprocess_v1_DescribePipelineResponse, _maas_preprocess_v1_DescribePipelineResponse__Output>
        DroppedItem: MessageTypeDefinition<_maas_preprocess_v1_DroppedItem, _maas_preprocess_v1_DroppedItem__Output>
        ItemResult: MessageTypeDefinition<_maas_preprocess_v1_ItemResult, _maas_preprocess_v1_ItemResult__Output>
        PipelineRef: MessageTypeDefinition<_maas_preprocess_v1_PipelineRef, _maas_preprocess_v1_PipelineRef__Output>
        PostprocessRequest: MessageTypeDefinition<_maas_preprocess_v1_PostprocessRequest, _maas_preprocess_v1_PostprocessRequest__Output>
        PostprocessResponse: MessageTypeDefinition<_maas_preprocess_v1_PostprocessResponse, _maas_preprocess_v1_PostprocessResponse__Output>
        PreprocessRequest: MessageTypeDefinition<_maas_preprocess_v1_PreprocessRequest, _maas_preprocess_v1_PreprocessRequest__Output>
        PreprocessResponse: MessageTypeDefinition<_maas_preprocess_v1_PreprocessResponse, _maas_preprocess_v1_PreprocessResponse__Output>
        Preprocessor: SubtypeConstructor<typeof grpc.Client, _maas_preprocess_v1_PreprocessorClient> & { service: _maas_preprocess_v1_PreprocessorDefinition }
        RawItem: MessageTypeDefinition<_maas_preprocess_v1_RawItem, _maas_preprocess_v1_RawItem__Output>
        Row: MessageTypeDefinition<_maas_preprocess_v1_Row, _maas_preprocess_v1_Row__Output>
        Tensor: MessageTypeDefinition<_maas_preprocess_v1_Tensor, _maas_preprocess_v1_Tensor__Output>
        TensorDescription: MessageTypeDefinition<_maas_preprocess_v1_TensorDescription, _maas_preprocess_v1_TensorDescription__Output>
      }
    }
  }
}

