/**
 * `make bench` itself, shortened: raw ORT and maas (a real stack) for identity and ocr-cls, the floors (a bare
 * gRPC echo, a Redis Streams request/reply), maas's idle CPU and the ocr-cls pipeline share run, through
 * bench/dist/main.js as `make bench` runs it. Checks the JSON it writes is whole (every run measured, no errors,
 * no "not measured" notes), so a change that breaks the benchmark fails CI. Numbers are not asserted: this
 * machine is shared. The peers (Triton, KServe, MLServer: ~1.5 GB of PyPI wheels on a fresh machine) join only
 * with BENCH_E2E_PEERS=1, so CI's time stays within its budget on a machine whose caches are cold; for the same
 * reason the short run drives its targets with the bench's own load generator, not ghz (a Go build).
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@maas/testing';

jest.setTimeout(600_000);

interface BenchJson {
  notes: string[];
  transport: { maasTls: boolean; apiKey: boolean };
  models: Array<{ model: string; raw: { sweep: unknown[] }; runs: Array<{ variant: string; concurrency: number; requests: number; errors: number }>; ratios: { vsPeers: Record<string, { throughput: number | null }> } }>;
  pipelineShare: Array<{ concurrency: number; errors: number; preprocessShare: number; preprocessComputeShare: number }>;
  floors: Array<{ floor: string; model: string; concurrency: number; requests: number; cpuMsPerRequest?: Record<string, number> }>;
  idle: Array<{ server: string; models: number; cpuMsPerSecond: Record<string, number> }>;
}

async function runBench(env: Record<string, string>, args: string[] = []): Promise<{ json: BenchJson; markdown: string; svg: string }> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-'));
  try {
    await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bench/dist/main.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_DURATION_S: '0.5', BENCH_WARMUP_S: '0.2', BENCH_RAW_S: '0.3', BENCH_CONCURRENCY: '8', BENCH_IDLE_S: '1', BENCH_IDLE_MAAS_MODELS: '6', BENCH_LOAD_GENERATOR: 'bench', BENCH_OUT_DIR: outDir, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    const files = fs.readdirSync(outDir);
    const read = (ext: string): string => fs.readFileSync(path.join(outDir, files.find((f) => f.endsWith(ext))!), 'utf8');
    return { json: JSON.parse(read('.json')) as BenchJson, markdown: read('.md'), svg: read('.svg') };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

describe('make bench (short run)', () => {
  it('measures raw and maas for identity and ocr-cls, the floors, idle CPU and the pipeline share, and writes JSON, Markdown and SVG', async () => {
    const { json, markdown, svg } = await runBench({ BENCH_MODELS: 'identity,ocr-cls', BENCH_TARGETS: 'raw,maas,floors,idle,pipeline' });
    expect(json.notes.filter((n) => /not measured|FAILED/.test(n))).toEqual([]);
    for (const name of ['identity', 'ocr-cls']) {
      const model = json.models.find((m) => m.model === name)!;
      expect(model.raw.sweep.length).toBeGreaterThan(0);
      const variants = model.runs.map((r) => `${r.variant}@${r.concurrency}`).sort();
      expect(variants).toEqual([`${name}-batched@1`, `${name}-batched@8`, `${name}-unbatched@1`, `${name}-unbatched@8`].map((v) => v.replace(`${name}-`, 'maas-')).sort());
      for (const run of model.runs) {
        expect(run.requests).toBeGreaterThan(0);
        expect(run.errors).toBe(0);
      }
    }
    expect(json.pipelineShare.map((r) => r.concurrency)).toEqual([1, 8]);
    for (const run of json.pipelineShare) {
      expect(run.errors).toBe(0);
      expect(run.preprocessShare).toBeGreaterThan(0);
      expect(run.preprocessComputeShare).toBeGreaterThan(0);
    }
    // Floors: the gRPC echoes (grpc-js, fast path) and the queue chain at c1 and c8, the Redis request/reply at c1, for each model's request size.
    expect(json.floors.map((f) => `${f.floor}:${f.model}@${f.concurrency}`).sort()).toEqual(
      ['grpc-echo', 'fast-echo', 'queue-chain'].flatMap((f) => ['identity', 'ocr-cls'].flatMap((m) => [`${f}:${m}@1`, `${f}:${m}@8`])).concat(['redis-streams:identity@1', 'redis-streams:ocr-cls@1']).sort(),
    );
    // The chain's three processes are read, and its c1 p50 plus raw's is the design floor row.
    for (const f of json.floors.filter((x) => x.floor === 'queue-chain')) expect(Object.keys(f.cpuMsPerRequest ?? {})).toEqual(['front', 'responder', 'redis']);
    expect(markdown).toContain('**design floor** (queue chain + raw, end to end) | ocr-cls | 1 / 8 |');
    for (const f of json.floors) expect(f.requests).toBeGreaterThan(0);
    // Bare Consul and Redis are read before the stack.
    // Then the design's idle floor (the two with a bare process per service, checked by Consul), then the stack.
    expect(json.idle.map((r) => [r.server, r.models])).toEqual([['maas-dependencies', 0], ['maas-design-floor', 0], ['maas', 6]]);
    expect(Object.keys(json.idle[0]!.cpuMsPerSecond)).toEqual(['consul', 'redis']);
    expect(Object.keys(json.idle[1]!.cpuMsPerSecond)).toEqual(['consul', 'redis', 'gateway', 'registry', 'worker']);
    expect(Object.keys(json.idle[2]!.cpuMsPerSecond)).toEqual(['gateway', 'worker-1', 'redis', 'registry', 'consul']);
    expect(markdown).toContain('## Summary');
    expect(markdown).toContain('## Floors');
    expect(markdown).toContain('## Idle');
    expect(markdown).toContain('preprocess share');
    expect(svg).toMatch(/^<svg|<\?xml/);
  });

  it('--tls: measures maas over mutual TLS (identity, a few hundred requests) and says so in the JSON', async () => {
    const { json, markdown } = await runBench({ BENCH_MODELS: 'identity', BENCH_TARGETS: 'raw,maas', BENCH_CONCURRENCY: '4' }, ['--tls', '--api-key', 'bench-e2e-key']);
    expect(json.notes.filter((n) => /not measured|FAILED/.test(n))).toEqual([]);
    expect(json.transport).toEqual({ maasTls: true, apiKey: true });
    const runs = json.models[0]!.runs;
    expect(runs.map((r) => `${r.variant}@${r.concurrency}`).sort()).toEqual(['maas-batched@1', 'maas-batched@4', 'maas-unbatched@1', 'maas-unbatched@4']);
    for (const run of runs) {
      expect(run.requests).toBeGreaterThan(0);
      expect(run.errors).toBe(0);
    }
    expect(markdown).toContain('mutual TLS');
  });

  it('refuses a bad command line before starting anything', async () => {
    const run = promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bench/dist/main.js'), '--cert', '/nonexistent.crt'], { cwd: REPO_ROOT });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--cert needs --key/) });
  });

  it('on SIGTERM mid-run stops every process it started, then exits 143', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-'));
    const bench = spawn(process.execPath, [path.join(REPO_ROOT, 'bench/dist/main.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_RAW_S: '0.2', BENCH_MODELS: 'identity', BENCH_TARGETS: 'maas', BENCH_DURATION_S: '120', BENCH_LOAD_GENERATOR: 'bench', BENCH_OUT_DIR: outDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      // Measuring: Redis, Consul and the services are up.
      await new Promise<void>((resolve, reject) => {
        bench.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/maas-\w+ identity: serving/.test(stderr)) resolve();
        });
        bench.once('exit', (code) => reject(new Error(`bench exited (${code}) before serving:\n${stderr}`)));
      });
      const children = (await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(bench.pid)])).stdout.split('\n').map(Number).filter((pid) => pid > 0);
      expect(children.length).toBeGreaterThanOrEqual(5); // Redis, Consul, registry, worker, gateway
      const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
      bench.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(stderr).toMatch(/SIGTERM: stopping \d+ process/);
      const alive = (pid: number): boolean => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      // Reaped by the bench (or, past its 3 s grace, by init): allow a moment.
      for (let i = 0; i < 50 && children.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      expect(children.filter(alive)).toEqual([]);
    } finally {
      if (bench.exitCode === null) bench.kill('SIGKILL');
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  (process.env['BENCH_E2E_PEERS'] === '1' ? it : it.skip)('measures Triton, KServe and MLServer beside maas on the tiny model (BENCH_E2E_PEERS=1)', async () => {
    const { json, markdown } = await runBench({ BENCH_MODELS: 'mlp', BENCH_TARGETS: 'raw,maas,peers', BENCH_GHZ: '1', BENCH_LOAD_GENERATOR: 'ghz' });
    expect(json.notes.filter((n) => /not measured|FAILED/.test(n))).toEqual([]);
    const model = json.models[0]!;
    const variants = model.runs.map((r) => `${r.variant}@${r.concurrency}`).sort();
    expect(variants).toEqual(['maas-batched', 'maas-unbatched', 'triton-batched', 'triton-unbatched', 'kserve-unbatched', 'mlserver-batched', 'mlserver-unbatched'].flatMap((v) => [`${v}@1`, `${v}@8`]).sort());
    for (const run of model.runs) expect(run.errors).toBe(0);
    expect(Object.keys(model.ratios.vsPeers).sort()).toEqual(['kserve', 'mlserver', 'triton']);
    expect(markdown).toContain('## Side by side');
    expect(markdown).toContain('## Load generators');
  });
});
