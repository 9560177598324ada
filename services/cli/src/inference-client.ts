import { InferenceClient } from '@maas/client';
import type { ConnectionOptions } from './connection-options';

/** Default gateway gRPC address; $MAAS_GATEWAY_ADDRESS overrides it. */
export const DEFAULT_GATEWAY_ADDRESS = process.env['MAAS_GATEWAY_ADDRESS'] ?? '127.0.0.1:8001';

/** Options every gateway command takes: the address and the shared connection options (key, TLS). */
export interface GatewayOptions extends ConnectionOptions {
  gateway: string;
}

/**
 * The CLI's gateway client: @maas/client's InferenceClient with the command line's address, API key and TLS
 * files (TLS is on with --tls or any of --ca, --cert, --key). Retries follow the SDK's defaults.
 */
export function gatewayClient(o: GatewayOptions): InferenceClient {
  const useTls = Boolean(o.tls || o.ca || o.cert || o.key);
  const tls = useTls
    ? { ...(o.ca ? { caFile: o.ca } : {}), ...(o.cert ? { certFile: o.cert } : {}), ...(o.key ? { keyFile: o.key } : {}), ...(o.tlsServerName ? { serverName: o.tlsServerName } : {}) }
    : undefined;
  return new InferenceClient({ address: o.gateway, ...(o.apiKey ? { apiKey: o.apiKey } : {}), ...(tls ? { tls } : {}) });
}
