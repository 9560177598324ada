import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@maas/errors';
import { loadPolicyFile, loadScalerDocument, parsePolicyDocument, parseScalerDocument, POLICY_DEFAULTS } from './policy';

describe('scaler policy', () => {
  it('fills defaults, names the Deployment after the pool, and accepts the map form', () => {
    const [cpu] = parsePolicyDocument({ pools: { cpu: { models: ['ocr-cls'] } } });
    expect(cpu).toEqual({ name: 'cpu', deployment: 'maas-worker-cpu', models: ['ocr-cls'], ...POLICY_DEFAULTS });
  });

  it('accepts the list form with every field', () => {
    const pools = parsePolicyDocument({
      pools: [
        {
          name: 'gpu',
          deployment: 'maas-gpu',
          models: ['*'],
          minReplicas: 1,
          maxReplicas: 4,
          targetBacklogDrainSeconds: 5,
          maxQueueWaitMs: 250,
          scaleUpStabilizationSeconds: 10,
          scaleDownStabilizationSeconds: 600,
          cooldownSeconds: 0,
          jobsPerWorkerPerSecond: 120.5,
        },
      ],
    });
    expect(pools[0]).toMatchObject({ name: 'gpu', deployment: 'maas-gpu', models: ['*'], maxReplicas: 4, jobsPerWorkerPerSecond: 120.5 });
  });

  const bad: [string, unknown, RegExp][] = [
    ['no pools', {}, /expected \{"pools"/],
    ['a typo in a field', { pools: { cpu: { models: ['m'], maxReplica: 3 } } }, /unknown field "maxReplica"/],
    ['min above max', { pools: { cpu: { models: ['m'], minReplicas: 5, maxReplicas: 2 } } }, /minReplicas=5 is above maxReplicas=2/],
    ['a fractional replica count', { pools: { cpu: { models: ['m'], maxReplicas: 2.5 } } }, /maxReplicas=2.5: expected a number > 0 \(integer\)/],
    ['maxReplicas 0', { pools: { cpu: { models: ['m'], maxReplicas: 0 } } }, /maxReplicas=0/],
    ['no models', { pools: { cpu: {} } }, /models=undefined: expected a non-empty list/],
    ['a bad pool name', { pools: { CPU_1: { models: ['m'] } } }, /pool name must be a DNS label/],
    ['a string number', { pools: { cpu: { models: ['m'], cooldownSeconds: '30' } } }, /cooldownSeconds="30"/],
    ['two pools on one Deployment', { pools: { a: { models: ['m'], deployment: 'w' }, b: { models: ['n'], deployment: 'w' } } }, /two pools have deployment "w"/],
  ];
  it.each(bad)('rejects %s with a message naming it', (_name, doc, message) => {
    expect(() => parsePolicyDocument(doc)).toThrow(ConfigError);
    expect(() => parsePolicyDocument(doc)).toThrow(message);
  });

  it('reads the signals pools (backlog published for KEDA) beside the scaled pools, in both forms', () => {
    expect(parseScalerDocument({ pools: { cpu: { models: ['m'] } } }).signals).toEqual([]);
    const doc = parseScalerDocument({ pools: [], signals: { gpu: { models: ['ocr', 'det'] } } });
    expect(doc).toEqual({ pools: [], signals: [{ name: 'gpu', models: ['ocr', 'det'] }] });
    expect(parseScalerDocument({ pools: {}, signals: [{ name: 'all', models: ['*'] }] }).signals).toEqual([{ name: 'all', models: ['*'] }]);
  });

  const badSignals: [string, unknown, RegExp][] = [
    ['signals that are a string', { pools: {}, signals: 'gpu' }, /"signals" must be/],
    ['a signals pool without models', { pools: {}, signals: { gpu: {} } }, /signals of pool "gpu": models=undefined/],
    ['a typo in a signals pool', { pools: {}, signals: { gpu: { models: ['m'], stream: 'x' } } }, /unknown field "stream"/],
    ['a pool both scaled and signalled', { pools: { gpu: { models: ['m'] } }, signals: { gpu: { models: ['m'] } } }, /pool "gpu" is listed twice/],
    ['a bad signals pool name', { pools: {}, signals: { GPU: { models: ['m'] } } }, /pool name must be a DNS label/],
  ];
  it.each(badSignals)('rejects %s', (_name, doc, message) => {
    expect(() => parseScalerDocument(doc)).toThrow(ConfigError);
    expect(() => parseScalerDocument(doc)).toThrow(message);
  });

  it('names the file when it cannot be read or parsed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaler-policy-'));
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, '{"pools": ');
    expect(() => loadPolicyFile(file)).toThrow(`MAAS_SCALER_POLICY_FILE=${file}`);
    expect(() => loadPolicyFile(path.join(dir, 'missing.json'))).toThrow(/cannot read MAAS_SCALER_POLICY_FILE/);
    fs.writeFileSync(file, JSON.stringify({ pools: {}, signals: { gpu: { models: [] } } }));
    expect(() => loadScalerDocument(file)).toThrow(`MAAS_SCALER_POLICY_FILE=${file}`);
    fs.rmSync(dir, { recursive: true });
  });
});
