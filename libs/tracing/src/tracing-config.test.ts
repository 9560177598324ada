import { loadTracingConfig } from './tracing-config';

describe('loadTracingConfig', () => {
  it('is off without an OTLP endpoint, and on with one (http/protobuf, parent-based always-on by default)', () => {
    expect(loadTracingConfig('maas-gateway', {}).enabled).toBe(false);
    const c = loadTracingConfig('maas-gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(c).toEqual({ enabled: true, serviceName: 'maas-gateway', protocol: 'http/protobuf', sampler: 'parentbased_always_on', samplerRatio: 1, resourceAttributes: {} });
    expect(loadTracingConfig('maas-gateway', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).enabled).toBe(true);
  });

  it('reads the standard variables', () => {
    const c = loadTracingConfig('maas-worker', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'workers-gpu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, k8s.pod.name=w%2D1',
    });
    expect(c).toMatchObject({ serviceName: 'workers-gpu', protocol: 'http/json', sampler: 'parentbased_traceidratio', samplerRatio: 0.25, resourceAttributes: { 'deployment.environment': 'prod', 'k8s.pod.name': 'w-1' } });
    expect(loadTracingConfig('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(loadTracingConfig('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
  });

  it('refuses bad values, naming the variable', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' };
    expect(() => loadTracingConfig('x', { ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is invalid: expected http\/protobuf or http\/json/);
    expect(() => loadTracingConfig('x', { ...endpoint, OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER="sometimes"/);
    expect(() => loadTracingConfig('x', { ...endpoint, OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG="2"/);
    expect(() => loadTracingConfig('x', { ...endpoint, OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER="zipkin"/);
    expect(() => loadTracingConfig('x', { ...endpoint, OTEL_RESOURCE_ATTRIBUTES: 'novalue' })).toThrow(/OTEL_RESOURCE_ATTRIBUTES/);
  });
});
