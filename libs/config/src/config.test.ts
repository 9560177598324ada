import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@maas/errors';
import { boolean, bytes, envName, helpText, list, loadConfig, port, url } from './index';

const spec = {
  grpcPort: port(8101, 'gRPC port'),
  memoryBudgetBytes: bytes(1024, 'budget'),
  authEnabled: boolean(false, 'auth'),
  redisUrl: url('redis://127.0.0.1:6379', 'redis', ['redis:', 'rediss:']),
  workerModels: list(['*'], 'models', /^[a-z0-9*][a-z0-9-]*$/),
};

describe('config', () => {
  it('fills defaults', () => {
    expect(loadConfig(spec, { env: {} })).toEqual({
      grpcPort: 8101, memoryBudgetBytes: 1024, authEnabled: false, redisUrl: 'redis://127.0.0.1:6379', workerModels: ['*'],
    });
  });

  it('reads env vars by their MAAS_ names', () => {
    expect(envName('memoryBudgetBytes')).toBe('MAAS_MEMORY_BUDGET_BYTES');
    const cfg = loadConfig(spec, { env: { MAAS_GRPC_PORT: '9000', MAAS_MEMORY_BUDGET_BYTES: '2GiB', MAAS_AUTH_ENABLED: 'yes', MAAS_WORKER_MODELS: 'a, b-1' } });
    expect(cfg).toMatchObject({ grpcPort: 9000, memoryBudgetBytes: 2 * 2 ** 30, authEnabled: true, workerModels: ['a', 'b-1'] });
  });

  it('rejects every bad value at once, naming the setting and the expected form', () => {
    const run = () => loadConfig(spec, { env: { MAAS_GRPC_PORT: '70000', MAAS_REDIS_URL: 'http://x', MAAS_AUTH_ENABLED: 'maybe', MAAS_MEMORY_BUDGET_BYTES: '12 parsecs' } });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/MAAS_GRPC_PORT="70000" is invalid: expected an integer 0\.\.65535/);
    expect(run).toThrow(/MAAS_REDIS_URL="http:\/\/x" is invalid: expected a URL \(redis:\/\/ or rediss:\/\/\.\.\.\)/);
    expect(run).toThrow(/MAAS_AUTH_ENABLED="maybe" is invalid: expected true or false/);
    expect(run).toThrow(/MAAS_MEMORY_BUDGET_BYTES/);
  });

  it('reads a JSON file, env wins, unknown keys are refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ grpcPort: 7000, workerModels: ['x'], authEnabled: true }));
    expect(loadConfig(spec, { env: { MAAS_GRPC_PORT: '7001' }, file })).toMatchObject({ grpcPort: 7001, workerModels: ['x'], authEnabled: true });
    fs.writeFileSync(file, JSON.stringify({ grpcPrt: 7000 }));
    expect(() => loadConfig(spec, { env: {}, file })).toThrow(/unknown setting "grpcPrt"/);
    fs.writeFileSync(file, '{not json');
    expect(() => loadConfig(spec, { env: {}, file })).toThrow(/cannot read config file/);
  });

  it('documents every setting in help', () => {
    const text = helpText('maas-registry', 'The model registry.', spec);
    for (const key of Object.keys(spec)) expect(text).toContain(envName(key));
    expect(text).toContain('default: 8101');
  });
});
