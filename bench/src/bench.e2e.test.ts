/**
 * `make bench` itself, shortened: raw ORT and maas (a real stack) for identity, and the ocr-cls pipeline share
 * run, through bench/dist/main.js as `make bench` runs it. Checks the JSON it writes is whole (every run
 * measured, no errors, no "not measured" notes), so a change that breaks the benchmark fails CI. Numbers are
 * not asserted: this machine is shared.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@maas/testing';

jest.setTimeout(300_000);

interface BenchJson {
  notes: string[];
  models: Array<{ model: string; raw: { sweep: unknown[] }; runs: Array<{ variant: string; concurrency: number; requests: number; errors: number }> }>;
  pipelineShare: Array<{ concurrency: number; errors: number; preprocessShare: number; preprocessComputeShare: number }>;
}

async function runBench(env: Record<string, string>): Promise<{ json: BenchJson; markdown: string; svg: string }> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-'));
  try {
    await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bench/dist/main.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_DURATION_S: '0.5', BENCH_WARMUP_S: '0.2', BENCH_RAW_S: '0.3', BENCH_CONCURRENCY: '8', BENCH_TARGETS: 'raw,maas', BENCH_OUT_DIR: outDir, ...env },
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
  it('measures raw and maas for identity and the ocr-cls pipeline share, and writes JSON, Markdown and SVG', async () => {
    const { json, markdown, svg } = await runBench({ BENCH_MODELS: 'identity,ocr-cls' });
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
    expect(markdown).toContain('## Summary');
    expect(markdown).toContain('preprocess share');
    expect(svg).toMatch(/^<svg|<\?xml/);
  });
});
