import type { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from '@maas/logging';
import type { Registry } from '@maas/metrics';
import { serverChannelOptions } from './channel-options';
import { grpcServerMetrics, observabilityInterceptor } from './interceptors';
import { serverCredentials, type TlsFiles } from './tls';

/** Options for a service's gRPC server. */
export interface MaasServerOptions {
  logger: Logger;
  registry: Registry;
  /** Largest request or response message in bytes; default 64 MiB. */
  maxMessageBytes?: number;
  /** Serve TLS (mutual when the files require client certificates); plaintext without. */
  tls?: TlsFiles;
}

/**
 * A grpc-js server with what every maas service needs: grpc.health.v1 (overall status "" plus one per
 * service), server reflection over everything added, metrics and logging interceptors, keepalive and
 * maximum connection age, and a graceful shutdown. Starts NOT_SERVING; call setServing(true) when ready.
 */
export class MaasServer {
  readonly grpcServer: grpc.Server;
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly serviceNames: string[] = [];
  private readonly packageDefinitions: protoLoader.PackageDefinition[] = [];
  private readonly logger: Logger;
  private readonly tls: TlsFiles | undefined;
  private boundPort: number | undefined;
  private closing = false;

  constructor(options: MaasServerOptions) {
    this.logger = options.logger;
    this.tls = options.tls;
    this.grpcServer = new grpc.Server({
      ...serverChannelOptions(options.maxMessageBytes),
      interceptors: [observabilityInterceptor(grpcServerMetrics(options.registry), options.logger)],
    });
    this.health.addToServer(this.grpcServer);
    this.packageDefinitions.push(protoLoader.loadSync(healthProtoPath));
  }

  /**
   * Adds a service. `fullName` is the proto service name (e.g. "inference.GRPCInferenceService"), which is
   * also its health-check name; `packageDefinition` feeds reflection so grpcurl can describe it.
   */
  addService<T extends grpc.UntypedServiceImplementation>(
    fullName: string,
    definition: grpc.ServiceDefinition<T>,
    implementation: T,
    packageDefinition: protoLoader.PackageDefinition,
  ): this {
    this.grpcServer.addService(definition, implementation);
    this.serviceNames.push(fullName);
    this.packageDefinitions.push(packageDefinition);
    this.health.setStatus(fullName, 'NOT_SERVING');
    return this;
  }

  /** Binds host:port (port 0 picks a free one), starts serving RPCs, and returns the bound port. */
  async listen(host: string, port: number): Promise<number> {
    const merged = Object.assign({}, ...this.packageDefinitions) as protoLoader.PackageDefinition;
    new ReflectionService(merged).addToServer(this.grpcServer);
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.grpcServer.bindAsync(`${host}:${port}`, serverCredentials(this.tls), (err, bound) =>
        err ? reject(err) : resolve(bound),
      );
    });
    if (this.tls) this.logTlsRefusals();
    return this.boundPort;
  }

  /**
   * Logs every refused TLS handshake (plaintext, an unknown CA, an expired certificate, none at all) as one
   * warn line. grpc-js does not surface these, so this reaches into its listening HTTP/2 servers; if a grpc-js
   * update renames that field, refusals still happen, only silently.
   */
  private logTlsRefusals(): void {
    const servers = (this.grpcServer as unknown as { http2Servers?: Map<EventEmitter, unknown> }).http2Servers;
    for (const server of servers?.keys() ?? []) {
      server.on('tlsClientError', (err: Error & { code?: string }, socket: { remoteAddress?: string }) => {
        this.logger.warn({ remoteAddress: socket.remoteAddress, code: err.code, err: err.message }, 'TLS connection refused');
      });
    }
  }

  /** The port listen() bound. */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('server is not listening yet');
    return this.boundPort;
  }

  /** Sets health for the server and every service: SERVING once ready, NOT_SERVING while loading or draining. */
  setServing(serving: boolean): void {
    if (this.closing && serving) return;
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    for (const name of this.serviceNames) this.health.setStatus(name, status);
  }

  /**
   * Graceful stop: report NOT_SERVING, stop accepting new calls, let in-flight calls finish within
   * graceMs, then cut what is left.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.setServing(false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn({ graceMs }, 'grace period over; cancelling remaining calls');
        this.grpcServer.forceShutdown();
        resolve();
      }, graceMs);
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
