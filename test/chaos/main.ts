import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAULTS, runFault, type RunSize } from './faults';
import { figuresTable, type FaultFigures } from './figures';

const HELP = `make chaos — each fault under a bounded closed-loop load, with real processes killed for real

usage: node test/dist/chaos/main.js [--faults a,b] [--concurrency N] [--duration-ms N] [--fault-at-ms N]
                                    [--deadline-ms N] [--out DIR]

  --faults        which faults (default: all): ${FAULTS.map((f) => f.name).join(', ')}
  --concurrency   closed-loop callers (default 8)
  --duration-ms   load per fault (default 20000)
  --fault-at-ms   when the fault is injected (default 5000)
  --deadline-ms   per-request deadline (default 15000)
  --out           where <stamp>.json and <stamp>.md go (default .run/chaos)

Each fault gets its own stack (Redis, Consul, registry, workers, gateway on free ports). The table lists
requests, OK, failed by status, hung (answered at the deadline), lost, the error window, time to recovery.`;

function parseArgs(argv: readonly string[]): { faults: string[]; size: RunSize; out: string } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string, dflt: number): number => {
    const raw = value(flag);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} ${raw}: expected a positive integer`);
    return n;
  };
  const known = new Set(FAULTS.map((f) => f.name));
  const faults = (value('--faults') ?? [...known].join(',')).split(',').filter(Boolean);
  for (const f of faults) if (!known.has(f)) throw new Error(`unknown fault "${f}": expected one of ${[...known].join(', ')}`);
  const size = { concurrency: num('--concurrency', 8), durationMs: num('--duration-ms', 20_000), faultAtMs: num('--fault-at-ms', 5000), deadlineMs: num('--deadline-ms', 15_000) };
  if (size.faultAtMs >= size.durationMs) throw new Error('--fault-at-ms must be less than --duration-ms');
  return { faults, size, out: value('--out') ?? path.join(process.cwd(), '.run', 'chaos') };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const { faults, size, out } = parseArgs(argv);
  const rows: FaultFigures[] = [];
  for (const name of faults) {
    const spec = FAULTS.find((f) => f.name === name)!;
    process.stdout.write(`[${rows.length + 1}/${faults.length}] ${name}: ${spec.promise}\n`);
    const figures = await runFault(spec, size, (line) => process.stdout.write(`  ${line}\n`));
    process.stdout.write(`  ${figures.requests} requests, ${figures.ok} OK, ${figures.lost} lost, ${figures.hung} hung, recovery ${figures.recoveryMs} ms\n`);
    rows.push(figures);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  fs.mkdirSync(out, { recursive: true });
  const table = figuresTable(rows);
  fs.writeFileSync(path.join(out, `${stamp}.json`), `${JSON.stringify({ stamp, size, faults: rows }, null, 2)}\n`);
  fs.writeFileSync(path.join(out, `${stamp}.md`), `# make chaos ${stamp}\n\nconcurrency ${size.concurrency}, ${size.durationMs} ms per fault, fault at ${size.faultAtMs} ms, deadline ${size.deadlineMs} ms\n\n${table}\n`);
  process.stdout.write(`\n${table}\n\nwrote ${path.join(out, `${stamp}.json`)} and .md\n`);
  if (rows.some((r) => r.lost > 0 || r.hung > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
