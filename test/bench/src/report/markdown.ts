// Renders the whole report as Markdown: printed by the runner and written to docs/benchmarks.md.
import type { InprocFigures } from '../inproc/main.js';
import type { AgentStateFigures, BigStreamFigures } from '../measure/memory.js';
import type { RunProfile } from '../options.js';
import type { MemReply } from '../proc/control.js';
import type { ProfileComparison } from '../profile/cpu-profile.js';
import { fmt, fmtSummary } from '../stats.js';
import type { TargetFigures } from './figures.js';
import type { GoalResult } from './goals.js';
import { type MachineInfo, methodLines } from './method.js';

export interface Report {
  readonly profile: RunProfile;
  readonly machine: MachineInfo;
  readonly seconds: number;
  readonly figures: readonly TargetFigures[];
  readonly goals: readonly GoalResult[];
  readonly bigStreams: readonly BigStreamFigures[];
  readonly agents: AgentStateFigures | undefined;
  readonly inproc: InprocFigures | undefined;
  readonly cpuProfile: ProfileComparison | undefined;
  readonly notes: readonly string[];
}

const MiB = 1024 * 1024;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const mark = (met: boolean | undefined): string => (met === undefined ? 'n/a' : met ? '**met**' : '**MISSED**');

function goalsSection(goals: readonly GoalResult[]): string {
  return table(['target (issue 3)', 'compared', 'measured', 'result'], goals.map((g) => [g.goal, g.subject, g.value, mark(g.met)]));
}

function latencySection(figures: readonly TargetFigures[]): string {
  return table(
    ['target', 'p50 ms', 'p99 ms', '+p50 vs direct', '+p99 vs direct', 'vs passthrough', '+p50 vs passthrough', '+p99 vs passthrough'],
    figures.map((f) => [
      f.target.id, fmtSummary(f.p50, 3), fmtSummary(f.p99, 3), fmtSummary(f.addedP50VsDirect, 3), fmtSummary(f.addedP99VsDirect, 3),
      f.target.baseline, fmtSummary(f.addedP50VsBaseline, 3), fmtSummary(f.addedP99VsBaseline, 3),
    ]),
  );
}

function throughputSection(figures: readonly TargetFigures[]): string {
  return table(
    ['target', 'req/s, 1 conn', 'req/s, 50 conn', 'vs passthrough', 'ratio, 1 conn', 'ratio, 50 conn', 'CPU µs/req (target process)', '+CPU µs vs passthrough', 'errors'],
    figures.map((f) => [
      f.target.id, fmtSummary(f.rps1, 0), fmtSummary(f.rps50, 0), f.target.baseline, fmtSummary(f.ratio1), fmtSummary(f.ratio50),
      fmtSummary(f.cpuUs, 0), fmtSummary(f.addedCpuUsVsBaseline, 0), String(f.errors),
    ]),
  );
}

function streamSection(figures: readonly TargetFigures[]): string {
  const rows = figures.flatMap((f) => {
    const s = f.stream;
    if (s === undefined) return [[f.target.id, 'not measured', '', '', '', '', '', '', '', '']];
    return [[
      f.target.id, fmtSummary(s.ttfb, 3), fmtSummary(s.addedTtfbVsDirect, 3), fmtSummary(s.addedTtfbVsBaseline, 3),
      fmtSummary(s.addedDelayP50VsDirect, 3), fmtSummary(s.addedDelayP99VsDirect, 3), fmtSummary(s.addedDelayP99VsBaseline, 3),
      String(s.coalesced), `${s.heldBack} / ${s.gapEvents}`, String(s.broken),
    ]];
  });
  return table(['target', 'TTFB ms', '+TTFB vs direct', '+TTFB vs passthrough', '+event delay p50 vs direct', '+event delay p99 vs direct', '+event delay p99 vs passthrough', 'coalesced', 'held back', 'broken'], rows);
}

/** RSS, heap used, heap committed, external in MiB; with `minus`, the difference. */
function memCells(m: MemReply, minus?: MemReply): string[] {
  const keys = ['rss', 'heapUsed', 'heapTotal', 'external'] as const;
  return keys.map((k) => fmt((m[k] - (minus?.[k] ?? 0)) / MiB, 1));
}

