import { InferenceClient } from '@maas/client';

/** Default gateway gRPC address; $MAAS_GATEWAY_ADDRESS overrides it. */
export const DEFAULT_GATEWAY_ADDRESS = process.env['MAAS_GATEWAY_ADDRESS'] ?? '127.0.0.1:8001';

/** Options every gateway command takes. */
export interface GatewayOptions {
  gateway: string;
  apiKey?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/**
 * The CLI's gateway client: @maas/client's InferenceClient with the command line's address, API key and TLS
 * files (TLS is on when a CA file is given). Retries follow the SDK's defaults.
 */
export function gatewayClient(o: GatewayOptions): InferenceClient {
  const tls = o.caFile || o.certFile ? { ...(o.caFile ? { caFile: o.caFile } : {}), ...(o.certFile ? { certFile: o.certFile } : {}), ...(o.keyFile ? { keyFile: o.keyFile } : {}) } : undefined;
  return new InferenceClient({ address: o.gateway, ...(o.apiKey ? { apiKey: o.apiKey } : {}), ...(tls ? { tls } : {}) });
}
