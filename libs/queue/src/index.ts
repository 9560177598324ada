export type { WireTensor, JobRequest, JobResult, Delivery, QueueStats, CancelSignal } from './types';
export { keys, DEFAULT_GROUP, parseJobsKey, jobsStreamMaxLen } from './keys';
export { JobProducer, type JobProducerOptions } from './producer';
export { JobConsumer, type JobConsumerOptions, type ConsumerEvents, type FailOutcome } from './consumer';
export { encodeJob, decodeJob, encodeResult, encodeResults, decodeResult, decodeResults, MalformedEntryError, type DecodedJob } from './codec';
export { connectRedis, redisTargetOptions, describeRedis, parseSentinels, type RedisTarget, type RedisAddress } from './connection';
export { redisSettings, redisTargetOf } from './settings';
