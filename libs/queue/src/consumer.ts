import type { Redis } from 'ioredis';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { MaasError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { decodeJob, encodeResult, encodeResults, MalformedEntryError, peekJobHeader } from './codec';
import { asQueueError, connectRedis, ensureConnected, isNoGroupError, redisTargetOptions, type RedisAddress } from './connection';
import { DEFAULT_GROUP, deadLettersOf, keys, parseJobsKey } from './keys';
import { Lease } from './lease';
import { parseEntries, parseStreamsReply, type StreamEntry } from './stream-reply';
import { readQueueStats, readQueueStatsMany } from './stats';
import type { Delivery, JobResult, QueueStats } from './types';

/** The connection of readMany's blocking XREADGROUP, and the one of waitForAnyWork's XREAD. */
const GROUP_READER = 'read';
const WAIT_READER = 'wait';

/** What the consumer reports besides returning jobs (the worker turns these into metrics). */
export interface ConsumerEvents {
  /** A job taken again after its worker held it past the visibility timeout. */
  onRedelivery?(streamKey: string, jobId: string, deliveryCount: number): void;
  /** A job moved to the dead-letter stream; its caller got an error reply. */
  onDeadLetter?(streamKey: string, jobId: string, reason: string): void;
  /** A job whose deadline passed before it was read; answered DEADLINE_EXCEEDED, not returned. */
  onExpired?(streamKey: string, jobId: string): void;
  /** Jobs taken over from a worker whose lease lapsed (it crashed or froze). */
  onTakeover?(streamKey: string, deadConsumer: string, jobs: number): void;
  /** A job dropped uncomputed because its gateway is gone (nobody waits for the answer). */
  onOrphaned?(streamKey: string, jobId: string): void;
}

/** Options of a JobConsumer. */
export interface JobConsumerOptions {
  /** Redis URL, or a full target (Sentinel, TLS CA). */
  redisUrl: RedisAddress;
  /** This worker's consumer name in the group (unique per process). */
  consumerId: string;
  logger: Logger;
  /** Consumer group; default "workers". */
  group?: string;
  /**
   * Backstop: a job held this long without an answer is taken by another worker even when its worker's
   * lease is alive (e.g. a stuck call); default 30000. A dead worker's jobs are taken when its lease lapses.
   */
  visibilityTimeoutMs?: number;
  /** This worker's lease; when it lapses (crash, freeze) another worker takes its jobs at once; default 2500. */
  leaseTtlMs?: number;
  /** How often the lease is renewed; default 1000. */
  leaseRenewMs?: number;
  /** Jobs of a gateway whose lease lapsed this long ago are dropped uncomputed; default 10000. */
  gatewayGraceMs?: number;
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

/**
 * Worker side of the queue. read() takes up to N jobs of one model version (reclaiming jobs of dead
 * workers first), and filters out what must not be computed: jobs over the delivery limit go to the
 * dead-letter stream with an error reply, expired jobs are answered DEADLINE_EXCEEDED. reply(), fail(),
 * release() each change state in one Lua script. readMany() reads every version a worker serves in one
 * blocking command; waitForAnyWork() waits for cold versions' jobs on a second connection.
 */
export class JobConsumer {
  private readonly commands: Redis;
  private readonly readers = new Map<string, Redis>();
  /** CLIENT ID of the group reader's connection (for CLIENT UNBLOCK), and whether a blocking read is out. */
  private groupReaderId: number | undefined;
  private groupReadInFlight = false;
  private readonly groupsReady = new Set<string>();
  private readonly lastReclaimMs = new Map<string, number>();
  private readonly group: string;
  private readonly visibilityTimeoutMs: number;
  private readonly maxDeliveries: number;
  private readonly deadLetterMaxLen: number;
  private readonly replyStreamMaxLen: number;
  private readonly replyTtlMs: number;
  private readonly gatewayGraceMs: number;
  private readonly lease: Lease;
  /** Per stream, the dead consumers already emptied there (the script also removed them from the group). */
  private readonly takenOver = new Map<string, Set<string>>();
  private leaseStarted: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: JobConsumerOptions) {
    this.group = options.group ?? DEFAULT_GROUP;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxDeliveries = options.maxDeliveries ?? 3;
    this.deadLetterMaxLen = options.deadLetterMaxLen ?? 1000;
    this.replyStreamMaxLen = options.replyStreamMaxLen ?? 10_000;
    this.replyTtlMs = options.replyTtlMs ?? 60_000;
    this.gatewayGraceMs = options.gatewayGraceMs ?? 10_000;
    this.commands = connectRedis(options.redisUrl, `maas-worker-${options.consumerId}`, options.logger);
    this.lease = new Lease(this.commands, {
      kind: 'worker',
      member: options.consumerId,
      ttlMs: options.leaseTtlMs ?? 2500,
      renewMs: options.leaseRenewMs ?? 1000,
      gatewayGraceMs: this.gatewayGraceMs,
      logger: options.logger,
      thread: { redisOptions: redisTargetOptions(options.redisUrl) },
      onRedisChanged: () => {
        // Groups (and the jobs in them) may be gone: create them again on the next read.
        this.groupsReady.clear();
        this.takenOver.clear();
      },
    });
  }

  /** Connects and takes this worker's lease (read() does it on first use too). */
  start(): Promise<void> {
    this.leaseStarted ??= ensureConnected(this.commands).then(
      () => this.lease.start(),
      (err: unknown) => {
        this.leaseStarted = undefined;
        throw err;
      },
    );
    return this.leaseStarted;
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
    const got = await this.readMany([{ model, version, maxCount }], blockMs);
    return got.get(keys.jobs(model, version)) ?? [];
  }

  /**
   * read() for several model versions in one blocking command (one connection, one loop per worker): up to each
   * version's maxCount jobs (XREADGROUP's COUNT is per stream, so a read asks each stream for the largest maxCount;
   * a version may get more than its own maxCount — the caller runs them in turns). Dead workers' and timed-out
   * jobs are taken first, without blocking. Keyed by stream; versions without jobs are absent.
   */
  async readMany(versions: ReadonlyArray<{ model: string; version: number; maxCount: number }>, blockMs: number): Promise<Map<string, Delivery[]>> {
    const out = new Map<string, Delivery[]>();
    if (versions.length === 0) return out;
    const streams = versions.map((v) => ({ key: keys.jobs(v.model, v.version), maxCount: Math.max(1, v.maxCount) }));
    const what = versions.length === 1 ? `read jobs of ${versions[0]!.model} v${versions[0]!.version}` : `read jobs of ${versions.length} model versions`;
    try {
      await ensureConnected(this.commands);
      await this.start();
      for (const { key } of streams) await this.ensureGroup(key);
      const taken = new Map<string, Array<{ entry: StreamEntry; redisDeliveries: number }>>();
      let early = 0;
      for (const { key, maxCount } of streams) {
        const claimed = await this.takeOverDead(key, maxCount);
        if (claimed.length < maxCount) claimed.push(...(await this.reclaim(key, maxCount - claimed.length)));
        if (claimed.length > 0) taken.set(key, claimed);
        early += claimed.length;
      }
      if (!this.closed) {
        const wanting = streams.filter(({ key, maxCount }) => (taken.get(key)?.length ?? 0) < maxCount);
        const count = Math.max(0, ...wanting.map(({ key, maxCount }) => maxCount - (taken.get(key)?.length ?? 0)));
        const block = early > 0 || blockMs <= 0 ? [] : ['BLOCK', Math.max(1, Math.round(blockMs))];
        if (wanting.length > 0) {
          for (const [key, entries] of await this.readNew(wanting.map((w) => w.key), count, block)) {
            const list = taken.get(key) ?? [];
            for (const entry of entries) list.push({ entry, redisDeliveries: 1 });
            taken.set(key, list);
          }
        }
      }
      for (const [key, entries] of taken) {
        const deliveries: Delivery[] = [];
        for (const { entry, redisDeliveries } of entries) {
          const delivery = await this.accept(key, entry, redisDeliveries);
          if (delivery) deliveries.push(delivery);
        }
        if (deliveries.length > 0) out.set(key, deliveries.sort((a, b) => b.job.priority - a.job.priority));
      }
      return out;
    } catch (err) {
      if (isNoGroupError(err)) for (const { key } of streams) this.groupsReady.delete(key);
      throw asQueueError(err, what);
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
   * reply() for a whole batch in one round trip. The jobs of one stream whose gateways read batch replies
   * are answered by one script call (scripts/reply-batch.lua: one reply entry per gateway, one XACK, one
   * XDEL); the others each by their own reply.lua call, in the same pipelined write. Resolves with each
   * job's error, or undefined when it was answered.
   */
  async replyAll(answers: ReadonlyArray<{ delivery: Delivery; result: JobResult }>): Promise<Array<MaasError | undefined>> {
    if (answers.length === 1) {
      const [only] = answers;
      return [await this.reply(only!.delivery, only!.result).then(() => undefined, (err: unknown) => err as MaasError)];
    }
    const calls = planReplies(answers);
    const pipeline = this.commands.pipeline();
    for (const call of calls) {
      if (call.length === 1) pipeline.maasReply(...this.replyArgs(answers[call[0]!]!.delivery, answers[call[0]!]!.result));
      else pipeline.maasReplyBatch(...this.replyBatchArgs(call.map((i) => answers[i]!)));
    }
    let replies: Array<[Error | null, unknown]>;
    try {
      replies = (await pipeline.exec()) ?? [];
    } catch (err) {
      const error = asQueueError(err, `reply to ${answers.length} jobs`);
      return answers.map(() => error);
    }
    const errors: Array<MaasError | undefined> = answers.map(() => undefined);
    calls.forEach((call, c) => {
      const err = replies[c]?.[0] ?? (replies[c] ? null : new Error('no reply from Redis'));
      if (!err) return;
      for (const i of call) errors[i] = asQueueError(err, call.length === 1 ? `reply to job ${answers[i]!.delivery.job.id}` : `reply to a batch of ${call.length} jobs`);
    });
    return errors;
  }

  /** KEYS and ARGV of scripts/reply-batch.lua for jobs of one stream (in answer order per gateway). */
  private replyBatchArgs(answers: ReadonlyArray<{ delivery: Delivery; result: JobResult }>): Array<string | number | Buffer> {
    const byGateway = new Map<string, JobResult[]>();
    for (const { delivery, result } of answers) {
      const list = byGateway.get(delivery.replyTo);
      if (list) list.push(result);
      else byGateway.set(delivery.replyTo, [result]);
    }
    const args: Array<string | number | Buffer> = [1 + byGateway.size, answers[0]!.delivery.streamKey, ...byGateway.keys()];
    args.push(this.group, this.replyStreamMaxLen, this.replyTtlMs, answers.length);
    for (const { delivery } of answers) args.push(delivery.entryId);
    for (const results of byGateway.values()) {
      const { header, data } = encodeResults(results);
      args.push(header, data);
    }
    return args;
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

  /** stats() of several versions in one round trip, in their order. */
  async statsMany(versions: ReadonlyArray<{ model: string; version: number }>): Promise<QueueStats[]> {
    return readQueueStatsMany(this.commands, this.group, versions);
  }

  /**
   * Waits (up to blockMs) until the version has a job no worker took yet, without taking it: a worker loads
   * a version's session before it reads the version's jobs, so a slow load holds no job. Resolves true when
   * work is waiting.
   */
  async waitForWork(model: string, version: number, blockMs: number): Promise<boolean> {
    return (await this.waitForAnyWork([{ model, version }], blockMs)).length > 0;
  }

  /**
   * waitForWork() for several versions in one blocking command (on a connection of its own, beside readMany's):
   * the stream keys among them with a job waiting, [] when none arrived within blockMs.
   */
  async waitForAnyWork(versions: ReadonlyArray<{ model: string; version: number }>, blockMs: number): Promise<string[]> {
    if (versions.length === 0) return [];
    const streamKeys = versions.map((v) => keys.jobs(v.model, v.version));
    try {
      await ensureConnected(this.commands);
      await this.start();
      for (const key of streamKeys) await this.ensureGroup(key);
      const stats = await readQueueStatsMany(this.commands, this.group, versions);
      const waiting = streamKeys.filter((_, i) => stats[i]!.waiting > 0);
      if (waiting.length > 0) return waiting;
      const reader = await this.reader(WAIT_READER);
      // Plain XREAD (no group): blocks until an entry newer than each stream's newest at the reading arrives
      // (from that id, not '$': a job added between the reading and this read still wakes it), takes nothing.
      const reply = await reader.callBuffer('XREAD', 'COUNT', 1, 'BLOCK', Math.max(1, Math.round(blockMs)), 'STREAMS', ...streamKeys, ...stats.map((s) => s.newestEntryId || '0-0'));
      return [...parseStreamsReply(reply)].filter(([, entries]) => entries.length > 0).map(([key]) => key);
    } catch (err) {
      throw asQueueError(err, versions.length === 1 ? `wait for jobs of ${versions[0]!.model} v${versions[0]!.version}` : `wait for jobs of ${versions.length} model versions`);
    }
  }

  /** Closes every connection; a read blocked right now rejects. A graceful close gives up the lease at once. */
  async close(): Promise<void> {
    this.closed = true;
    await this.lease.stop(true);
    for (const reader of this.readers.values()) reader.disconnect();
    this.readers.clear();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  private async requeue(delivery: Delivery, attempts: number): Promise<void> {
    try {
      await this.commands.maasRequeue(delivery.streamKey, this.group, delivery.entryId, Math.max(0, attempts));
    } catch (err) {
      throw asQueueError(err, `requeue job ${delivery.job.id}`);
    }
  }

  /**
   * Ends the blocked reads (readMany's and waitForAnyWork's) at once instead of at the end of their block, so a
   * worker changes what it reads, stops, or drains without waiting for them. readMany's XREADGROUP is ended with
   * CLIENT UNBLOCK (it returns as a timeout, empty): closing its connection instead could lose a delivery Redis
   * made just then (entries pending on this consumer that it never saw). waitForAnyWork's XREAD takes nothing,
   * so its connection is simply closed (the wait rejects).
   */
  abortReads(): void {
    const wait = this.readers.get(WAIT_READER);
    if (wait) {
      this.readers.delete(WAIT_READER);
      wait.disconnect();
    }
    this.unblockGroupRead(0);
  }

  /** CLIENT UNBLOCK of the group reader; a read sent but not yet blocked on the server is tried again shortly. */
  private unblockGroupRead(attempt: number): void {
    const id = this.groupReaderId;
    if (!this.groupReadInFlight || id === undefined) return;
    this.commands.client('UNBLOCK', id).then(
      (unblocked) => {
        if (Number(unblocked) === 0 && attempt < 20 && this.groupReadInFlight) setTimeout(() => this.unblockGroupRead(attempt + 1), 5).unref();
      },
      () => {
        // Redis away: the read fails on its own.
      },
    );
  }

  private async reader(name: string): Promise<Redis> {
    let reader = this.readers.get(name);
    if (!reader) {
      const created = connectRedis(this.options.redisUrl, `maas-worker-${this.consumerId}-${name}`, this.options.logger);
      if (name === GROUP_READER) {
        // Its id (for CLIENT UNBLOCK) changes with every reconnect.
        created.on('ready', () => {
          this.groupReaderId = undefined;
          created.client('ID').then((id) => (this.groupReaderId = Number(id)), () => undefined);
        });
        created.on('close', () => (this.groupReaderId = undefined));
      }
      this.readers.set(name, (reader = created));
    }
    await ensureConnected(reader);
    if (name === GROUP_READER && this.groupReaderId === undefined) this.groupReaderId = Number(await reader.client('ID'));
    return reader;
  }

  /** XREADGROUP of new entries of several streams; a group Redis lost (restart) is created again and the read retried once. */
  private async readNew(streamKeys: readonly string[], count: number, block: Array<string | number>): Promise<Map<string, StreamEntry[]>> {
    const reader = await this.reader(GROUP_READER);
    const once = async (): Promise<Map<string, StreamEntry[]>> => {
      this.groupReadInFlight = block.length > 0;
      try {
        const reply = await reader.callBuffer('XREADGROUP', 'GROUP', this.group, this.consumerId, 'COUNT', count, ...block, 'STREAMS', ...streamKeys, ...streamKeys.map(() => '>'));
        return parseStreamsReply(reply);
      } finally {
        this.groupReadInFlight = false;
      }
    };
    try {
      return await once();
    } catch (err) {
      if (!isNoGroupError(err)) throw err;
      this.options.logger.warn({ streams: streamKeys.length }, 'consumer group missing (Redis restarted or was emptied); creating it again');
      for (const key of streamKeys) {
        this.groupsReady.delete(key);
        await this.ensureGroup(key);
      }
      return once();
    }
  }

  /** Takes the jobs that workers with a lapsed lease (crashed, frozen) hold on this stream. */
  private async takeOverDead(streamKey: string, maxCount: number): Promise<Array<{ entry: StreamEntry; redisDeliveries: number }>> {
    const dead = this.lease.last?.expiredWorkers ?? [];
    if (dead.length === 0) {
      this.takenOver.delete(streamKey);
      return [];
    }
    let done = this.takenOver.get(streamKey);
    if (!done) this.takenOver.set(streamKey, (done = new Set()));
    for (const name of done) if (!dead.includes(name)) done.delete(name);
    const out: Array<{ entry: StreamEntry; redisDeliveries: number }> = [];
    for (const consumer of dead) {
      if (done.has(consumer) || out.length >= maxCount) continue;
      const want = maxCount - out.length;
      const reply = await this.commands.maasClaimDeadBuffer(streamKey, keys.workerLeases, this.group, consumer, this.consumerId, want);
      const [rawEntries, counts] = Array.isArray(reply) ? (reply as [unknown, unknown]) : [[], []];
      const entries = parseEntries(rawEntries).filter(([, fields]) => fields.length > 0);
      const deliveries = Array.isArray(counts) ? (counts as unknown[]).map(Number) : [];
      if (entries.length < want) done.add(consumer);
      if (entries.length === 0) continue;
      this.options.logger.warn({ streamKey, deadConsumer: consumer, jobs: entries.length }, 'took over the jobs of a worker whose lease lapsed');
      this.options.events?.onTakeover?.(streamKey, consumer, entries.length);
      entries.forEach((entry, i) => out.push({ entry, redisDeliveries: deliveries[i] ?? 2 }));
    }
    return out;
  }

  /**
   * True when the gateway waiting on `replyTo` is gone: its lease lapsed longer ago than the grace period, or it
   * has no lease at all and the job is older than the grace (heartbeats delete the leases of gateways gone that
   * long). A younger job without a lease is computed: its gateway may not have written one yet (Redis was just
   * emptied or replaced, and its next beat is still to come).
   */
  private async gatewayGone(replyTo: string, enqueuedUnixMs: number): Promise<boolean> {
    const view = this.lease.last;
    const cached = view?.gateways.get(replyTo);
    const redisNow = Date.now() - (view?.clockOffsetMs ?? 0);
    if (cached !== undefined && cached + this.gatewayGraceMs > redisNow) return false;
    // Not seen at the last beat (a gateway newer than it), or expired there: ask Redis now.
    const score = await this.commands.zscore(keys.gatewayLeases, replyTo);
    if (score === null) return Date.now() - enqueuedUnixMs >= this.gatewayGraceMs;
    return Number(score) + this.gatewayGraceMs < redisNow;
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
    // A backstop only (dead workers' jobs are taken through their leases): a quarter timeout, at most 10 s.
    if (now - (this.lastReclaimMs.get(streamKey) ?? 0) < Math.min(10_000, this.visibilityTimeoutMs / 4)) return [];
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
    const { job, replyTo, enqueuedUnixMs, attempts, batchReplies } = decoded;
    const deliveryCount = attempts + redisDeliveries;
    if (redisDeliveries > 1) this.options.events?.onRedelivery?.(streamKey, job.id, deliveryCount);
    if (deliveryCount > this.maxDeliveries) {
      const reason = `delivered ${deliveryCount - 1} times without an answer (a worker crashed or hung on it)`;
      await this.deadLetter(streamKey, entryId, job.id, replyTo, reason);
      return undefined;
    }
    if (await this.gatewayGone(replyTo, enqueuedUnixMs)) {
      this.options.logger.info({ jobId: job.id, model: job.model, version: job.version, replyTo }, 'job of a gateway that is gone; dropping it uncomputed');
      await this.commands.maasDrop(streamKey, this.group, entryId);
      this.options.events?.onOrphaned?.(streamKey, job.id);
      return undefined;
    }
    if (job.deadlineUnixMs > 0 && job.deadlineUnixMs <= Date.now()) {
      this.options.logger.info({ jobId: job.id, model: job.model, version: job.version, lateMs: Date.now() - job.deadlineUnixMs }, 'job expired before it was computed; skipping it');
      this.options.events?.onExpired?.(streamKey, job.id);
      const result: JobResult = { jobId: job.id, ok: false, code: GrpcStatus.DEADLINE_EXCEEDED, message: `job ${job.id} expired in the queue before a worker could run it`, workerId: this.consumerId };
      await this.reply({ entryId, streamKey, job, replyTo, enqueuedUnixMs, deliveryCount }, result);
      return undefined;
    }
    return { entryId, streamKey, job, replyTo, enqueuedUnixMs, deliveryCount, batchReplies };
  }

  private async deadLetter(streamKey: string, entryId: string, jobId: string, replyTo: string, reason: string, code: number = GrpcStatus.INTERNAL): Promise<void> {
    const { model, version } = parseJobsKey(streamKey) ?? { model: 'unknown', version: 0 };
    const message = `job ${jobId} of ${model} v${version} moved to the dead-letter stream: ${reason}`;
    const reply: JobResult = { jobId, ok: false, code, message, workerId: this.consumerId };
    this.options.logger.warn({ jobId, streamKey, reason }, 'job dead-lettered');
    try {
      await this.commands.maasDeadLetter(
        streamKey, deadLettersOf(streamKey), replyTo,
        this.group, entryId, reason, this.deadLetterMaxLen, encodeResult(reply).header, this.replyStreamMaxLen, this.replyTtlMs, Date.now(),
      );
    } catch (err) {
      throw asQueueError(err, `dead-letter job ${jobId}`);
    }
    this.options.events?.onDeadLetter?.(streamKey, jobId, reason);
  }
}

/**
 * How replyAll answers a list of jobs: each call is a list of answer indexes. Jobs of one stream whose
 * gateways read batch replies share one reply-batch call (when there are two or more); every other job
 * gets a reply call of its own.
 */
export function planReplies(answers: ReadonlyArray<{ delivery: Pick<Delivery, 'streamKey' | 'batchReplies'> }>): number[][] {
  const calls: number[][] = [];
  const batches = new Map<string, number[]>();
  answers.forEach(({ delivery }, i) => {
    if (!delivery.batchReplies) {
      calls.push([i]);
      return;
    }
    const batch = batches.get(delivery.streamKey);
    if (batch) batch.push(i);
    else batches.set(delivery.streamKey, [i]);
  });
  calls.push(...batches.values());
  return calls;
}