function memorySection(r: Report): string {
  const parts: string[] = [];
  const mib = (bytes: number): string => fmt(bytes / MiB, 1);
  if (r.bigStreams.length > 0) {
    parts.push(table(
      ['process', 'stream MiB', 'seconds', 'RSS before', 'RSS peak', 'peak − before', 'RSS after GC', 'RSS after a 2nd stream', 'heap before → after → after 2nd'],
      r.bigStreams.map((b) => [
        b.target, mib(b.bytes), fmt(b.seconds), mib(b.before.rss), mib(b.peakRss), `+${mib(b.peakRss - b.before.rss)}`, mib(b.after.rss),
        mib(b.afterSecond.rss), `${mib(b.before.heapUsed)} → ${mib(b.after.heapUsed)} → ${mib(b.afterSecond.heapUsed)}`,
      ]),
    ));
  }
  const a = r.agents;
  if (a !== undefined) {
    parts.push(table(
      ['process (MiB after GC)', 'RSS', 'heap used', 'heap committed', 'external'],
      [
        [`1 agent, ${500 + a.agents} requests`, ...memCells(a.oneAgent)],
        [`${a.agents} agents, after 500 warm-up requests`, ...memCells(a.manyBefore)],
        [`${a.agents} agents, after one request from each`, ...memCells(a.manyAfter)],
        ['difference (state for the agents)', ...memCells(a.manyAfter, a.oneAgent)],
      ],
    ));
    if (a.errors > 0) parts.push(`${a.errors} requests failed in the agent test.`);
  }
  return parts.join('\n\n');
}

function inprocSection(i: InprocFigures): string {
  const row = (name: string, v: InprocFigures['json']): string[] => [
    name, fmt(v.pipeline.cpuUs, 1), fmt(v.bare.cpuUs, 1), fmt(v.pipeline.cpuUs - v.bare.cpuUs, 1), fmt(v.pipeline.wallUs, 1), fmt(v.bare.wallUs, 1),
  ];
  return table(['exchange', 'pipeline CPU µs', 'bare relay CPU µs', 'stages cost µs', 'pipeline wall µs', 'bare wall µs'], [row('JSON', i.json), row('SSE, 20 events', i.sse)]);
}

function profileSection(c: ProfileComparison): string {
  const p = c.pipeline;
  const b = c.baseline;
  const us = (v: number): string => fmt(v, 1);
  const fn = (f: { name: string; location: string }): string => `\`${f.name}\` ${f.location}`;
  return [
    `Each process alone, fresh, warmed up, then ${p.requests} (${p.target}) and ${b.requests} (${b.target}) JSON requests at 50 connections; self time per request served, start-up and warm-up samples excluded. Busy CPU per request: ${us(p.busyUsPerRequest)} µs vs ${us(b.busyUsPerRequest)} µs.`,
    table(['where', `${p.target} µs/req`, `${b.target} µs/req`, 'added µs/req'], c.groups.map((g) => [g.group, us(g.pipelineUs), us(g.baselineUs), us(g.pipelineUs - g.baselineUs)])),
    'Functions adding the most self time per request (pipeline − passthrough):',
    table(['function', 'group', `${p.target} µs/req`, `${b.target} µs/req`, 'added'], c.added.map((f) => [fn(f), f.group, us(f.usPerRequest), us(f.baselineUs), us(f.usPerRequest - f.baselineUs)])),
    `Hottest functions of ours and of http-proxy / http-proxy-middleware in ${p.target}:`,
    table(['function', 'group', 'self µs/req'], [...c.hottest.cllama, ...c.hottest.proxy].map((f) => [fn(f), f.group, us(f.usPerRequest)])),
  ].join('\n\n');
}

export function renderMarkdown(r: Report): string {
  const m = r.machine;
  const out = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${r.profile.name === 'quick' ? ' -- --quick' : ''}\` (test/bench) on ${m.date}, in ${fmt(r.seconds, 0)} s. Do not edit by hand: the script rewrites this file.`,
    '',
    '## Machine',
    '',
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; ${m.os}; load average at start ${m.loadAverage}. Run profile: **${r.profile.name}**.`,
    '',
    '## Targets from issue 3',
    '',
    goalsSection(r.goals),
    '',
    '## Method',
    '',
    ...methodLines(r.profile),
    '',
    'Figures are `median [min … max]` over rounds. Times in ms unless marked µs.',
    '',
    '## Latency, 1 connection (JSON)',
    '',
    latencySection(r.figures),
    '',
    '## Throughput and CPU per request (JSON)',
    '',
    throughputSection(r.figures),
    '',
    '## Streaming (SSE)',
    '',
    streamSection(r.figures),
    '',
    '## Memory',
    '',
    memorySection(r),
  ];
  if (r.inproc !== undefined) out.push('', '## CPU of the stage pipeline, in-process (no sockets)', '', inprocSection(r.inproc));
  if (r.cpuProfile !== undefined) {
    out.push('', '## Where the time goes: `--cpu-prof`, pipeline against its passthrough', '', profileSection(r.cpuProfile));
  }
  if (r.notes.length > 0) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}
