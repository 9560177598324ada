import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Redis, Result } from 'ioredis';

/** The Lua scripts of src/scripts, each with its number of KEYS. One script = one atomic state change. */
const SCRIPTS = {
  maasEnqueue: { file: 'enqueue.lua', numberOfKeys: 1 },
  // The depth check of a large job (LARGE_JOB_BYTES), sent with EVAL inside the job's MULTI/EXEC (JobProducer).
  maasEnqueueGuard: { file: 'enqueue-guard.lua', numberOfKeys: 1 },
  maasEnqueueBatch: { file: 'enqueue-batch.lua', numberOfKeys: 1 },
  maasReply: { file: 'reply.lua', numberOfKeys: 2 },
  // KEYS vary (the jobs stream + one reply stream per gateway): the first argument is their count.
  maasReplyBatch: { file: 'reply-batch.lua', numberOfKeys: undefined },
  maasRequeue: { file: 'requeue.lua', numberOfKeys: 1 },
  maasDeadLetter: { file: 'dead-letter.lua', numberOfKeys: 3 },
  maasCancel: { file: 'cancel.lua', numberOfKeys: 1 },
  maasStats: { file: 'stats.lua', numberOfKeys: 2 },
  maasDrop: { file: 'drop.lua', numberOfKeys: 1 },
  maasHeartbeat: { file: 'heartbeat.lua', numberOfKeys: 3 },
  maasClaimDead: { file: 'claim-dead.lua', numberOfKeys: 2 },
} as const;

type ScriptArg = string | Buffer | number;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    maasEnqueue(...args: ScriptArg[]): Result<string | null, Context>;
    maasEnqueueGuard(...args: ScriptArg[]): Result<number, Context>;
    maasEnqueueBatch(...args: ScriptArg[]): Result<Array<string | null>, Context>;
    maasReply(...args: ScriptArg[]): Result<number, Context>;
    maasReplyBatch(...args: ScriptArg[]): Result<number, Context>;
    maasRequeue(...args: ScriptArg[]): Result<string | null, Context>;
    maasDeadLetter(...args: ScriptArg[]): Result<number, Context>;
    maasCancel(...args: ScriptArg[]): Result<number, Context>;
    maasStats(...args: ScriptArg[]): Result<[number, number, string, number, string], Context>;
    maasDrop(...args: ScriptArg[]): Result<number, Context>;
    maasHeartbeat(...args: ScriptArg[]): Result<[string, number, string[], string[]], Context>;
    maasClaimDeadBuffer(...args: ScriptArg[]): Result<[unknown[], number[]], Context>;
  }
}

// The .lua files stay in src/scripts (tsc does not copy them); from dist/ and from src/ alike they are
// at ../src/scripts relative to this module's folder.
const SCRIPT_DIR = path.resolve(__dirname, '..', 'src', 'scripts');
let sources: Map<string, string> | undefined;

/** The Lua source of one queue script (read once per process), e.g. for a connection in a worker thread. */
export function queueScriptSource(name: keyof typeof SCRIPTS): string {
  sources ??= new Map(Object.values(SCRIPTS).map((s) => [s.file, fs.readFileSync(path.join(SCRIPT_DIR, s.file), 'utf8')]));
  return sources.get(SCRIPTS[name].file)!;
}

/**
 * Jobs with at least this many tensor bytes are enqueued without passing their bytes through Lua, and outside
 * auto-pipelining (JobProducer: a plain XADD and enqueue-guard.lua in one MULTI/EXEC, written as they are).
 * A script's arguments are copied into Lua and back: given 110 KB, even a script that does nothing costs Redis
 * about 0.17 ms of CPU, against 0.06 for a plain XADD of it. And ioredis copies each command into one buffer,
 * then an auto-pipeline concatenates the tick's commands into another, so a large tensor would be copied
 * twice per request, each copy fresh external memory that drives V8 to full (mark-compact) collections.
 */
export const LARGE_JOB_BYTES = 16 * 1024;

/**
 * Commands connectRedis never auto-pipelines: those of a large job's transaction (MULTI is never
 * auto-pipelined by ioredis itself), so that its four commands go out in order, in the turn they are sent,
 * with nothing of an auto-pipeline between them; and the small jobs' enqueue scripts, which JobProducer
 * already gathers per event-loop turn and stream (one call carries every job of the turn), so an
 * auto-pipeline around them would only add its own Pipeline and copy.
 */
export const UNPIPELINED_COMMANDS: readonly string[] = ['xadd', 'eval', 'exec', 'maasEnqueue', 'maasEnqueueBatch'];

/** Registers every queue script on a connection (ioredis defineCommand: EVALSHA with EVAL fallback). */
export function defineQueueCommands(redis: Redis): void {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: queueScriptSource(name as keyof typeof SCRIPTS) });
  }
}
