import * as os from 'node:os';
import { commonSettings, handleCommandLine, loadConfig, type ConfigOf, type SettingsSpec } from '@maas/config';
import { ConsulRegistrar } from '@maas/discovery';
import { MaasServer, TlsFiles, clientTransport, installShutdownHandlers, type ClientTransport } from '@maas/grpc-kit';
import { createLogger, type Logger } from '@maas/logging';
import { activeTraceId, initTracing } from '@maas/tracing';
import { createMetricsRegistry, startMetricsServer, type MetricsServer, type Registry } from '@maas/metrics';
import { pinToCpus } from './cpu-affinity';
import { applyHeapGrowing } from './heap-growing';

/** The settings every service has (ports, addresses, discovery, shutdown grace). */
export type CommonSettings = ReturnType<typeof commonSettings>;
/** A service's full config: the common settings plus its own. */
export type ServiceConfig<S extends SettingsSpec> = ConfigOf<CommonSettings> & ConfigOf<S>;

/** What a service's setup receives: its config, logger, metrics registry and the gRPC server to add to. */
export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  registry: Registry;
  server: MaasServer;
  /** The process's TLS files (MAAS_TLS_*), undefined when TLS is off; for servers outside gRPC (HTTPS). */
  tls: TlsFiles | undefined;
  /** How this process's clients reach their peers: TLS with its certificate when TLS is on, else plaintext. */
  transport: ClientTransport;
}

/** What setup returns: Consul tags/meta, and hooks for readiness and draining. */
export interface ServiceHooks {
  /** Consul tags (version, pool, execution provider ...). */
  tags?: readonly string[];
  meta?: Record<string, string>;
  /** Runs after the ports are bound; the server turns SERVING when it resolves. */
  ready?: () => Promise<void>;
  /** Runs on shutdown after the instance left Consul and reports NOT_SERVING: finish or release in-flight work. */
  drain?: () => Promise<void>;
  /** Runs last: close clients and connections. */
  close?: () => Promise<void>;
}

/** Describes a service process. */
export interface ServiceDefinition<S extends SettingsSpec> {
  /** Consul service name and the command name in help: maas-registry, ... */
  name: string;
  summary: string;
  defaultPorts: { grpcPort: number; metricsPort: number };
  settings: S;
  setup: (ctx: ServiceContext<ServiceConfig<S>>) => Promise<ServiceHooks>;
}

/** A running service (returned so tests can run services in-process). */
export interface RunningService<C> {
  config: C;
  logger: Logger;
  registry: Registry;
  grpcPort: number;
  metricsPort: number;
  server: MaasServer;
  stop(): Promise<void>;
}

/** Merged settings spec of a service, for config loading and --help. */
export function serviceSettings<S extends SettingsSpec>(def: ServiceDefinition<S>): CommonSettings & S {
  return { ...commonSettings(def.defaultPorts), ...def.settings };
}

/**
 * Starts a service: config (validated, fail fast), logger, metrics server, gRPC server with health and
 * reflection, the service's own setup, Consul registration, then SERVING. stop() drains in the order that
 * loses nothing: leave Consul and report NOT_SERVING, drain, close the gRPC server within the grace period,
 * close the rest.
 */
export async function startService<S extends SettingsSpec>(def: ServiceDefinition<S>, env: NodeJS.ProcessEnv = process.env): Promise<RunningService<ServiceConfig<S>>> {
  const spec = serviceSettings(def);
  const config = loadConfig(spec, { env }) as unknown as ServiceConfig<S>;
  const common: ConfigOf<CommonSettings> = config;
  const tracing = initTracing(def.name, env);
  const traceFields = (): Record<string, unknown> => {
    const traceId = activeTraceId();
    return traceId ? { trace_id: traceId } : {};
  };
  const logger = createLogger({ service: def.name, level: common.logLevel, ...(tracing.enabled ? { mixin: traceFields } : {}) });
  // Before anything starts threads of its own (onnxruntime sessions, libuv's pool): they inherit the pinning.
  if (common.cpuAffinity !== '') logger.info({ cpus: pinToCpus(common.cpuAffinity).join(',') }, 'pinned to CPUs (MAAS_CPU_AFFINITY)');
  // Before setup allocates (model bytes, connections): the collections from here on use it.
  applyHeapGrowing(common.heapGrowingPercent);
  if (tracing.enabled) logger.info({ serviceName: tracing.config.serviceName, protocol: tracing.config.protocol, sampler: tracing.config.sampler }, 'tracing on: OTLP export per OTEL_* settings');
  const registry = createMetricsRegistry(def.name, { eventLoopPrecisionMs: common.metricsEventLoopPrecisionMs });
  const tls = TlsFiles.fromSettings(common, logger);
  const transport = clientTransport(tls);
  const server = new MaasServer({ logger, registry, maxMessageBytes: common.maxMessageBytes, receiveWindowBytes: common.grpcReceiveWindowBytes, ...(tls ? { tls } : {}) });
  const hooks = await def.setup({ config, logger, registry, server, tls, transport });
  const metrics: MetricsServer = await startMetricsServer(registry, common.metricsPort, common.bindAddress);
  const grpcPort = await server.listen(common.bindAddress, common.grpcPort);
  let registrar: ConsulRegistrar | undefined;
  if (common.discovery === 'consul') {
    registrar = new ConsulRegistrar({
      consulUrl: common.consulUrl,
      consulToken: common.consulToken,
      consulCaFile: common.consulCaFile,
      checkIntervalMs: common.consulCheckIntervalMs,
      resyncIntervalMs: common.consulResyncIntervalMs,
      tls: tls !== undefined,
      name: def.name,
      id: common.instanceId || `${def.name}-${os.hostname()}-${grpcPort}`,
      address: common.advertiseAddress,
      port: grpcPort,
      tags: hooks.tags ?? [],
      meta: { metricsPort: String(metrics.port), ...hooks.meta },
      logger,
    });
    await registrar.start();
  }
  await hooks.ready?.();
  server.setServing(true);
  logger.info({ grpcPort, metricsPort: metrics.port, heapGrowingPercent: common.heapGrowingPercent, tls: tls ? common.tlsClientAuth === 'require' ? 'mutual' : 'server' : 'off' }, `${def.name} serving`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      server.setServing(false);
      await registrar?.deregister();
      await hooks.drain?.();
      await server.shutdown(common.shutdownGraceMs);
      await hooks.close?.();
      await metrics.close();
      tls?.close();
      await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'tracing: final export failed'));
    })());
  return { config, logger, registry, grpcPort, metricsPort: metrics.port, server, stop };
}

/** The whole main() of a service process: --help, start, stop on SIGTERM/SIGINT. */
export async function runService<S extends SettingsSpec>(def: ServiceDefinition<S>): Promise<void> {
  handleCommandLine(process.argv, def.name, def.summary, serviceSettings(def));
  const running = await startService(def);
  installShutdownHandlers(running.logger, () => running.stop());
}
