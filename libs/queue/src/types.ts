/** A tensor as it travels through the queue: a small header and its raw little-endian bytes (BYTES: 4-byte LE length before each element). */
export interface WireTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: Buffer;
}

/** One inference job as the gateway enqueues it. */
export interface JobRequest {
  /** Unique per job (the gateway's request id); results are matched and deduplicated by it. */
  id: string;
  model: string;
  version: number;
  inputs: WireTensor[];
  /** Requested output names; empty = all. */
  outputs: string[];
  parameters: Record<string, string | number | boolean>;
  /** Unix ms after which nobody waits for the answer; 0 = no deadline. */
  deadlineUnixMs: number;
  /** 0 = normal, > 0 = high: served first among the jobs one read returns (not a separate lane). */
  priority: number;
  /** W3C traceparent of the gateway's span, so worker spans join the caller's trace; absent when tracing is off. */
  traceparent?: string;
}

/** The single answer to a job: outputs and where/how they were computed, or a gRPC status and message. */
export type JobResult =
  | {
      jobId: string;
      ok: true;
      outputs: WireTensor[];
      workerId: string;
      /** Jobs in the session.run that computed this one. */
      batchSize: number;
      queueWaitMs: number;
      computeMs: number;
      /** "cpu" or "cuda": the provider that actually ran it. */
      executionProvider: string;
    }
  | { jobId: string; ok: false; code: number; message: string; workerId?: string };

/** A job handed to a worker by JobConsumer.read. */
export interface Delivery {
  /** Stream entry id (changes when a job is requeued; the job id does not). */
  entryId: string;
  streamKey: string;
  job: JobRequest;
  /** Reply stream key of the gateway waiting for this job. */
  replyTo: string;
  enqueuedUnixMs: number;
  /** 1 on the first delivery; counts every delivery, including those to workers that crashed. */
  deliveryCount: number;
  /** The job's gateway reads batch reply entries (replyAll may answer it together with its batch-mates). */
  batchReplies?: boolean;
}

/** Cheap signals of one model version's queue. */
export interface QueueStats {
  /** Jobs in the stream: waiting + in flight (acked jobs are deleted). */
  depth: number;
  /** Not yet taken by any worker. */
  waiting: number;
  /** Taken by a worker, not yet answered. */
  inFlight: number;
  /** Age of the oldest job in the stream (0 when empty). */
  oldestJobAgeMs: number;
  /** Entries in the dead-letter stream (bounded). */
  deadLetters: number;
  /** Id of the newest job in the stream ('' when empty): wait for jobs after it with XREAD. */
  newestEntryId: string;
}

/**
 * What submit takes as a cancel signal: AbortSignal has this shape, and so does a lighter per-call object (the
 * gateway's fast gRPC path passes the call itself; no AbortController per request).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
