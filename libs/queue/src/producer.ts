import type { Redis } from 'ioredis';
import { CancelledError, DeadlineExceededError, InvalidArgumentError, ResourceExhaustedError, UnavailableError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { decodeResults, encodeJob, FIELD_ATTEMPTS, FIELD_DATA, FIELD_HEADER } from './codec';
import { asQueueError, connectRedis, ensureConnected, sleep, type RedisAddress } from './connection';
import { DEFAULT_GROUP, jobsStreamMaxLen, keys } from './keys';
import { Lease } from './lease';
import { LARGE_JOB_BYTES, queueScriptSource } from './scripts';
import { readQueueStats } from './stats';
import { parseStreamsReply } from './stream-reply';
import type { CancelSignal, JobRequest, JobResult, QueueStats } from './types';

/** Options of a JobProducer. */
export interface JobProducerOptions {
  /** Redis URL, or a full target (Sentinel, TLS CA). */
  redisUrl: RedisAddress;
  /** This gateway instance's id; names its reply stream. */
  gatewayId: string;
  logger: Logger;
  /** Refuse a submit with RESOURCE_EXHAUSTED when the stream holds this many jobs (per-call override: maxDepth). */
  defaultMaxDepth: number;
  /** MAXLEN ~ of this gateway's reply stream; default 10000. */
  replyStreamMaxLen?: number;
  /** How long a job without a deadline may wait for its reply; default 300000 (no caller waits forever). */
  noDeadlineTimeoutMs?: number;
  /** Consumer group workers read with; default "workers" (only for stats and cancel). */
  group?: string;
  /** This gateway's lease in Redis (workers drop jobs of a gateway gone longer than the grace); default 3000. */
  leaseTtlMs?: number;
  /** How often the lease is renewed; default 1000. */
  leaseRenewMs?: number;
  /** After this long without Redis, waiting submits fail UNAVAILABLE instead of waiting on; default 10000. */
  outageGraceMs?: number;
  /** A gateway whose lease lapsed this long ago is gone (its reply stream is deleted); default 10000. */
  gatewayGraceMs?: number;
}

interface PendingJob {
  settle: (outcome: { result: JobResult } | { error: Error }) => void;
  streamKey: string;
  /** The encoded entry, kept so the job can be submitted again when Redis lost it. */
  header: string;
  data: Buffer;
  streamMaxLen: number;
  maxDepth: number;
  /** The enqueue's outcome: the new entry id, null when the stream was full, or the error. */
  enqueued: (outcome: { id: string | null } | { error: unknown }) => void;
  entryId?: string;
}

/** At most this many jobs go into one enqueue-batch call (the rest into the next). */
const MAX_ENQUEUE_BATCH = 128;

/** Hands one enqueue script call's answer (entry id, or null when the stream was full) to its job. */
function settleEnqueue(entry: PendingJob, call: Promise<string | null>): void {
  call.then(
    (id) => entry.enqueued({ id: id === null ? null : String(id) }),
    (error: unknown) => entry.enqueued({ error }),
  );
}

/** enqueue-guard.lua without its comment block: EVAL sends the source with every large job. */
let guardSource: string | undefined;

/**
 * enqueue.lua's effect for a job of LARGE_JOB_BYTES or more, without its bytes passing through Lua: one
 * transaction of a plain XADD and enqueue-guard.lua (which removes the entry again when the stream now holds
 * more than maxDepth jobs), so no reader, worker or other gateway, ever sees an entry the depth check refuses.
 * The four commands are written in this turn, in order, outside auto-pipelining (UNPIPELINED_COMMANDS), so
 * nothing else lands inside the transaction. Resolves with the entry id, or null when the stream was full.
 */
function enqueueLarge(redis: Redis, entry: PendingJob): Promise<string | null> {
  // EVAL, not EVALSHA: inside MULTI a script Redis lost (restart, flush) would fail only at EXEC, after the XADD.
  guardSource ??= queueScriptSource('maasEnqueueGuard').replace(/^--\[\[[\s\S]*?\]\]\n/, '');
  let queueError: unknown;
  const keep = (err: unknown): void => {
    queueError ??= err;
  };
  // Corked, the four writes leave in one writev (ioredis writes each command as it is sent).
  const socket = redis.status === 'ready' ? (redis as unknown as { stream?: { cork(): void; uncork(): void } }).stream : undefined;
  socket?.cork();
  redis.call('multi').catch(keep);
  redis.call('xadd', entry.streamKey, 'MAXLEN', '~', entry.streamMaxLen, '*', FIELD_HEADER, entry.header, FIELD_DATA, entry.data, FIELD_ATTEMPTS, 0).catch(keep);
  redis.call('eval', guardSource, 1, entry.streamKey, entry.maxDepth, entry.header).catch(keep);
  const exec = redis.call('exec');
  socket?.uncork();
  return exec.then(
    (replies) => {
      if (!Array.isArray(replies) || replies.length !== 2) throw new Error(`unexpected EXEC reply ${JSON.stringify(replies)}`);
      const [id, kept] = replies as [unknown, unknown];
      if (id instanceof Error) throw id;
      // The guard could not run (it cannot fail on a stream): the job is in, so it stays.
      if (kept instanceof Error) return String(id);
      return Number(kept) === 0 ? null : String(id);
    },
    // EXECABORT names no cause: the command Redis refused (e.g. OOM) does.
    (err: unknown) => {
      throw queueError ?? err;
    },
  );
}

const REPLY_READ_BLOCK_MS = 1000;

/**
 * Gateway side of the queue: one per gateway process. Owns one reply stream (keys.replies(gatewayId))
 * read by one blocking connection, and one connection for commands. Each submit registers a waiter by
 * job id before enqueueing, so a reply can never arrive unclaimed; the first reply for an id settles
 * it and later ones (a slow worker and a reclaiming worker both answering) are ignored.
 */
export class JobProducer {
  private readonly commands: Redis;
  private readonly reader: Redis;
  private readonly pending = new Map<string, PendingJob>();
  private readonly replyKey: string;
  private readonly group: string;
  private readonly noDeadlineTimeoutMs: number;
  private lastReplyId = '0-0';
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly lease: Lease;
  private readonly outageGraceMs: number;
  private downSinceMs: number | undefined;
  private outageTimer: NodeJS.Timeout | undefined;
  /** Jobs submitted in this event-loop turn, by stream, enqueued together when the turn's work is done. */
  private readonly outbox = new Map<string, PendingJob[]>();
  private flushScheduled = false;

  constructor(private readonly options: JobProducerOptions) {
    this.replyKey = keys.replies(options.gatewayId);
    this.group = options.group ?? DEFAULT_GROUP;
    this.noDeadlineTimeoutMs = options.noDeadlineTimeoutMs ?? 300_000;
    this.commands = connectRedis(options.redisUrl, `maas-producer-${options.gatewayId}`, options.logger, { autoPipelining: true });
    this.reader = connectRedis(options.redisUrl, `maas-replies-${options.gatewayId}`, options.logger);
    this.outageGraceMs = options.outageGraceMs ?? 10_000;
    this.lease = new Lease(this.commands, {
      kind: 'gateway',
      member: this.replyKey,
      ttlMs: options.leaseTtlMs ?? 3000,
      renewMs: options.leaseRenewMs ?? 1000,
      gatewayGraceMs: options.gatewayGraceMs ?? 10_000,
      logger: options.logger,
      onRedisChanged: () => this.resubmitAll(),
    });
    // The outage watch runs only while Redis is away: an idle gateway has no timer waking it for it.
    this.commands.on('close', () => {
      this.downSinceMs ??= Date.now();
      this.watchOutage();
    });
    this.commands.on('ready', () => {
      this.downSinceMs = undefined;
      clearInterval(this.outageTimer);
      this.outageTimer = undefined;
    });
  }

  /** Connects and starts the reply reader loop. UNAVAILABLE when Redis cannot be reached now. */
  async start(): Promise<void> {
    if (this.running) return;
    await ensureConnected(this.commands);
    await ensureConnected(this.reader);
    // Replies to jobs submitted from now on have later ids (Redis time); older ones belong to a previous run.
    const [seconds, micros] = (await this.commands.time()) as [number | string, number | string];
    this.lastReplyId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    // The lease is in Redis before the first submit: a worker drops the jobs of a gateway it finds no lease of.
    await this.lease.start();
    for (let attempt = 0; !this.lease.last && attempt < 3; attempt++) {
      await sleep(100);
      await this.lease.beat();
    }
    if (!this.lease.last) {
      await this.lease.stop(false);
      throw new UnavailableError(`could not write gateway ${this.options.gatewayId}'s lease to Redis`);
    }
    this.running = true;
    this.loop = this.readReplies();
    if (this.downSinceMs !== undefined) this.watchOutage();
  }

  /** While Redis is down, checks every 250 ms whether waiting callers must be failed (failIfOutageTooLong). */
  private watchOutage(): void {
    if (!this.running || this.outageTimer) return;
    this.outageTimer = setInterval(() => this.failIfOutageTooLong(), 250);
    this.outageTimer.unref();
  }

  /**
   * Enqueues a job and resolves with its single result. Rejects RESOURCE_EXHAUSTED when the stream holds
   * maxDepth jobs (checked atomically with the add), DEADLINE_EXCEEDED at the job's deadline (a local
   * timer: no caller waits past it; the worker skips the expired job), CANCELLED when `signal` aborts
   * (the job is removed if no worker took it yet), UNAVAILABLE when Redis is down.
   */
  submit(job: JobRequest, options: { maxDepth?: number; signal?: CancelSignal } = {}): Promise<JobResult> {
    if (!this.running) return Promise.reject(new UnavailableError('job producer is not started (or closed)'));
    if (this.pending.has(job.id)) return Promise.reject(new InvalidArgumentError(`job id ${job.id} is already waiting for a result`));
    const now = Date.now();
    if (job.deadlineUnixMs > 0 && job.deadlineUnixMs <= now) {
      return Promise.reject(new DeadlineExceededError(`deadline of job ${job.id} passed before it was queued`));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError(`job ${job.id} cancelled before it was queued`));
    const maxDepth = options.maxDepth ?? this.options.defaultMaxDepth;
    const streamKey = keys.jobs(job.model, job.version);

    return new Promise<JobResult>((resolve, reject) => {
      const waitMs = job.deadlineUnixMs > 0 ? job.deadlineUnixMs - now : this.noDeadlineTimeoutMs;
      const timer = setTimeout(() => {
        entry.settle({ error: new DeadlineExceededError(`job ${job.id} for ${job.model} v${job.version}: no result within ${waitMs} ms (deadline)`) });
      }, waitMs);
      const onAbort = (): void => {
        entry.settle({ error: new CancelledError(`job ${job.id} cancelled by the caller`) });
        this.cancel(entry);
      };
      const { header, data } = encodeJob(job, this.replyKey, now, true);
      const streamMaxLen = jobsStreamMaxLen(maxDepth);
      const entry: PendingJob = {
        streamKey,
        header,
        data,
        streamMaxLen,
        maxDepth,
        enqueued: (outcome) => {
          if ('error' in outcome) {
            entry.settle({ error: asQueueError(outcome.error, `enqueue job ${job.id}`) });
            return;
          }
          if (outcome.id === null) {
            entry.settle({ error: new ResourceExhaustedError(`queue of ${job.model} v${job.version} is full (${maxDepth} jobs); retry later`) });
            return;
          }
          entry.entryId = outcome.id;
          if (signal?.aborted) this.cancel(entry);
        },
        settle: (outcome) => {
          if (this.pending.get(job.id) !== entry) return;
          this.pending.delete(job.id);
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if ('result' in outcome) resolve(outcome.result);
          else reject(outcome.error);
        },
      };
      this.pending.set(job.id, entry);
      signal?.addEventListener('abort', onAbort, { once: true });

      this.enqueue(entry);
    });
  }

  /**
   * Large jobs go out at once, on their own, in a transaction (enqueueLarge, LARGE_JOB_BYTES). Small ones
   * wait for the end of this event-loop turn, so that the jobs of one stream submitted together (a burst of
   * calls read from one socket) are added by one script call instead of one each, written at once (the
   * enqueue scripts are in UNPIPELINED_COMMANDS: this outbox is their pipeline). The flush is a setImmediate,
   * not a nextTick: HTTP/2 hands each stream's request to JavaScript in a callback of its own and Node runs
   * the nextTick queue after each, so a nextTick flush sent one script call per request.
   */
  private enqueue(entry: PendingJob): void {
    if (entry.data.length >= LARGE_JOB_BYTES) {
      settleEnqueue(entry, enqueueLarge(this.commands, entry));
      return;
    }
    const list = this.outbox.get(entry.streamKey);
    if (list) list.push(entry);
    else this.outbox.set(entry.streamKey, [entry]);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushOutbox());
  }

  private flushOutbox(): void {
    this.flushScheduled = false;
    for (const [streamKey, list] of this.outbox) {
      for (let first = 0; first < list.length; first += MAX_ENQUEUE_BATCH) {
        const chunk = list.slice(first, first + MAX_ENQUEUE_BATCH);
        if (chunk.length === 1) {
          const [e] = chunk as [PendingJob];
          settleEnqueue(e, this.commands.maasEnqueue(streamKey, e.maxDepth, e.streamMaxLen, e.header, e.data, 0));
          continue;
        }
        const args: Array<string | number | Buffer> = [streamKey, chunk.length];
        for (const e of chunk) args.push(e.maxDepth, e.streamMaxLen, e.header, e.data);
        this.commands.maasEnqueueBatch(...args).then(
          (ids) => chunk.forEach((e, i) => e.enqueued({ id: ids[i] == null ? null : String(ids[i]) })),
          (error: unknown) => chunk.forEach((e) => e.enqueued({ error })),
        );
      }
    }
    this.outbox.clear();
  }

  /** Depth, waiting, in flight, oldest job age and dead letters of one model version (one round trip). */
  async stats(model: string, version: number): Promise<QueueStats> {
    return readQueueStats(this.commands, this.group, model, version);
  }

  /** Jobs submitted and not yet settled (for metrics and tests). */
  waitingCount(): number {
    return this.pending.size;
  }

  /** Stops the reply reader and closes the connections; waiting submits reject UNAVAILABLE. */
  async close(): Promise<void> {
    this.running = false;
    clearInterval(this.outageTimer);
    this.outageTimer = undefined;
    await this.lease.stop(true);
    this.reader.disconnect();
    // ioredis may leave a blocked read unsettled when it is disconnected mid-reconnect: bound the wait.
    await Promise.race([this.loop, sleep(REPLY_READ_BLOCK_MS + 500)]);
    for (const entry of [...this.pending.values()]) entry.settle({ error: new UnavailableError('job producer closed') });
    this.commands.disconnect();
  }

  /**
   * Redis was replaced (restart, failover) or emptied: jobs still waiting for a reply may be gone, and so may
   * replies already written. Submit every one again as a new entry (inference is idempotent; the first reply
   * wins, later ones are ignored) and read the reply stream from its start.
   */
  private async resubmitAll(): Promise<void> {
    this.lastReplyId = '0-0';
    const waiting = [...this.pending.values()];
    if (waiting.length === 0) return;
    const pipeline = this.commands.pipeline();
    // No depth check: these jobs were admitted before the fault.
    for (const entry of waiting) pipeline.maasEnqueue(entry.streamKey, Number.MAX_SAFE_INTEGER, entry.streamMaxLen, entry.header, entry.data, 0);
    const results = (await pipeline.exec()) ?? [];
    let resubmitted = 0;
    results.forEach(([err, id], i) => {
      const entry = waiting[i]!;
      if (err || id === null) return;
      entry.entryId = String(id);
      resubmitted++;
    });
    this.options.logger.warn({ resubmitted, waiting: waiting.length }, 'resubmitted the jobs Redis may have lost');
  }

  /** Waiting callers get UNAVAILABLE (retryable) once Redis has been unreachable for longer than the grace. */
  private failIfOutageTooLong(): void {
    if (this.downSinceMs === undefined || Date.now() - this.downSinceMs < this.outageGraceMs) return;
    if (this.pending.size === 0) return;
    const error = new UnavailableError(`Redis unreachable for over ${this.outageGraceMs} ms; the job's state is unknown, retry it`);
    for (const entry of [...this.pending.values()]) entry.settle({ error });
  }

  private cancel(entry: PendingJob): void {
    if (!entry.entryId) return;
    this.commands.maasCancel(entry.streamKey, this.group, entry.entryId).catch((err: unknown) => {
      this.options.logger.debug({ err }, 'could not remove a cancelled job');
    });
  }

  private async readReplies(): Promise<void> {
    while (this.running) {
      try {
        if (this.reader.status !== 'ready') await ensureConnected(this.reader);
        const reply = await this.reader.callBuffer('XREAD', 'COUNT', 500, 'BLOCK', REPLY_READ_BLOCK_MS, 'STREAMS', this.replyKey, this.lastReplyId);
        for (const [id, fields] of parseStreamsReply(reply).get(this.replyKey) ?? []) {
          this.lastReplyId = id;
          this.deliver(fields);
        }
      } catch (err) {
        if (!this.running) return;
        this.options.logger.debug({ err }, 'reply read failed; retrying');
        await sleep(200);
      }
    }
  }

  private deliver(fields: Buffer[]): void {
    let results: JobResult[];
    try {
      // One result, or a worker's batch reply carrying several.
      results = decodeResults(fields);
    } catch (err) {
      this.options.logger.warn({ err }, 'dropping a malformed reply');
      return;
    }
    // Unknown ids are duplicates, or answers to callers that gave up: ignore them.
    for (const result of results) this.pending.get(result.jobId)?.settle({ result });
  }
}
