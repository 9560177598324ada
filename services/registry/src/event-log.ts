import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '@maas/logging';
import { OutOfRangeError } from './errors';
import { readJson, writeJsonAtomic } from './fs-atomic';
import type { EventRecord, RepositoryInfo } from './records';

/** The change without its sequence number (the log assigns it). */
export type NewEvent = Omit<EventRecord, 'seq' | 'unix_ms'>;

/**
 * The append-only event log `<root>/events.jsonl`: every change, one JSON line each, fsynced before the
 * change is acknowledged. It is the audit log (ListAuditLog) and the change feed (Watch): the newest
 * `historyEvents` stay in memory, and a resume token is `<repository epoch>.<seq>`, so a token older than
 * that window, or minted by another repository, is refused with OUT_OF_RANGE.
 */
export class EventLog {
  private readonly recent: EventRecord[] = [];
  private readonly emitter = new EventEmitter();
  private handle: fs.FileHandle | undefined;

  private constructor(
    private readonly file: string,
    private readonly historyEvents: number,
    readonly epoch: string,
    private lastSeqValue: number,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Opens (or creates) the log under `root`, repairing a torn last line left by a crash mid-append. */
  static async open(root: string, historyEvents: number, logger: Logger): Promise<EventLog> {
    const infoFile = path.join(root, 'registry.json');
    let info = await readJson<RepositoryInfo>(infoFile);
    if (!info) {
      info = { format: 1, epoch: randomBytes(6).toString('hex'), created_unix_ms: Date.now() };
      await writeJsonAtomic(infoFile, info);
    }
    const file = path.join(root, 'events.jsonl');
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) {
      logger.warn({ file, bytes: text.length - complete }, 'dropping a torn last line of the event log (crash during append)');
      await fs.truncate(file, Buffer.byteLength(text.slice(0, complete)));
    }
    const events: EventRecord[] = [];
    for (const line of text.slice(0, complete).split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as EventRecord);
      } catch {
        logger.warn({ file }, 'skipping an unreadable event log line');
      }
    }
    const log = new EventLog(file, historyEvents, info.epoch, events.at(-1)?.seq ?? 0);
    log.recent.push(...events.slice(-historyEvents));
    log.handle = await fs.open(file, 'a');
    return log;
  }

  /** Sequence number of the newest event (0 when none). */
  get lastSeq(): number {
    return this.lastSeqValue;
  }

  /** The resume token for a sequence number. */
  token(seq: number): string {
    return `${this.epoch}.${seq}`;
  }

  /** Appends an event durably, then tells the subscribers. Callers serialize appends (the repository mutex). */
  async append(event: NewEvent): Promise<EventRecord> {
    if (!this.handle) throw new Error('event log is closed');
    const record: EventRecord = { seq: this.lastSeqValue + 1, unix_ms: Date.now(), ...event };
    await this.handle.write(`${JSON.stringify(record)}\n`);
    await this.handle.datasync();
    this.lastSeqValue = record.seq;
    this.recent.push(record);
    if (this.recent.length > this.historyEvents) this.recent.splice(0, this.recent.length - this.historyEvents);
    this.emitter.emit('event', record);
    return record;
  }

  /** Every retained event, oldest first (for audit listing and recovery). */
  retained(): readonly EventRecord[] {
    return this.recent;
  }

  /**
   * The sequence number a resume token stands for, checked: empty means "from now"; a token from another
   * repository, from the future, or older than the retained window is OUT_OF_RANGE.
   */
  resumeFrom(token: string): number {
    if (token === '') return this.lastSeqValue;
    const m = /^([0-9a-f]+)\.(\d+)$/.exec(token);
    if (!m || m[1] !== this.epoch) {
      throw new OutOfRangeError(`resume token ${JSON.stringify(token)} does not belong to this registry; re-read state and watch with an empty token`);
    }
    const seq = Number(m[2]);
    const oldest = this.recent[0]?.seq ?? this.lastSeqValue + 1;
    if (seq > this.lastSeqValue || seq < oldest - 1) {
      throw new OutOfRangeError(
        `resume token ${JSON.stringify(token)} is outside the retained history (events ${oldest}..${this.lastSeqValue}); re-read state and watch with an empty token`,
      );
    }
    return seq;
  }

  /** Retained events after `seq`, oldest first. */
  since(seq: number): EventRecord[] {
    return this.recent.filter((e) => e.seq > seq);
  }

  /** Calls `listener` for every event appended from now on; returns the unsubscribe function. */
  subscribe(listener: (event: EventRecord) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
