export type { WireTensor, JobRequest, JobResult, Delivery, QueueStats } from './types';
export { keys, DEFAULT_GROUP } from './keys';
export { JobProducer, type JobProducerOptions } from './producer';
export { JobConsumer, type JobConsumerOptions, type ConsumerEvents, type FailOutcome } from './consumer';
export { encodeJob, decodeJob, encodeResult, decodeResult, MalformedEntryError, type DecodedJob } from './codec';
export { connectRedis } from './connection';
