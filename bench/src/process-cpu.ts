import * as fs from 'node:fs';

/** Which CPU of a process is counted: its own, its descendants', or both. */
export type CpuScope = 'tree' | 'self' | 'children';

function ownCpuMs(pid: number): number {
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * (1000 / ticksPerSecond);
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (children) out.push(...children.split(' ').map(Number));
  }
  return out;
}

/**
 * CPU time (user + system) a process (`self`), its living descendants (`children`) or both (`tree`) have used
 * so far, ms; 0 for what is gone. Linux /proc only.
 */
export function processCpuMs(pid: number, scope: CpuScope = 'tree'): number {
  let total = 0;
  const seen = new Set<number>();
  const visit = (p: number, counted: boolean): void => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      if (counted) total += ownCpuMs(p);
      for (const c of childrenOf(p)) visit(c, scope !== 'self');
    } catch {
      // gone, or no /proc: counts as nothing
    }
  };
  visit(pid, scope !== 'children');
  return total;
}

/** CPU time a process and its descendants have used so far, ms (processCpuMs with scope `tree`). */
export function processTreeCpuMs(pid: number): number {
  return processCpuMs(pid, 'tree');
}

/** Named processes whose CPU use is read around each run (scope `tree` unless given). */
export type CpuWatch = ReadonlyArray<{ name: string; pid: number; scope?: CpuScope }>;

/** Takes a reading now; call the returned function after the run for CPU ms used per process since. */
export function startCpuReading(watch: CpuWatch): () => Record<string, number> {
  const before = watch.map((w) => processCpuMs(w.pid, w.scope));
  return () => Object.fromEntries(watch.map((w, i) => [w.name, Math.max(0, processCpuMs(w.pid, w.scope) - before[i]!)]));
}
