// The targets of issue 3, checked against the figures of this run. A target that is missed is
// reported as missed with its value; the bar is never moved.
import type { AgentStateFigures, BigStreamFigures } from '../measure/memory.js';
import { fmt } from '../stats.js';
import type { TargetFigures } from './figures.js';

export interface GoalResult {
  readonly goal: string;
  readonly subject: string;
  readonly value: string;
  /** undefined: could not be measured in this run. */
  readonly met: boolean | undefined;
}

const MiB = 1024 * 1024;

export function checkGoals(
  figures: readonly TargetFigures[],
  bigStreams: readonly BigStreamFigures[],
  agents: AgentStateFigures | undefined,
): GoalResult[] {
  const results: GoalResult[] = [];
  const portkey = figures.find((f) => f.target.id === 'portkey');
  for (const f of figures.filter((x) => x.target.pipeline === true)) {
    const base = f.target.baseline;
    const ratio = f.ratio50.median;
    results.push({ goal: 'throughput at 50 connections ≥ 0.8 × bare passthrough', subject: `${f.target.id} vs ${base}`, value: `${fmt(ratio)}×`, met: judge(ratio, (v) => v >= 0.8) });
    const added = f.addedP50VsBaseline.median;
    results.push({ goal: 'added latency p50 (1 connection) ≤ 0.3 ms over bare passthrough', subject: `${f.target.id} vs ${base}`, value: `${fmt(added, 3)} ms`, met: judge(added, (v) => v <= 0.3) });
    const s = f.stream;
    if (s !== undefined) {
      const ttfb = s.addedTtfbVsBaseline.median;
      results.push({ goal: 'stream TTFB within 1 ms of bare passthrough', subject: `${f.target.id} vs ${base}`, value: `${fmt(ttfb, 3)} ms`, met: judge(ttfb, (v) => v <= 1) });
      results.push({
        goal: 'no chunk held back (events 50 ms apart each relayed on arrival)',
        subject: f.target.id,
        value: `${s.heldBack} of ${s.gapEvents} events held back, ${s.broken} broken streams; per-event delay over ${base}: p50 ${fmt(s.addedDelayP50VsBaseline.median, 3)} ms, p99 ${fmt(s.addedDelayP99VsBaseline.median, 3)} ms`,
        met: s.gapEvents > 0 ? s.heldBack === 0 && s.broken === 0 : undefined,
      });
    }
    if (portkey !== undefined) {
      const ours = f.addedP50VsDirect.median;
      const theirs = portkey.addedP50VsDirect.median;
      results.push({ goal: 'added latency p50 < 1/5 of Portkey’s', subject: `${f.target.id} vs portkey`, value: `${fmt(ours, 3)} ms vs ${fmt(theirs, 3)} ms (${fmt((ours / theirs) * 100, 1)} %)`, met: judge(ours / theirs, (v) => v < 0.2) });
    }
  }
  for (const b of bigStreams.filter((x) => x.target.startsWith('pipeline'))) {
    const peak = (b.peakRss - b.before.rss) / MiB;
    const after = (b.after.rss - b.before.rss) / MiB;
    const second = (b.afterSecond.rss - b.after.rss) / MiB;
    results.push({ goal: `RSS growth over a ${fmt(b.bytes / MiB, 0)} MiB stream < 10 MiB (peak during the stream)`, subject: b.target, value: `peak +${fmt(peak, 1)} MiB, after GC ${signed(after)} MiB, a 2nd stream ${signed(second)} MiB more`, met: judge(peak, (v) => v < 10) });
  }
  if (agents !== undefined) {
    const rss = (agents.manyAfter.rss - agents.oneAgent.rss) / MiB;
    const state = (agents.manyAfter.heapUsed + agents.manyAfter.external - agents.oneAgent.heapUsed - agents.oneAgent.external) / MiB;
    // The bar is 20 MiB for 10,000 agents; a quick run with fewer agents is held to the same rate.
    // Judged on heap + external after GC (the state itself); RSS moves by several MiB between
    // identical processes here (allocator and JIT), so it is shown, not judged.
    const limit = (20 * agents.agents) / 10_000;
    results.push({ goal: `state for ${agents.agents} agents < ${fmt(limit, 0)} MiB (heap + external after GC)`, subject: 'pipeline-express', value: `heap + external ${signed(state)} MiB (RSS ${signed(rss)} MiB) vs a 1-agent process`, met: judge(state, (v) => v < limit) });
  }
  return results;
}

function judge(value: number, ok: (v: number) => boolean): boolean | undefined {
  return Number.isFinite(value) ? ok(value) : undefined;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${fmt(value, 1)}`;
}
