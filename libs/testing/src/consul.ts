import { freePort, waitFor } from './ports';
import { startProcess, type ManagedProcess } from './process';
import { toolPath } from './tools';

/** A real Consul dev agent on free loopback ports. */
export interface ConsulHandle {
  readonly url: string;
  /** https://127.0.0.1:<port> when started with `https`, else "". */
  readonly httpsUrl: string;
  readonly httpPort: number;
  process: ManagedProcess;
  /** Kills the agent (SIGKILL) and starts a fresh one on the same ports: all state is gone, as in a real restart of a dev agent. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

async function leaderElected(httpPort: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/v1/status/leader`);
  const body = (await res.json()) as string;
  return res.ok && body !== '';
}

/** Options of a test Consul agent. */
export interface ConsulOptions {
  /** Its gRPC health checks show this client pair (enable_agent_tls_for_checks), for services serving mutual TLS. */
  checkTls?: { ca: string; cert: string; key: string };
  /** Also serve the HTTP API over https with this pair. */
  https?: { ca: string; cert: string; key: string };
  /** ACLs on with default deny; this is the bootstrap (master) token. */
  aclMasterToken?: string;
}

/** Starts `consul agent -dev` bound to 127.0.0.1 and waits for a leader. */
export async function startConsul(options: ConsulOptions = {}): Promise<ConsulHandle> {
  const pair = options.checkTls ?? options.https;
  const tlsArgs = pair ? ['-hcl', `ca_file = "${pair.ca}"`, '-hcl', `cert_file = "${pair.cert}"`, '-hcl', `key_file = "${pair.key}"`] : [];
  if (options.checkTls) tlsArgs.push('-hcl', 'enable_agent_tls_for_checks = true');
  const httpsPort = options.https ? await freePort() : 0;
  if (options.https) tlsArgs.push('-hcl', `ports { https = ${httpsPort} }`);
  if (options.aclMasterToken) tlsArgs.push('-hcl', `acl { enabled = true, default_policy = "deny", tokens { master = "${options.aclMasterToken}" } }`);
  const bin = toolPath('consul');
  const pickPorts = async (): Promise<Record<'http' | 'grpc' | 'serfLan' | 'serfWan' | 'server', number>> =>
    ({ http: await freePort(), grpc: await freePort(), serfLan: await freePort(), serfWan: await freePort(), server: await freePort() });
  let ports = await pickPorts();
  const launch = async (): Promise<ManagedProcess> => {
    const proc = startProcess(
      bin,
      [
        'agent', '-dev', '-bind', '127.0.0.1', '-client', '127.0.0.1', '-log-level', 'warn',
        '-http-port', String(ports.http), '-grpc-port', String(ports.grpc), '-dns-port', '-1',
        '-serf-lan-port', String(ports.serfLan), '-serf-wan-port', String(ports.serfWan), '-server-port', String(ports.server),
        ...tlsArgs,
      ],
      { name: 'consul' },
    );
    try {
      await waitFor(() => leaderElected(ports.http), 15_000, 'Consul leader');
    } catch (err) {
      await proc.kill();
      throw new Error(`${(err as Error).message}\n${proc.log()}`);
    }
    return proc;
  };
  // Another process on the machine may take one of our ports between picking and binding: try fresh ports
  // once more before giving up. A restart() keeps its ports, as a real agent restart would.
  let first: ManagedProcess;
  try {
    first = await launch();
  } catch {
    ports = await pickPorts();
    first = await launch();
  }
  const handle: ConsulHandle = {
    url: `http://127.0.0.1:${ports.http}`,
    httpsUrl: options.https ? `https://127.0.0.1:${httpsPort}` : '',
    httpPort: ports.http,
    process: first,
    async restart(options = {}) {
      await handle.process.kill();
      if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
      handle.process = await launch();
    },
    async stop() {
      await handle.process.kill();
    },
  };
  return handle;
}
