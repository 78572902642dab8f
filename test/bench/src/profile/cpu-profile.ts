// Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) into self time per function, grouped by
// where the code lives, and compares two profiles per request: the pipeline against its bare
// passthrough under the same load says where the pipeline's extra time goes.
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

export type CodeGroup = 'cllama' | 'cllama deps' | 'http-proxy-middleware' | 'http-proxy' | 'express' | 'koa' | 'node' | 'gc' | 'other';

/** Each library's own dependencies count with it, so a group is what you pay for using that library. */
const PACKAGE_GROUPS: ReadonlyArray<readonly [RegExp, CodeGroup]> = [
  [/\/node_modules\/(lru-cache|eventsource-parser|@pydantic)\//, 'cllama deps'],
  [/\/node_modules\/(http-proxy-middleware|debug|ms|is-glob|is-extglob|micromatch|braces|picomatch|is-plain-object)\//, 'http-proxy-middleware'],
  [/\/node_modules\/(http-proxy|requires-port|eventemitter3|follow-redirects)\//, 'http-proxy'],
  [/\/node_modules\/(express|router|parseurl|path-to-regexp|finalhandler|send|serve-static|qs|body-parser|on-finished)\//, 'express'],
  [/\/node_modules\/(koa[^/]*|@koa\/[^/]+|koa-compose|delegates|only)\//, 'koa'],
];

export interface FunctionCost {
  readonly key: string;
  readonly name: string;
  readonly location: string;
  readonly group: CodeGroup;
  /** Self time per request served in the profiled window, µs. */
  readonly usPerRequest: number;
}

export interface ProfiledRun {
  readonly target: string;
  readonly requests: number;
  readonly busyUsPerRequest: number;
  readonly functions: ReadonlyMap<string, FunctionCost>;
}

function groupOf(url: string, name: string): CodeGroup {
  if (url.includes('/packages/') && url.includes('/dist/')) return 'cllama';
  for (const [pattern, group] of PACKAGE_GROUPS) if (pattern.test(url)) return group;
  if (name === '(garbage collector)') return 'gc';
  // Native frames (writev, runMicrotasks, …) and `(program)` are Node and V8 doing I/O and scheduling.
  if (url.startsWith('node:') || url === '') return 'node';
  return 'other';
}

function shortLocation(url: string, line: number): string {
  const cut = url.replace(/^file:\/\//, '').replace(/^.*\/(packages|node_modules)\//, '$1/');
  return cut === '' ? '(native)' : `${cut}:${line + 1}`;
}

/**
 * Self time per function over the samples taken after `skipMs` (process start-up and warm-up are
 * left out), divided by the requests served in that window. Idle samples are not counted.
 */
export function readProfile(path: string, target: string, skipMs: number, requests: number): ProfiledRun {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, { name: string; location: string; group: CodeGroup; us: number }>();
  let elapsedUs = 0;
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    const frame = byId.get(id)?.callFrame;
    if (elapsedUs < skipMs * 1000 || frame === undefined || frame.functionName === '(idle)') return;
    busyUs += delta;
    const location = shortLocation(frame.url, frame.lineNumber);
    const key = `${frame.functionName}@${location}`;
    const entry = totals.get(key) ?? { name: frame.functionName || '(anonymous)', location, group: groupOf(frame.url, frame.functionName), us: 0 };
    entry.us += delta;
    totals.set(key, entry);
  });
  const functions = new Map<string, FunctionCost>();
  for (const [key, t] of totals) functions.set(key, { key, name: t.name, location: t.location, group: t.group, usPerRequest: t.us / requests });
  return { target, requests, busyUsPerRequest: busyUs / requests, functions };
}

export interface GroupCost {
  readonly group: CodeGroup;
  readonly pipelineUs: number;
  readonly baselineUs: number;
}

export interface ProfileComparison {
  readonly pipeline: ProfiledRun;
  readonly baseline: ProfiledRun;
  readonly groups: readonly GroupCost[];
  /** Functions by (pipeline − baseline) µs per request, largest first. */
  readonly added: ReadonlyArray<FunctionCost & { readonly baselineUs: number }>;
  /** The pipeline's own hottest functions in our code and in the proxy libraries. */
  readonly hottest: Readonly<Record<'cllama' | 'proxy', readonly FunctionCost[]>>;
}

function byGroup(run: ProfiledRun): Map<CodeGroup, number> {
  const sums = new Map<CodeGroup, number>();
  for (const f of run.functions.values()) sums.set(f.group, (sums.get(f.group) ?? 0) + f.usPerRequest);
  return sums;
}

export function compareProfiles(pipeline: ProfiledRun, baseline: ProfiledRun, top = 20): ProfileComparison {
  const pg = byGroup(pipeline);
  const bg = byGroup(baseline);
  const groups = [...new Set([...pg.keys(), ...bg.keys()])]
    .map((group) => ({ group, pipelineUs: pg.get(group) ?? 0, baselineUs: bg.get(group) ?? 0 }))
    .sort((a, b) => b.pipelineUs - b.baselineUs - (a.pipelineUs - a.baselineUs));
  const added = [...pipeline.functions.values()]
    .map((f) => ({ ...f, baselineUs: baseline.functions.get(f.key)?.usPerRequest ?? 0 }))
    .sort((a, b) => b.usPerRequest - b.baselineUs - (a.usPerRequest - a.baselineUs))
    .slice(0, top);
  const ranked = [...pipeline.functions.values()].sort((a, b) => b.usPerRequest - a.usPerRequest);
  const hottest = {
    cllama: ranked.filter((f) => f.group === 'cllama').slice(0, 12),
    proxy: ranked.filter((f) => f.group === 'http-proxy' || f.group === 'http-proxy-middleware').slice(0, 8),
  };
  return { pipeline, baseline, groups, added, hottest };
}
