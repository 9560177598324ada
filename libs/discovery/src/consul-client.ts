import Consul from 'consul';

/** Creates a consul@2 client for a URL such as http://127.0.0.1:8500. */
export function createConsulClient(consulUrl: string, timeoutMs = 5000): Consul {
  const url = new URL(consulUrl);
  return new Consul({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    secure: url.protocol === 'https:',
    // `timeout` is honoured by the client at run time though its typings omit it.
    defaults: { timeout: timeoutMs } as { token?: string },
  });
}
