import { ConfigError } from '@maas/errors';

/** How the process traces, read from the standard OpenTelemetry variables. */
export interface TracingConfig {
  /** False when no OTLP endpoint is set, OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none: no SDK, no cost. */
  enabled: boolean;
  /** OTEL_SERVICE_NAME, else the service's own name (maas-gateway, ...). */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or http/json. */
  protocol: 'http/protobuf' | 'http/json';
  /** OTEL_TRACES_SAMPLER (default parentbased_always_on) and OTEL_TRACES_SAMPLER_ARG (ratio, default 1). */
  sampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  samplerRatio: number;
  /** OTEL_RESOURCE_ATTRIBUTES: key=value,... added to every span's resource. */
  resourceAttributes: Record<string, string>;
}

const SAMPLERS: ReadonlyArray<TracingConfig['sampler']> = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/**
 * Reads the OTEL_* variables (the endpoint ones, OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT / _HEADERS /
 * _TIMEOUT, are read again by the exporter itself). Throws ConfigError naming a bad value.
 */
export function loadTracingConfig(service: string, env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const exporter = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp').trim().toLowerCase();
  if (exporter !== 'otlp' && exporter !== 'none') throw new ConfigError(`OTEL_TRACES_EXPORTER="${exporter}" is invalid: expected otlp or none`);
  const protocol = (env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] || env['OTEL_EXPORTER_OTLP_PROTOCOL'] || 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL="${protocol}" is invalid: expected http/protobuf or http/json (grpc is not supported)`);
  }
  const sampler = (env['OTEL_TRACES_SAMPLER'] || 'parentbased_always_on').trim() as TracingConfig['sampler'];
  if (!SAMPLERS.includes(sampler)) throw new ConfigError(`OTEL_TRACES_SAMPLER="${sampler}" is invalid: expected one of ${SAMPLERS.join(', ')}`);
  const ratioText = env['OTEL_TRACES_SAMPLER_ARG'];
  const samplerRatio = ratioText === undefined || ratioText === '' ? 1 : Number(ratioText);
  if (!(samplerRatio >= 0 && samplerRatio <= 1)) throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG="${ratioText}" is invalid: expected a ratio between 0 and 1`);
  const resourceAttributes: Record<string, string> = {};
  for (const pair of (env['OTEL_RESOURCE_ATTRIBUTES'] ?? '').split(',').filter((p) => p.trim() !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`OTEL_RESOURCE_ATTRIBUTES: "${pair}" is invalid: expected key=value`);
    resourceAttributes[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  const disabled = (env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true';
  return {
    enabled: Boolean(endpoint) && exporter === 'otlp' && !disabled,
    serviceName: env['OTEL_SERVICE_NAME'] || service,
    protocol,
    sampler,
    samplerRatio,
    resourceAttributes,
  };
}
