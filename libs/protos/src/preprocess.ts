// Re-exports of the generated maas.preprocess.v1 types, so services import them by package name.
export type { ProtoGrpcType as PreprocessProtoGrpcType } from './generated/preprocess';
export type { PreprocessorClient, PreprocessorHandlers } from './generated/maas/preprocess/v1/Preprocessor';
export type { PipelineRef, PipelineRef__Output } from './generated/maas/preprocess/v1/PipelineRef';
export type { RawItem as PreprocessRawItem, RawItem__Output as PreprocessRawItem__Output } from './generated/maas/preprocess/v1/RawItem';
export type { Row as PreprocessRow, Row__Output as PreprocessRow__Output } from './generated/maas/preprocess/v1/Row';
export type { Cell as PreprocessCell, Cell__Output as PreprocessCell__Output } from './generated/maas/preprocess/v1/Cell';
export type { Tensor as PreprocessTensor, Tensor__Output as PreprocessTensor__Output } from './generated/maas/preprocess/v1/Tensor';
export type { DroppedItem as PreprocessDroppedItem, DroppedItem__Output as PreprocessDroppedItem__Output } from './generated/maas/preprocess/v1/DroppedItem';
export type { PreprocessRequest, PreprocessRequest__Output } from './generated/maas/preprocess/v1/PreprocessRequest';
export type { PreprocessResponse, PreprocessResponse__Output } from './generated/maas/preprocess/v1/PreprocessResponse';
export type { PostprocessRequest, PostprocessRequest__Output } from './generated/maas/preprocess/v1/PostprocessRequest';
export type { PostprocessResponse, PostprocessResponse__Output } from './generated/maas/preprocess/v1/PostprocessResponse';
export type { ItemResult as PreprocessItemResult, ItemResult__Output as PreprocessItemResult__Output } from './generated/maas/preprocess/v1/ItemResult';
export type { ClassScore as PreprocessClassScore, ClassScore__Output as PreprocessClassScore__Output } from './generated/maas/preprocess/v1/ClassScore';
export type { TensorDescription as PreprocessTensorDescription, TensorDescription__Output as PreprocessTensorDescription__Output } from './generated/maas/preprocess/v1/TensorDescription';
export type { DescribePipelineRequest, DescribePipelineRequest__Output } from './generated/maas/preprocess/v1/DescribePipelineRequest';
export type { DescribePipelineResponse, DescribePipelineResponse__Output } from './generated/maas/preprocess/v1/DescribePipelineResponse';

/** The proto files of the preprocessing API, relative to PROTO_ROOT. */
export const PREPROCESS_PROTO_FILES: readonly string[] = ['maas/preprocess/v1/preprocess.proto'];
