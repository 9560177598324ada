import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError } from '@maas/errors';
import { clientChannelOptions, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_RETRY_POLICY, type RetryPolicy } from '@maas/grpc-kit';

/** TLS for the connection. PEM contents (`ca`, `cert`, `key`) or files (`caFile`, `certFile`, `keyFile`). */
export interface ClientTlsOptions {
  /** CA bundle that signed the server's certificate; the system roots when neither this nor caFile is set. */
  ca?: string | Buffer;
  caFile?: string;
  /** Client certificate and key, for servers that require mutual TLS (MAAS_TLS_CLIENT_AUTH=require). */
  cert?: string | Buffer;
  certFile?: string;
  key?: string | Buffer;
  keyFile?: string;
  /** Name to check the server's certificate against, when it differs from the address's host. */
  serverName?: string;
}

/** Everything an InferenceClient can be told; only `address` is required. */
export interface InferenceClientOptions {
  /** host:port of the gRPC endpoint (maas gateway: 8001). */
  address: string;
  /** API key, sent as `authorization: Bearer <key>` on every call. */
  apiKey?: string;
  /** TLS: `true` for the system roots, or the CA / client pair to use. Plaintext when unset. */
  tls?: boolean | ClientTlsOptions;
  /** Deadline of a call when the call gives none (default 30000). Retries happen within it. */
  timeoutMs?: number;
  /** Retry policy for retryable statuses (UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED); `{ maxAttempts: 1 }` turns retries off. */
  retry?: Partial<RetryPolicy>;
  /** Keepalive pings: interval (default 60000) and how long to wait for the answer (default 10000). */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  /** Largest message sent or received (default 64 MiB, the gateway's default). */
  maxMessageBytes?: number;
  /** Metadata (headers) sent on every call, e.g. a tenant or a traceparent. */
  metadata?: Record<string, string>;
  /** Extra grpc-js channel options; they win over the ones this client sets. */
  channelOptions?: grpc.ChannelOptions;
}

/** InferenceClientOptions with every default filled in and the values checked. */
export interface CompiledClientOptions {
  address: string;
  credentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions;
  timeoutMs: number;
  retry: RetryPolicy;
  metadata: Readonly<Record<string, string>>;
}

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw new InvalidArgumentError(`InferenceClient option ${name}: expected a number >= ${min}, got ${String(value)}`);
  return v;
}

function pem(name: string, inline: string | Buffer | undefined, file: string | undefined): Buffer | null {
  if (inline !== undefined) return Buffer.isBuffer(inline) ? inline : Buffer.from(inline, 'utf8');
  if (file === undefined) return null;
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new InvalidArgumentError(`InferenceClient option tls.${name}File: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function credentialsFor(tls: InferenceClientOptions['tls']): { credentials: grpc.ChannelCredentials; channelOptions: grpc.ChannelOptions } {
  if (!tls) return { credentials: grpc.credentials.createInsecure(), channelOptions: {} };
  const o: ClientTlsOptions = tls === true ? {} : tls;
  const cert = pem('cert', o.cert, o.certFile);
  const key = pem('key', o.key, o.keyFile);
  if ((cert === null) !== (key === null)) throw new InvalidArgumentError('InferenceClient option tls: a client certificate needs its key and a key its certificate');
  return {
    credentials: grpc.credentials.createSsl(pem('ca', o.ca, o.caFile), key, cert),
    channelOptions: o.serverName ? { 'grpc.ssl_target_name_override': o.serverName, 'grpc.default_authority': o.serverName } : {},
  };
}

/** Fills defaults and validates; throws InvalidArgumentError naming the bad option. */
export function compileClientOptions(options: InferenceClientOptions): CompiledClientOptions {
  if (typeof options.address !== 'string' || !/^.+:\d+$/.test(options.address)) {
    throw new InvalidArgumentError(`InferenceClient option address: expected host:port, got ${JSON.stringify(options.address)}`);
  }
  const retry: RetryPolicy = {
    maxAttempts: Math.floor(positive('retry.maxAttempts', options.retry?.maxAttempts, DEFAULT_RETRY_POLICY.maxAttempts)),
    initialBackoffMs: positive('retry.initialBackoffMs', options.retry?.initialBackoffMs, DEFAULT_RETRY_POLICY.initialBackoffMs, 0),
    maxBackoffMs: positive('retry.maxBackoffMs', options.retry?.maxBackoffMs, DEFAULT_RETRY_POLICY.maxBackoffMs, 0),
    backoffMultiplier: positive('retry.backoffMultiplier', options.retry?.backoffMultiplier, DEFAULT_RETRY_POLICY.backoffMultiplier),
  };
  const metadata: Record<string, string> = { ...options.metadata };
  if (options.apiKey) metadata['authorization'] = `Bearer ${options.apiKey}`;
  const { credentials, channelOptions: tlsOptions } = credentialsFor(options.tls);
  return {
    address: options.address,
    credentials,
    channelOptions: {
      ...clientChannelOptions(positive('maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES)),
      'grpc.keepalive_time_ms': positive('keepaliveTimeMs', options.keepaliveTimeMs, 60_000),
      'grpc.keepalive_timeout_ms': positive('keepaliveTimeoutMs', options.keepaliveTimeoutMs, 10_000),
      ...tlsOptions,
      ...options.channelOptions,
    },
    timeoutMs: positive('timeoutMs', options.timeoutMs, 30_000),
    retry,
    metadata,
  };
}
