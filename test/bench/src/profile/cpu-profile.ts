// Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and ranks functions by self time, grouped
// by where the code lives, so the report can say where a request's time goes.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export type CodeGroup = 'cllama' | 'http-proxy-middleware' | 'http-proxy' | 'express' | 'koa' | 'node' | 'gc/idle/program' | 'other';

export interface HotFunction {
  readonly name: string;
  readonly location: string;
  readonly group: CodeGroup;
  readonly selfMs: number;
  /** Share of the busy (non-idle) samples. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly groups: ReadonlyArray<{ readonly group: CodeGroup; readonly selfMs: number; readonly share: number }>;
  readonly top: readonly HotFunction[];
}

function groupOf(url: string, name: string): CodeGroup {
  if (url.includes('/packages/') && url.includes('/dist/')) return 'cllama';
  if (url.includes('/http-proxy-middleware/')) return 'http-proxy-middleware';
  if (url.includes('/http-proxy/')) return 'http-proxy';
  if (url.includes('/node_modules/express/') || url.includes('/node_modules/router/')) return 'express';
  if (url.includes('/node_modules/koa')) return 'koa';
  if (url.startsWith('node:') || (url === '' && name !== '' && !name.startsWith('('))) return 'node';
  if (name === '(garbage collector)' || name === '(idle)' || name === '(program)') return 'gc/idle/program';
  return 'other';
}

function shortLocation(url: string, line: number): string {
  const cut = url.replace(/^file:\/\//, '').replace(/^.*\/(packages|node_modules)\//, '$1/');
  return cut === '' ? '(native)' : `${cut}:${line + 1}`;
}

/** Self time per function (summed over every node with the same name and place). */
export function summarizeProfile(path: string, topN = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const functions = new Map<string, { name: string; location: string; group: CodeGroup; us: number }>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === '(idle)') continue;
    busyUs += us;
    const location = shortLocation(frame.url, frame.lineNumber);
    const key = `${frame.functionName}@${location}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', location, group: groupOf(frame.url, frame.functionName), us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const groupUs = new Map<CodeGroup, number>();
  for (const f of functions.values()) groupUs.set(f.group, (groupUs.get(f.group) ?? 0) + f.us);
  const ranked = [...functions.values()].sort((a, b) => b.us - a.us);
  const toHot = (f: (typeof ranked)[number]): HotFunction => ({ name: f.name, location: f.location, group: f.group, selfMs: f.us / 1000, share: f.us / busyUs });
  const mustShow = (g: CodeGroup): HotFunction[] => ranked.filter((f) => f.group === g).slice(0, 8).map(toHot);
  // The overall top, plus the top of our code and of the proxy libraries even if they rank lower.
  const top = new Map<string, HotFunction>();
  for (const f of [...ranked.slice(0, topN).map(toHot), ...mustShow('cllama'), ...mustShow('http-proxy'), ...mustShow('http-proxy-middleware')]) {
    top.set(`${f.name}@${f.location}`, f);
  }
  return {
    busyMs: busyUs / 1000,
    groups: [...groupUs].map(([group, us]) => ({ group, selfMs: us / 1000, share: us / busyUs })).sort((a, b) => b.selfMs - a.selfMs),
    top: [...top.values()].sort((a, b) => b.selfMs - a.selfMs),
  };
}
