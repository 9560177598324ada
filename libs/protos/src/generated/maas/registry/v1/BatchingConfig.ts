// Original file: protos/maas/registry/v1/registry.proto


export interface BatchingConfig {
  'max_batch_size'?: (number);
  'dynamic_batching'?: (boolean);
  'max_queue_delay_us'?: (number);
  'preferred_batch_sizes'?: (number)[];
}

export interface BatchingConfig__Output {
  'max_batch_size': (number);
  'dynamic_batching': (boolean);
  'max_queue_delay_us': (number);
  'preferred_batch_sizes': (number)[];
}
