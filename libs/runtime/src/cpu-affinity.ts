import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConfigError } from '@maas/errors';

/** A CPU list as taskset and /proc write it: `1`, `0-3`, `0,2-3`. */
export const CPU_LIST_PATTERN = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** The CPUs of a CPU list, ascending, without repeats; throws on a malformed list or a range that runs backwards. */
export function parseCpuList(text: string): number[] {
  const trimmed = text.trim();
  if (!CPU_LIST_PATTERN.test(trimmed)) throw new Error(`'${text}' is not a CPU list (like 1, 0-3 or 0,2-3)`);
  const cpus = new Set<number>();
  for (const part of trimmed.split(',')) {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    if (to! < from) throw new Error(`CPU range '${part}' runs backwards`);
    for (let cpu = from; cpu <= to!; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The CPUs a process (default this one) may run on, from /proc/<pid>/status (Linux). */
export function allowedCpus(pid: number | 'self' = 'self'): number[] {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
  if (!line) throw new Error(`/proc/${pid}/status has no Cpus_allowed_list`);
  return parseCpuList(line[1]!);
}

/**
 * Pins every thread of this process to `list` (MAAS_CPU_AFFINITY); threads started later (onnxruntime's,
 * libuv's) inherit it. Done with util-linux `taskset`, as Node has no sched_setaffinity. Throws a ConfigError
 * naming the setting when the list is malformed, names a CPU the machine does not have, taskset is missing or
 * the kernel refuses (a CPU outside the container's cpuset); returns the CPUs now allowed. It may widen a
 * process's CPUs as well as narrow them.
 */
export function pinToCpus(list: string, pid: number = process.pid): number[] {
  let wanted: number[];
  try {
    wanted = parseCpuList(list);
  } catch (err) {
    throw new ConfigError(`MAAS_CPU_AFFINITY: ${(err as Error).message}`);
  }
  if (process.platform !== 'linux') throw new ConfigError(`MAAS_CPU_AFFINITY=${list}: CPU pinning is supported on Linux only (this is ${process.platform})`);
  const count = os.cpus().length;
  const outside = wanted.filter((cpu) => cpu >= count);
  if (outside.length > 0) throw new ConfigError(`MAAS_CPU_AFFINITY=${list}: this machine has no CPU ${outside.join(', ')} (it has 0-${count - 1})`);
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', wanted.join(','), String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new ConfigError(`MAAS_CPU_AFFINITY=${list} needs taskset (util-linux) on PATH, and it is not there`);
    throw new ConfigError(`MAAS_CPU_AFFINITY=${list}: taskset failed: ${e.stderr?.toString().trim() || e.message}`);
  }
  return allowedCpus(pid);
}
