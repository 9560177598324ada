import type { Redis } from 'ioredis';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { MaasError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { decodeJob, encodeResult, MalformedEntryError, peekJobHeader } from './codec';
import { asQueueError, connectRedis, ensureConnected } from './connection';
import { DEFAULT_GROUP, keys } from './keys';
import { parseEntries, parseStreamsReply, type StreamEntry } from './stream-reply';
import { readQueueStats } from './stats';
import type { Delivery, JobResult, QueueStats } from './types';

/** What the consumer reports besides returning jobs (the worker turns these into metrics). */
export interface ConsumerEvents {
  /** A job taken again after its worker held it past the visibility timeout. */
  onRedelivery?(streamKey: string, jobId: string, deliveryCount: number): void;
  /** A job moved to the dead-letter stream; its caller got an error reply. */
  onDeadLetter?(streamKey: string, jobId: string, reason: string): void;
  /** A job whose deadline passed before it was read; answered DEADLINE_EXCEEDED, not returned. */
  onExpired?(streamKey: string, jobId: string): void;
}

/** Options of a JobConsumer. */
export interface JobConsumerOptions {
  redisUrl: string;
  /** This worker's consumer name in the group (unique per process). */
  consumerId: string;
  logger: Logger;
  /** Consumer group; default "workers". */
  group?: string;
  /** A job held this long without an answer is taken by another worker; default 30000. */
  visibilityTimeoutMs?: number;
  /** Deliveries after which a job goes to the dead-letter stream; default 3. */
  maxDeliveries?: number;
  /** MAXLEN ~ of each dead-letter stream; default 1000. */
  deadLetterMaxLen?: number;
  /** MAXLEN ~ of reply streams; default 10000. */
  replyStreamMaxLen?: number;
  /** Reply streams expire this long after their last reply (their gateway is gone); default 60000. */
  replyTtlMs?: number;
  events?: ConsumerEvents;
}

/** What fail() did with a job. */
export type FailOutcome = 'retried' | 'dead-lettered';

const STREAM_MAX_LEN = 100_000;

/**
 * Worker side of the queue. read() takes up to N jobs of one model version (reclaiming jobs of dead
 * workers first), and filters out what must not be computed: jobs over the delivery limit go to the
 * dead-letter stream with an error reply, expired jobs are answered DEADLINE_EXCEEDED. reply(), fail(),
 * release() each change state in one Lua script. Each stream read blocks its own connection, so
 * several model versions can be read concurrently.
 */
export class JobConsumer {
  private readonly commands: Redis;
  private readonly readers = new Map<string, Redis>();
  private readonly groupsReady = new Set<string>();
  private readonly lastReclaimMs = new Map<string, number>();
  private readonly group: string;
  private readonly visibilityTimeoutMs: number;
  private readonly maxDeliveries: number;
  private readonly deadLetterMaxLen: number;
  private readonly replyStreamMaxLen: number;
  private readonly replyTtlMs: number;
  private closed = false;

  constructor(private readonly options: JobConsumerOptions) {
    this.group = options.group ?? DEFAULT_GROUP;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxDeliveries = options.maxDeliveries ?? 3;
    this.deadLetterMaxLen = options.deadLetterMaxLen ?? 1000;
    this.replyStreamMaxLen = options.replyStreamMaxLen ?? 10_000;
    this.replyTtlMs = options.replyTtlMs ?? 60_000;
    this.commands = connectRedis(options.redisUrl, `maas-worker-${options.consumerId}`, options.logger);
  }

  /** The consumer name. */
  get consumerId(): string {
    return this.options.consumerId;
  }

  /**
   * Up to maxCount jobs of one model version, blocking up to blockMs when none is waiting (blockMs ≤ 0: never
   * block; Redis checks blocking timeouts only every ~100 ms, so short waits belong to the caller). Jobs held past
   * the visibility timeout by another consumer are reclaimed first (XAUTOCLAIM). Higher priority first.
   */
  async read(model: string, version: number, maxCount: number, blockMs: number): Promise<Delivery[]> {
    const streamKey = keys.jobs(model, version);
    try {
      await ensureConnected(this.commands);
      await this.ensureGroup(streamKey);
      const entries: Array<{ entry: StreamEntry; redisDeliveries: number }> = [];
      for (const claimed of await this.reclaim(streamKey, maxCount)) entries.push(claimed);
      if (entries.length < maxCount && !this.closed) {
        const reader = await this.reader(streamKey);
        const block = entries.length > 0 || blockMs <= 0 ? [] : ['BLOCK', Math.max(1, Math.round(blockMs))];
        const reply = await reader.callBuffer('XREADGROUP', 'GROUP', this.group, this.consumerId, 'COUNT', maxCount - entries.length, ...block, 'STREAMS', streamKey, '>');
        for (const entry of parseStreamsReply(reply).get(streamKey) ?? []) entries.push({ entry, redisDeliveries: 1 });
      }
      const deliveries: Delivery[] = [];
      for (const { entry, redisDeliveries } of entries) {
        const delivery = await this.accept(streamKey, entry, redisDeliveries);
        if (delivery) deliveries.push(delivery);
      }
      return deliveries.sort((a, b) => b.job.priority - a.job.priority);
    } catch (err) {
      throw asQueueError(err, `read jobs of ${model} v${version}`);
    }
  }

  /** Sends the result to the job's gateway and acks + deletes the job, atomically. */
  async reply(delivery: Delivery, result: JobResult): Promise<void> {
    try {
      await this.commands.maasReply(...this.replyArgs(delivery, result));
    } catch (err) {
      throw asQueueError(err, `reply to job ${delivery.job.id}`);
    }
  }

  /**
   * reply() for a whole batch in one round trip (one pipelined write instead of one per job). Each job is
   * answered and acked on its own (its own script call); the promise resolves with each job's error, or
   * undefined when it was answered.
   */
  async replyAll(answers: ReadonlyArray<{ delivery: Delivery; result: JobResult }>): Promise<Array<MaasError | undefined>> {
    if (answers.length === 1) {
      const [only] = answers;
      return [await this.reply(only!.delivery, only!.result).then(() => undefined, (err: unknown) => err as MaasError)];
    }
    const pipeline = this.commands.pipeline();
    for (const { delivery, result } of answers) pipeline.maasReply(...this.replyArgs(delivery, result));
    let replies: Array<[Error | null, unknown]>;
    try {
      replies = (await pipeline.exec()) ?? [];
    } catch (err) {
      const error = asQueueError(err, `reply to ${answers.length} jobs`);
      return answers.map(() => error);
    }
    return answers.map(({ delivery }, i) => {
      const err = replies[i]?.[0] ?? (replies[i] ? null : new Error('no reply from Redis'));
      return err ? asQueueError(err, `reply to job ${delivery.job.id}`) : undefined;
    });
  }

  /** KEYS and ARGV of scripts/reply.lua for one job's result. */
  private replyArgs(delivery: Delivery, result: JobResult): [string, string, string, string, string, Buffer, number, number] {
    const { header, data } = encodeResult(result);
    return [delivery.streamKey, delivery.replyTo, this.group, delivery.entryId, header, data, this.replyStreamMaxLen, this.replyTtlMs];
  }

  /**
   * A failed attempt (e.g. the model threw on this job alone): put the job back for another try, or, once
   * it has been delivered maxDeliveries times, dead-letter it and answer its caller with `message`.
   */
  async fail(delivery: Delivery, error: { code?: number; message: string }): Promise<FailOutcome> {
    if (delivery.deliveryCount >= this.maxDeliveries) {
      await this.deadLetter(delivery.streamKey, delivery.entryId, delivery.job.id, delivery.replyTo, `failed ${delivery.deliveryCount} times; last error: ${error.message}`, error.code);
      return 'dead-lettered';
    }
    await this.requeue(delivery, delivery.deliveryCount);
    return 'retried';
  }

  /** Graceful shutdown: puts a job back (without counting this delivery) so another worker takes it now. */
  async release(delivery: Delivery): Promise<void> {
    await this.requeue(delivery, delivery.deliveryCount - 1);
  }

  /** Depth, waiting, in flight, oldest job age and dead letters of one model version (for worker metrics). */
  async stats(model: string, version: number): Promise<QueueStats> {
    return readQueueStats(this.commands, this.group, model, version);
  }

  /** Closes every connection; a read blocked right now rejects. */
  async close(): Promise<void> {
    this.closed = true;
    for (const reader of this.readers.values()) reader.disconnect();
    this.readers.clear();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  private async requeue(delivery: Delivery, attempts: number): Promise<void> {
    try {
      await this.commands.maasRequeue(delivery.streamKey, this.group, delivery.entryId, Math.max(0, attempts), STREAM_MAX_LEN);
    } catch (err) {
      throw asQueueError(err, `requeue job ${delivery.job.id}`);
    }
  }

  private async reader(streamKey: string): Promise<Redis> {
    let reader = this.readers.get(streamKey);
    if (!reader) {
      reader = connectRedis(this.options.redisUrl, `maas-worker-${this.consumerId}-read`, this.options.logger);
      this.readers.set(streamKey, reader);
    }
    await ensureConnected(reader);
    return reader;
  }

  private async ensureGroup(streamKey: string): Promise<void> {
    if (this.groupsReady.has(streamKey)) return;
    try {
      // From id 0: acked jobs are deleted, so everything in the stream is work, whenever the group appears.
      await this.commands.xgroup('CREATE', streamKey, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    this.groupsReady.add(streamKey);
  }

  /** XAUTOCLAIM of jobs idle past the visibility timeout, at most every quarter timeout per stream. */
  private async reclaim(streamKey: string, maxCount: number): Promise<Array<{ entry: StreamEntry; redisDeliveries: number }>> {
    const now = Date.now();
    if (now - (this.lastReclaimMs.get(streamKey) ?? 0) < Math.min(1000, this.visibilityTimeoutMs / 4)) return [];
    this.lastReclaimMs.set(streamKey, now);
    const reply = await this.commands.callBuffer('XAUTOCLAIM', streamKey, this.group, this.consumerId, this.visibilityTimeoutMs, '0-0', 'COUNT', maxCount);
    const claimed = parseEntries(Array.isArray(reply) ? (reply as unknown[])[1] : undefined).filter(([, fields]) => fields.length > 0);
    if (claimed.length === 0) return [];
    const pipeline = this.commands.pipeline();
    for (const [id] of claimed) pipeline.xpending(streamKey, this.group, id, id, 1);
    const counts = (await pipeline.exec()) ?? [];
    return claimed.map((entry, i) => {
      const row = (counts[i]?.[1] as Array<[string, string, number, number]> | undefined)?.[0];
      return { entry, redisDeliveries: Number(row?.[3] ?? 2) };
    });
  }

  /** A read entry as a Delivery, or undefined when it was dead-lettered or expired (and answered). */
  private async accept(streamKey: string, [entryId, fields]: StreamEntry, redisDeliveries: number): Promise<Delivery | undefined> {
    let decoded;
    try {
      decoded = decodeJob(fields);
    } catch (err) {
      if (!(err instanceof MalformedEntryError)) throw err;
      const peek = peekJobHeader(fields);
      this.options.logger.error({ streamKey, entryId, err: err.message }, 'malformed job entry; dead-lettering it');
      await this.deadLetter(streamKey, entryId, peek?.id ?? '', peek?.replyTo ?? keys.replies('unknown'), `malformed job: ${err.message}`, GrpcStatus.INVALID_ARGUMENT);
      return undefined;
    }
    const { job, replyTo, enqueuedUnixMs, attempts } = decoded;
    const deliveryCount = attempts + redisDeliveries;
    if (redisDeliveries > 1) this.options.events?.onRedelivery?.(streamKey, job.id, deliveryCount);
    if (deliveryCount > this.maxDeliveries) {
      const reason = `delivered ${deliveryCount - 1} times without an answer (a worker crashed or hung on it)`;
      await this.deadLetter(streamKey, entryId, job.id, replyTo, reason);
      return undefined;
    }
    if (job.deadlineUnixMs > 0 && job.deadlineUnixMs <= Date.now()) {
      this.options.logger.info({ jobId: job.id, model: job.model, version: job.version, lateMs: Date.now() - job.deadlineUnixMs }, 'job expired before it was computed; skipping it');
      this.options.events?.onExpired?.(streamKey, job.id);
      const result: JobResult = { jobId: job.id, ok: false, code: GrpcStatus.DEADLINE_EXCEEDED, message: `job ${job.id} expired in the queue before a worker could run it`, workerId: this.consumerId };
      await this.reply({ entryId, streamKey, job, replyTo, enqueuedUnixMs, deliveryCount }, result);
      return undefined;
    }
    return { entryId, streamKey, job, replyTo, enqueuedUnixMs, deliveryCount };
  }

  private async deadLetter(streamKey: string, entryId: string, jobId: string, replyTo: string, reason: string, code: number = GrpcStatus.INTERNAL): Promise<void> {
    const [, model = '', version = ''] = /^maas:jobs:(.+):(\d+)$/.exec(streamKey) ?? [];
    const message = `job ${jobId} of ${model} v${version} moved to the dead-letter stream: ${reason}`;
    const reply: JobResult = { jobId, ok: false, code, message, workerId: this.consumerId };
    this.options.logger.warn({ jobId, streamKey, reason }, 'job dead-lettered');
    try {
      await this.commands.maasDeadLetter(
        streamKey, keys.deadLetters(model, Number(version)), replyTo,
        this.group, entryId, reason, this.deadLetterMaxLen, encodeResult(reply).header, this.replyStreamMaxLen, this.replyTtlMs, Date.now(),
      );
    } catch (err) {
      throw asQueueError(err, `dead-letter job ${jobId}`);
    }
    this.options.events?.onDeadLetter?.(streamKey, jobId, reason);
  }
}
