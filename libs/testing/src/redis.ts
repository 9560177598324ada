import * as net from 'node:net';
import { freePort, waitFor } from './ports';
import { startProcess, type ManagedProcess } from './process';
import { toolPath } from './tools';

/** A real redis-server on a free loopback port, without persistence. */
export interface RedisHandle {
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
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

/** Starts redis-server (fetched into .tools when missing) and waits until it answers PING. */
export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const proc = startProcess(toolPath('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { name: 'redis' });
  try {
    await waitFor(() => ping(port), 10_000, `redis-server on port ${port}`);
  } catch (err) {
    await proc.kill();
    throw new Error(`${(err as Error).message}\n${proc.log()}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: proc,
    stop: async () => {
      await proc.kill();
    },
  };
}
