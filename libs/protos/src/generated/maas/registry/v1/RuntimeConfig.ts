// Original file: protos/maas/registry/v1/registry.proto


export interface RuntimeConfig {
  'execution_providers'?: (string)[];
  'intra_op_threads'?: (number);
  'inter_op_threads'?: (number);
  'graph_optimization_level'?: (string);
}

export interface RuntimeConfig__Output {
  'execution_providers': (string)[];
  'intra_op_threads': (number);
  'inter_op_threads': (number);
  'graph_optimization_level': (string);
}
