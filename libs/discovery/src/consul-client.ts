import * as fs from 'node:fs';
import * as https from 'node:https';
import Consul from 'consul';
import { ConfigError } from '@maas/errors';

/** How to reach Consul: its URL (http or https), an ACL token, the CA of its https certificate. */
export interface ConsulAccess {
  consulUrl: string;
  /** ACL token sent as X-Consul-Token on every call; "" = none. */
  consulToken?: string;
  /** PEM CA of Consul's https certificate; "" = the system roots. */
  consulCaFile?: string;
}

/**
 * Creates a consul@2 client for http://127.0.0.1:8500, https://consul:8501, ... An ACL token goes on every
 * request; over https the server's certificate is checked against the CA file (or the system roots).
 */
export function createConsulClient(access: ConsulAccess | string, timeoutMs = 5000): Consul {
  const a: ConsulAccess = typeof access === 'string' ? { consulUrl: access } : access;
  const url = new URL(a.consulUrl);
  const secure = url.protocol === 'https:';
  let ca: Buffer | undefined;
  if (a.consulCaFile) {
    try {
      ca = fs.readFileSync(a.consulCaFile);
    } catch (err) {
      throw new ConfigError(`MAAS_CONSUL_CA_FILE=${a.consulCaFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  return new Consul({
    host: url.hostname,
    port: Number(url.port || (secure ? 443 : 80)),
    secure,
    ...(secure ? { agent: new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) }) } : {}),
    // `timeout` is honoured by the client at run time though its typings omit it.
    defaults: { timeout: timeoutMs, ...(a.consulToken ? { token: a.consulToken } : {}) } as { token?: string },
  });
}
