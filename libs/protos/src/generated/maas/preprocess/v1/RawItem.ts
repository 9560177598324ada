// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Row as _maas_preprocess_v1_Row, Row__Output as _maas_preprocess_v1_Row__Output } from '../../../maas/preprocess/v1/Row';

export interface RawItem {
  'image'?: (Buffer | Uint8Array | string);
  'text'?: (string);
  'row'?: (_maas_preprocess_v1_Row | null);
  'row_json'?: (string);
  'kind'?: "image"|"text"|"row"|"row_json";
}

export interface RawItem__Output {
  'image'?: (Buffer);
  'text'?: (string);
  'row'?: (_maas_preprocess_v1_Row__Output | null);
  'row_json'?: (string);
  'kind'?: "image"|"text"|"row"|"row_json";
}
