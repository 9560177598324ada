import { histogramTotals, renderPipelineShare } from './pipeline-share';

describe('pipeline share', () => {
  const text = [
    '# TYPE maas_gateway_preprocess_seconds histogram',
    'maas_gateway_preprocess_seconds_bucket{le="0.005",maas_service="maas-gateway",model="ocr-cls-pipeline",version="1"} 3',
    'maas_gateway_preprocess_seconds_sum{maas_service="maas-gateway",model="ocr-cls-pipeline",version="1"} 0.012',
    'maas_gateway_preprocess_seconds_count{maas_service="maas-gateway",model="ocr-cls-pipeline",version="1"} 4',
    'maas_gateway_preprocess_seconds_sum{maas_service="maas-gateway",model="other",version="1"} 9',
    'maas_gateway_preprocess_seconds_sum{maas_service="maas-gateway",model="ocr-cls-pipeline",version="2"} 0.008',
  ].join('\n');

  it('adds up sum and count of one model across versions, ignoring buckets and other models', () => {
    const t = histogramTotals(text, 'maas_gateway_preprocess_seconds', 'ocr-cls-pipeline');
    expect(t.sum).toBeCloseTo(0.02, 9);
    expect(t.count).toBe(4);
  });

  it('renders a table row per concurrency with the share in percent', () => {
    const md = renderPipelineShare([{ concurrency: 1, throughputPerSecond: 100, latencyMs: { p50: 5, p90: 6, p99: 9 } as never, errors: 0, preprocessShare: 0.42, meanPreprocessMs: 2, meanPreprocessComputeMs: 0.96, preprocessComputeShare: 0.2, meanEndToEndMs: 4.8 }]);
    expect(md).toContain('| 1 | 100 | 5.00 | 9.00 | 0 | 2.00 | 0.96 | 4.80 | 42% | 20% |');
    expect(renderPipelineShare([])).toBe('');
  });
});
