import * as fs from 'node:fs';
import * as path from 'node:path';

/** The parts of a V8 .cpuprofile (node --cpu-prof) that a summary needs. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or one code area, ms. */
export interface SelfTime {
  name: string;
  selfMs: number;
}

/** Where one process spent its sampled time. */
export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byArea: SelfTime[];
  byFunction: SelfTime[];
}

/**
 * The code area a script URL belongs to: a maas package, a node_modules package, node internals, or V8's
 * pseudo-frames ((garbage collector), (program), (idle)).
 */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const m = /\/(libs|services)\/([^/]+)\//.exec(url);
  if (m) return `maas ${m[1]}/${m[2]}`;
  return path.basename(url);
}

/** Self time by function and by area, from one profile. */
export function summarizeProfile(profile: CpuProfile, topN: number): ProfileSummary {
  const selfByNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = selfByNode.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalMs += ms;
    if (functionName === '(idle)') idleMs += ms;
    const area = areaOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''} [${area}]`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  const top = (m: Map<string, number>) => [...m.entries()].map(([name, selfMs]) => ({ name, selfMs })).sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  return { totalMs, idleMs, byArea: top(byArea), byFunction: top(byFunction) };
}

/** A summary as text: busy time, then areas and functions with their share of busy time. */
export function formatProfileSummary(title: string, s: ProfileSummary): string {
  const busy = s.totalMs - s.idleMs;
  const pct = (ms: number) => `${((ms / Math.max(busy, 1e-9)) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`== ${title}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (${((busy / Math.max(s.totalMs, 1e-9)) * 100).toFixed(0)}%)`, '-- self time by area (share of busy):'];
  for (const a of s.byArea.filter((x) => x.name !== '(idle)')) lines.push(`  ${pct(a.selfMs)} ${(a.selfMs / 1000).toFixed(2).padStart(7)} s  ${a.name}`);
  lines.push('-- self time by function:');
  for (const f of s.byFunction.filter((x) => !x.name.startsWith('(idle)'))) lines.push(`  ${pct(f.selfMs)} ${(f.selfMs / 1000).toFixed(2).padStart(7)} s  ${f.name}`);
  return lines.join('\n');
}

/** Summarizes every .cpuprofile in a folder; `names` maps a pid to a process name (the pid is in the file name). */
export function summarizeProfiles(dir: string, topN: number, names: ReadonlyMap<number, string> = new Map()): string {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) return `no .cpuprofile files in ${dir}\n`;
  return (
    files
      .map((f) => {
        const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(f)?.[1] ?? NaN);
        const title = `${names.get(pid) ?? 'process'} (${f})`;
        return formatProfileSummary(title, summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CpuProfile, topN));
      })
      .join('\n\n') + '\n'
  );
}
