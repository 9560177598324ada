import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from './ports';
import { startProcess, type ManagedProcess } from './process';
import { toolPath } from './tools';

/** A real redis-server on a loopback port, without persistence. */
export interface RedisHandle {
  readonly url: string;
  readonly port: number;
  /** The running process (a new one after restart()). */
  readonly process: ManagedProcess;
  stop(): Promise<void>;
  /** SIGKILL, then a new empty redis-server on the same port (what an unpersisted restart does). */
  restart(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function launch(port: number, extraArgs: readonly string[], name: string): Promise<ManagedProcess> {
  // Its own working dir: a replica's full sync writes dump.rdb there even without --save (it was the repo root).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `maas-${name}-data-`));
  const proc = startProcess(toolPath('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extraArgs], { name });
  try {
    await waitFor(() => ping(port), 10_000, `${name} on port ${port}`);
  } catch (err) {
    await proc.kill();
    throw new Error(`${(err as Error).message}\n${proc.log()}`);
  }
  return proc;
}

/** Starts redis-server (fetched into .tools when missing) and waits until it answers PING. */
export async function startRedis(options: { port?: number; args?: readonly string[]; name?: string } = {}): Promise<RedisHandle> {
  const port = options.port ?? (await freePort());
  const name = options.name ?? 'redis';
  let proc = await launch(port, options.args ?? [], name);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get process() {
      return proc;
    },
    stop: async () => {
      await proc.kill();
    },
    restart: async () => {
      await proc.kill();
      proc = await launch(port, options.args ?? [], name);
    },
  };
}

/** A primary, one replica and three sentinels (real redis-server processes) monitoring master `name`. */
export interface SentinelSet {
  readonly masterName: string;
  readonly primary: RedisHandle;
  readonly replica: RedisHandle;
  /** "127.0.0.1:port" of each sentinel. */
  readonly sentinels: string[];
  readonly sentinelProcesses: ManagedProcess[];
  /** The port of the node the sentinels call master now. */
  currentPrimaryPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a Sentinel-managed Redis: failover after `downAfterMs` without an answer from the primary (quorum 2
 * of 3). The sentinels' config files live in a temp folder (Sentinel rewrites them).
 */
export async function startSentinelSet(options: { masterName?: string; downAfterMs?: number } = {}): Promise<SentinelSet> {
  const masterName = options.masterName ?? 'maas';
  const downAfterMs = options.downAfterMs ?? 1000;
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const primary = await startRedis({ name: 'redis-primary' });
    started.push(primary);
    const replica = await startRedis({ name: 'redis-replica', args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    started.push(replica);
    await waitFor(async () => /master_link_status:up/.test(await info(replica.port, 'replication')), 10_000, 'the replica to sync');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-sentinel-'));
    const sentinelProcesses: ManagedProcess[] = [];
    const sentinels: string[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = path.join(dir, `sentinel-${i}.conf`);
      fs.writeFileSync(file, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
        `sentinel failover-timeout ${masterName} 5000`,
        `sentinel parallel-syncs ${masterName} 1`, '',
      ].join('\n'));
      const proc = startProcess(toolPath('redis-server'), [file, '--sentinel'], { name: `sentinel-${i}` });
      sentinelProcesses.push(proc);
      started.push({ stop: () => proc.kill() });
      await waitFor(() => ping(port), 10_000, `sentinel on port ${port}`);
      sentinels.push(`127.0.0.1:${port}`);
    }
    // Every sentinel must know the replica and the other sentinels before a failover can be agreed on.
    await waitFor(async () => {
      for (const s of sentinels) {
        const text = await command(Number(s.split(':')[1]), ['SENTINEL', 'MASTER', masterName]);
        // RESP: a flat array of bulk strings, field then value.
        if (!/num-slaves\r\n\$\d+\r\n1\r\n/.test(text) || !/num-other-sentinels\r\n\$\d+\r\n2\r\n/.test(text)) return false;
      }
      return true;
    }, 20_000, 'the sentinels to discover the replica and each other');
    return {
      masterName, primary, replica, sentinels, sentinelProcesses,
      currentPrimaryPort: async () => {
        const text = await command(Number(sentinels[0]!.split(':')[1]), ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName]);
        return Number(/\$\d+\r\n(\d+)\r\n$/.exec(text)?.[1] ?? 0);
      },
      stop: async () => {
        for (const s of started.reverse()) await s.stop();
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop();
    throw err;
  }
}

/** One RESP command on a fresh socket; resolves with the raw reply text. */
function command(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (d) => {
      out += d.toString();
      // Replies here are small: a short quiet period after data means it is complete.
      clearTimeout((socket as unknown as { t?: NodeJS.Timeout }).t);
      (socket as unknown as { t?: NodeJS.Timeout }).t = setTimeout(() => {
        socket.destroy();
        resolve(out);
      }, 30);
    });
    socket.once('error', () => resolve(out));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(out);
    });
  });
}

function info(port: number, section: string): Promise<string> {
  return command(port, ['INFO', section]);
}
