// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Cell as _maas_preprocess_v1_Cell, Cell__Output as _maas_preprocess_v1_Cell__Output } from '../../../maas/preprocess/v1/Cell';

export interface Row {
  'cells'?: ({[key: string]: _maas_preprocess_v1_Cell});
}

export interface Row__Output {
  'cells': ({[key: string]: _maas_preprocess_v1_Cell__Output});
}
