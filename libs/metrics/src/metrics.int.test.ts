import { Counter, Histogram, LATENCY_BUCKETS_SECONDS, createMetricsRegistry, startMetricsServer } from './index';

/** A strict-enough check of the Prometheus text exposition format (0.0.4); Prometheus parses NaN case-insensitively. */
function assertExpositionFormat(text: string): void {
  const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|[Nn]a[Nn]|\+Inf|-Inf)( -?\d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    expect(line).toMatch(sample);
  }
}

describe('metrics server', () => {
  it('serves valid exposition format with process metrics and ours', async () => {
    const registry = createMetricsRegistry('test');
    const c = new Counter({ name: 'maas_test_requests_total', help: 'x', labelNames: ['model'], registers: [registry] });
    const h = new Histogram({ name: 'maas_test_duration_seconds', help: 'x', buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] });
    c.inc({ model: 'a"b' });
    h.observe(0.003);
    const server = await startMetricsServer(registry, 0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      assertExpositionFormat(text);
      expect(text).toContain('maas_test_requests_total{model="a\\"b",maas_service="test"} 1');
      expect(text).toContain('maas_test_duration_seconds_bucket{le="0.005",maas_service="test"} 1');
      expect(text).toMatch(/^maas_build_info\{version="0\.1\.0",node_version="v[\d.]+",git_commit="[^"]*",maas_service="test"\} 1$/m);
      expect(text).not.toMatch(/[{,]service="/); // prometheus-operator's target label
      expect(text).toMatch(/^process_cpu_user_seconds_total/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes/m);
      expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
