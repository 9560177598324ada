// Original file: protos/maas/registry/v1/registry.proto


export interface WatchRequest {
  'resume_token'?: (string);
  'models'?: (string)[];
}

export interface WatchRequest__Output {
  'resume_token': (string);
  'models': (string)[];
}
