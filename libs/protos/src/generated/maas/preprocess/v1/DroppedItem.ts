// Original file: protos/maas/preprocess/v1/preprocess.proto


export interface DroppedItem {
  'item'?: (number);
  'field'?: (string);
  'reason'?: (string);
  'message'?: (string);
}

export interface DroppedItem__Output {
  'item': (number);
  'field': (string);
  'reason': (string);
  'message': (string);
}
