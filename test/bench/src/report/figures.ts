// Turns the raw per-round samples into the published figures. Every comparison is made inside a
// round (target vs direct, target vs its bare passthrough, measured minutes apart at most), and only
// then summarised over rounds: on a noisy machine paired differences are far steadier than
// differences of medians taken at different times.
import type { RoundSample } from '../measure/round.js';
import { type Summary, summarize } from '../stats.js';
import type { TargetSpec } from '../types.js';

export interface TargetFigures {
  readonly target: TargetSpec;
  readonly p50: Summary;
  readonly p99: Summary;
  readonly addedP50VsDirect: Summary;
  readonly addedP99VsDirect: Summary;
  readonly addedP50VsBaseline: Summary;
  readonly addedP99VsBaseline: Summary;
  readonly rps1: Summary;
  readonly rps50: Summary;
  readonly ratio1: Summary;
  readonly ratio50: Summary;
  readonly cpuUs: Summary;
  readonly addedCpuUsVsBaseline: Summary;
  readonly errors: number;
  readonly stream: StreamTargetFigures | undefined;
}

export interface StreamTargetFigures {
  readonly ttfb: Summary;
  readonly addedTtfbVsDirect: Summary;
  readonly addedTtfbVsBaseline: Summary;
  readonly addedDelayP50VsDirect: Summary;
  readonly addedDelayP99VsDirect: Summary;
  readonly addedDelayP50VsBaseline: Summary;
  readonly addedDelayP99VsBaseline: Summary;
  readonly coalesced: number;
  readonly broken: number;
  readonly heldBack: number;
  readonly gapEvents: number;
}

type Pick = (s: RoundSample) => number;

/** Per-round `pick(target) op pick(other)`, summarised. */
function paired(samples: readonly RoundSample[], target: string, other: string, pick: Pick, op: 'diff' | 'ratio'): Summary {
  const values: number[] = [];
  for (const s of samples) {
    if (s.target !== target) continue;
    const o = samples.find((x) => x.target === other && x.round === s.round);
    if (o === undefined) continue;
    values.push(op === 'diff' ? pick(s) - pick(o) : pick(s) / pick(o));
  }
  return summarize(values);
}

const NO_STREAM = Number.NaN;
const ttfb: Pick = (s) => s.stream?.ttfbMs ?? NO_STREAM;
const delayP50: Pick = (s) => s.stream?.delayP50Ms ?? NO_STREAM;
const delayP99: Pick = (s) => s.stream?.delayP99Ms ?? NO_STREAM;

export function computeFigures(targets: readonly TargetSpec[], samples: readonly RoundSample[]): TargetFigures[] {
  return targets
    .filter((t) => samples.some((s) => s.target === t.id))
    .map((t) => {
      const own = samples.filter((s) => s.target === t.id);
      const of = (pick: Pick): Summary => summarize(own.map(pick));
      const vs = (other: string, pick: Pick, op: 'diff' | 'ratio' = 'diff'): Summary => paired(samples, t.id, other, pick, op);
      const streams = own.some((s) => s.stream !== undefined);
      return {
        target: t,
        p50: of((s) => s.p50Ms),
        p99: of((s) => s.p99Ms),
        addedP50VsDirect: vs('direct', (s) => s.p50Ms),
        addedP99VsDirect: vs('direct', (s) => s.p99Ms),
        addedP50VsBaseline: vs(t.baseline, (s) => s.p50Ms),
        addedP99VsBaseline: vs(t.baseline, (s) => s.p99Ms),
        rps1: of((s) => s.rps1),
        rps50: of((s) => s.rps50),
        ratio1: vs(t.baseline, (s) => s.rps1, 'ratio'),
        ratio50: vs(t.baseline, (s) => s.rps50, 'ratio'),
        cpuUs: of((s) => s.cpuUsPerRequest),
        addedCpuUsVsBaseline: vs(t.baseline, (s) => s.cpuUsPerRequest),
        errors: own.reduce((sum, s) => sum + s.errors, 0),
        stream: streams
          ? {
              ttfb: of(ttfb),
              addedTtfbVsDirect: vs('direct', ttfb),
              addedTtfbVsBaseline: vs(t.baseline, ttfb),
              addedDelayP50VsDirect: vs('direct', delayP50),
              addedDelayP99VsDirect: vs('direct', delayP99),
              addedDelayP50VsBaseline: vs(t.baseline, delayP50),
              addedDelayP99VsBaseline: vs(t.baseline, delayP99),
              coalesced: own.reduce((sum, s) => sum + (s.stream?.coalesced ?? 0), 0),
              broken: own.reduce((sum, s) => sum + (s.stream?.broken ?? 0), 0),
              heldBack: own.reduce((sum, s) => sum + (s.stream?.heldBack ?? 0), 0),
              gapEvents: own.reduce((sum, s) => sum + (s.stream?.gapEvents ?? 0), 0),
            }
          : undefined,
      };
    });
}
