// Original file: protos/maas/preprocess/v1/preprocess.proto


export interface Cell {
  'number_value'?: (number | string);
  'string_value'?: (string);
  'bool_value'?: (boolean);
  'value'?: "number_value"|"string_value"|"bool_value";
}

export interface Cell__Output {
  'number_value'?: (number);
  'string_value'?: (string);
  'bool_value'?: (boolean);
  'value'?: "number_value"|"string_value"|"bool_value";
}
