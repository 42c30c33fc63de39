import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) this reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  where: string;
  /** Share of all samples, in percent. */
  percent: number;
}

/** Functions by self time (samples where they were on top of the stack), biggest first. */
export function topSelfTime(profile: CpuProfile, root: string, count = 15): SelfTime[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, { fn: string; where: string; micros: number }>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    all += micros;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    const file = url.startsWith('file://') ? relative(root, url.slice('file://'.length)) : url;
    const where = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${fn}@${where}`;
    const t = totals.get(key) ?? { fn, where, micros: 0 };
    t.micros += micros;
    totals.set(key, t);
  });
  return [...totals.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, count)
    .map((t) => ({ fn: t.fn, where: t.where, percent: all > 0 ? (t.micros / all) * 100 : 0 }));
}

export function readCpuProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}
