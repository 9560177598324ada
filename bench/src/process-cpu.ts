import * as fs from 'node:fs';

/** CPU time (user + system) a process and its descendants have used so far, ms; 0 when it is gone. Linux /proc only. */
export function processTreeCpuMs(pid: number): number {
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
  let total = 0;
  const seen = new Set<number>();
  const visit = (p: number): void => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * (1000 / ticksPerSecond);
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) for (const c of children.split(' ')) visit(Number(c));
      }
    } catch {
      // gone, or no /proc: counts as nothing
    }
  };
  visit(pid);
  return total;
}

/** Named processes whose CPU use is read around each run. */
export type CpuWatch = ReadonlyArray<{ name: string; pid: number }>;

/** Takes a reading now; call the returned function after the run for CPU ms used per process since. */
export function startCpuReading(watch: CpuWatch): () => Record<string, number> {
  const before = watch.map((w) => processTreeCpuMs(w.pid));
  return () => Object.fromEntries(watch.map((w, i) => [w.name, Math.max(0, processTreeCpuMs(w.pid) - before[i]!)]));
}
