import type { EventEmitter } from 'node:events';
import type * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from '@maas/logging';
import type { Registry } from '@maas/metrics';
import { DEFAULT_MAX_MESSAGE_BYTES, SERVER_FLOW_CONTROL_WINDOW_BYTES, serverChannelOptions } from './channel-options';
import { FastUnaryRoute, fastPathTakes, type FastUnaryMethod } from './fast-unary';
import { grpcServerMetrics, observabilityInterceptor, type GrpcServerMetrics } from './interceptors';
import { serverCredentials, type TlsFiles } from './tls';

/** Options for a service's gRPC server. */
export interface MaasServerOptions {
  logger: Logger;
  registry: Registry;
  /** Largest request or response message in bytes; default 64 MiB. */
  maxMessageBytes?: number;
  /** Serve TLS (mutual when the files require client certificates); plaintext without. */
  tls?: TlsFiles;
  /** HTTP/2 receive window of each connection and stream, in bytes; default 8 MiB; 0 = HTTP/2's 64 KiB. */
  receiveWindowBytes?: number;
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
  private readonly metrics: GrpcServerMetrics;
  private readonly maxMessageBytes: number;
  private readonly receiveWindowBytes: number;
  private readonly fastRoutes = new Map<string, FastUnaryRoute<unknown, unknown>>();
  private boundPort: number | undefined;
  private closing = false;

  constructor(options: MaasServerOptions) {
    this.logger = options.logger;
    this.tls = options.tls;
    this.metrics = grpcServerMetrics(options.registry);
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.receiveWindowBytes = options.receiveWindowBytes ?? SERVER_FLOW_CONTROL_WINDOW_BYTES;
    this.grpcServer = new grpc.Server({
      ...serverChannelOptions(this.maxMessageBytes),
      interceptors: [observabilityInterceptor(this.metrics, options.logger)],
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

  /**
   * Serves one unary method of an added service on the fast path (fast-unary.ts) as well: calls of that path
   * that the fast path takes are answered there, with the same metrics and limits; the rest still reach the
   * grpc-js handler added with the service. Call before listen().
   */
  addFastUnary<Req, Res>(method: FastUnaryMethod<Req, Res>): this {
    if (this.boundPort !== undefined) throw new Error('addFastUnary must be called before listen()');
    const route = new FastUnaryRoute(method, { maxReceiveBytes: this.maxMessageBytes, maxSendBytes: this.maxMessageBytes, metrics: this.metrics, logger: this.logger });
    this.fastRoutes.set(method.path, route as FastUnaryRoute<unknown, unknown>);
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
    if (this.receiveWindowBytes > 0) this.openReceiveWindows();
    if (this.fastRoutes.size > 0) this.installFastRoutes();
    return this.boundPort;
  }

  /** The grpc-js listening HTTP/2 servers (a private field: see logTlsRefusals). */
  private http2Servers(): EventEmitter[] {
    const servers = (this.grpcServer as unknown as { http2Servers?: Map<EventEmitter, unknown> }).http2Servers;
    return [...(servers?.keys() ?? [])];
  }

  /**
   * Opens the HTTP/2 receive window of every new connection (connection level) and of its streams (the
   * initial window, sent in SETTINGS) to receiveWindowBytes. grpc-js leaves both at HTTP/2's 64 KiB, so a larger
   * request waited half way for a WINDOW_UPDATE.
   */
  private openReceiveWindows(): void {
    const bytes = Math.min(this.receiveWindowBytes, 2 ** 31 - 1);
    for (const server of this.http2Servers()) {
      server.on('session', (session: http2.ServerHttp2Session) => {
        try {
          session.setLocalWindowSize(bytes);
          session.settings({ initialWindowSize: bytes });
        } catch (err) {
          // A session closing as it opens: nothing to widen.
          this.logger.debug({ err: (err as Error).message }, 'could not open the HTTP/2 receive window of a new connection');
        }
      });
    }
  }

  /**
   * Puts the fast routes in front of grpc-js's 'stream' handler on each listening HTTP/2 server. If a grpc-js
   * update changes what this reaches into, the fast path is off (a warn line) and grpc-js serves every call.
   */
  private installFastRoutes(): void {
    const servers = this.http2Servers();
    const withHandler = servers.filter((s) => s.listenerCount('stream') === 1);
    if (servers.length === 0 || withHandler.length !== servers.length) {
      this.logger.warn({ paths: [...this.fastRoutes.keys()] }, 'fast gRPC path not installed (grpc-js internals changed); grpc-js serves these calls');
      return;
    }
    const idle = this.grpcServer as unknown as { onStreamOpened?: (stream: http2.ServerHttp2Stream) => void };
    const onStreamOpened = typeof idle.onStreamOpened === 'function' ? idle.onStreamOpened.bind(this.grpcServer) : undefined;
    for (const server of servers) {
      const grpcJs = server.listeners('stream')[0] as (...args: unknown[]) => void;
      server.removeAllListeners('stream');
      server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) => {
        const route = this.fastRoutes.get(headers[':path'] as string);
        if (route === undefined || !fastPathTakes(headers)) {
          grpcJs(stream, headers, ...rest);
          return;
        }
        // Counts the stream for grpc-js's idle-connection timeout, as its own handler does.
        onStreamOpened?.(stream);
        route.serve(stream, headers);
      });
    }
    this.logger.info({ paths: [...this.fastRoutes.keys()] }, 'fast gRPC path serving');
  }

  /**
   * Logs every refused TLS handshake (plaintext, an unknown CA, an expired certificate, none at all) as one
   * warn line. grpc-js does not surface these, so this reaches into its listening HTTP/2 servers; if a grpc-js
   * update renames that field, refusals still happen, only silently.
   */
  private logTlsRefusals(): void {
    for (const server of this.http2Servers()) {
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
