import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { clientChannelOptions } from './channel-options';
import { PLAINTEXT, type ClientTransport } from './tls';

/** A deadline `ms` from now, for grpc-js call options. */
export function deadlineIn(ms: number): Date {
  return new Date(Date.now() + ms);
}

/** The health-check client class (grpc.health.v1.Health), loaded once. */
let healthClientCtor: grpc.ServiceClientConstructor | undefined;

function healthCtor(): grpc.ServiceClientConstructor {
  if (!healthClientCtor) {
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String, defaults: true })) as unknown as {
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    healthClientCtor = def.grpc.health.v1.Health;
  }
  return healthClientCtor;
}

/** Asks a server's grpc.health.v1 Check for `service` ("" = the whole server) and returns its status string. */
export async function checkHealth(address: string, service = '', timeoutMs = 2000, transport: ClientTransport = PLAINTEXT, peerService = ''): Promise<string> {
  const client = new (healthCtor())(address, transport.credentials, { ...clientChannelOptions(), ...transport.channelOptions(peerService) });
  try {
    return await new Promise<string>((resolve, reject) => {
      client['Check']!({ service }, { deadline: deadlineIn(timeoutMs) }, (err: grpc.ServiceError | null, res?: { status: string | number }) =>
        err ? reject(err) : resolve(String(res?.status)),
      );
    });
  } finally {
    client.close();
  }
}

/** How a client is made: transport (plaintext by default), the peer's service name (checked in its TLS certificate), message limit. */
export interface CreateClientOptions {
  transport?: ClientTransport;
  /** Consul name of the peer (maas-registry, ...): the name its TLS certificate must carry. */
  service?: string;
  maxMessageBytes?: number;
}

/** Creates a client of a generated service class for an address, with the shared channel options. */
export function createClient<C extends grpc.Client>(
  Ctor: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => C,
  address: string,
  options: CreateClientOptions = {},
): C {
  const transport = options.transport ?? PLAINTEXT;
  return new Ctor(address, transport.credentials, { ...clientChannelOptions(options.maxMessageBytes), ...transport.channelOptions(options.service ?? '') });
}

/** Turns a callback-style unary client method into a promise. */
export function callUnary<Req, Res>(
  method: (req: Req, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => grpc.ClientUnaryCall,
  request: Req,
  options: grpc.CallOptions = {},
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    method(request, metadata, options, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
