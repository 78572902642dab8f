// `npm run bench [-- --quick]`: measures every target in TARGETS in interleaved rounds, then memory,
// in-process CPU and a CPU profile; prints the report and (full run) rewrites docs/benchmarks.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InprocFigures } from './inproc/main.js';
import { startLab, startTarget } from './lab.js';
import { profileTarget, runInproc } from './measure/extras.js';
import { type AgentStateFigures, agentState, type BigStreamFigures, bigStream } from './measure/memory.js';
import { measureRound, type RoundSample } from './measure/round.js';
import { parseOptions } from './options.js';
import { compareProfiles, type ProfileComparison } from './profile/cpu-profile.js';
import { computeFigures } from './report/figures.js';
import { checkGoals } from './report/goals.js';
import { renderMarkdown } from './report/markdown.js';
import { machineInfo } from './report/method.js';
import { fmt } from './stats.js';
import { TARGETS, targetById } from './targets.js';
import type { TargetSpec } from './types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
/** Whose memory is read over the long stream: the pipeline in both frameworks, and (full run) a passthrough for scale. */
const LONG_STREAM_TARGETS = { full: ['hpm-express', 'pipeline-express', 'pipeline-koa'], quick: ['pipeline-express', 'pipeline-koa'] };
const PROFILED_TARGET = 'pipeline-express';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** `--only` keeps the named targets, their baselines and `direct` (every figure is relative to those). */
function selectTargets(only: readonly string[] | undefined): TargetSpec[] {
  if (only === undefined) return [...TARGETS];
  const keep = new Set(['direct', ...only, ...only.map((id) => targetById(id).baseline)]);
  return TARGETS.filter((t) => keep.has(t.id));
}

/** Runs `step`, turning a failure into a note: one broken measurement must not lose the others. */
async function attempt<T>(name: string, notes: string[], step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    notes.push(`${name} failed: ${String(error)}`);
    log(`${name} failed: ${String(error)}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), join(ROOT, 'docs/benchmarks.md'));
  const p = options.profile;
  const machine = machineInfo();
  const started = performance.now();
  const targets = selectTargets(options.only);
  const workDir = mkdtempSync(join(tmpdir(), 'cllama-bench-'));
  log(`${p.name} run: ${targets.length} targets, ${p.rounds} rounds, on ${machine.cpu} × ${machine.cores}, Node ${machine.node}`);
  const lab = await startLab(targets, workDir, p.streamChunks);
  const notes = lab.notes;
  for (const note of notes) log(note);
  const samples: RoundSample[] = [];
  const bigStreams: BigStreamFigures[] = [];
  let agents: AgentStateFigures | undefined;
  let inproc: InprocFigures | undefined;
  let cpuProfile: ProfileComparison | undefined;
  try {
    const order = targets.filter((t) => lab.running.has(t.id));
    for (let round = 0; round < p.rounds; round++) {
      // Alternate the order so no target always runs first (cold machine) or last (warm, throttled).
      for (const t of round % 2 === 0 ? order : [...order].reverse()) {
        const sample = await measureRound(lab.running.get(t.id)!, round, p);
        samples.push(sample);
        log(`round ${round + 1}/${p.rounds} ${t.id.padEnd(17)} p50 ${fmt(sample.p50Ms, 3)} ms  p99 ${fmt(sample.p99Ms, 3)} ms  ${fmt(sample.rps50, 0)} req/s@${p.connections}  ttfb ${fmt(sample.stream?.ttfbMs ?? Number.NaN, 3)} ms`);
      }
    }
    const ctx = { upstreamOrigin: lab.upstream.origin, workDir, agentCount: 1 };
    for (const id of LONG_STREAM_TARGETS[p.name]) {
      const t = lab.running.get(id);
      if (t === undefined) continue;
      const figures = await attempt(`long stream through ${id}`, notes, () => bigStream(id, t.process, t.endpoint, p.bigStreamMiB));
      if (figures !== undefined) bigStreams.push(figures);
      log(`long stream through ${id} done`);
    }
    if (lab.running.has(PROFILED_TARGET)) {
      const spec = targetById(PROFILED_TARGET);
      agents = await attempt('per-agent state', notes, () =>
        agentState(spec, (agentCount) => startTarget(spec, { ...ctx, agentCount }), lab.upstream.origin, p.agents));
      log('per-agent state done');
      if (p.profileMs > 0) {
        // The pipeline and its bare passthrough, each alone under the same load: the difference per
        // request says where the pipeline's extra time goes.
        const base = targetById(spec.baseline);
        const keep = (id: string): string => join(BENCH_DIR, 'profiles', `${id}.cpuprofile`);
        cpuProfile = await attempt('cpu profile', notes, async () =>
          compareProfiles(await profileTarget(spec, ctx, p.profileMs, keep(spec.id)), await profileTarget(base, ctx, p.profileMs, keep(base.id))));
        if (cpuProfile !== undefined) notes.push(`The raw CPU profiles are kept in test/bench/profiles/ (${spec.id}, ${base.id}; not committed).`);
        log('cpu profiles done');
      }
    }
  } finally {
    await lab.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  // Alone on the machine: the other processes are stopped, so this CPU figure is undisturbed.
  inproc = await attempt('in-process CPU measurement', notes, () => runInproc(p.inprocIterations));
  const figures = computeFigures(targets, samples);
  const markdown = renderMarkdown({
    profile: p, machine, seconds: (performance.now() - started) / 1000, figures,
    goals: checkGoals(figures, bigStreams, agents), bigStreams, agents, inproc, cpuProfile, notes,
  });
  process.stdout.write(markdown);
  if (options.docsPath !== undefined) {
    writeFileSync(options.docsPath, markdown);
    log(`wrote ${options.docsPath}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
