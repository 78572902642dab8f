// Run profiles. `--quick` is for development (under a minute, fewer rounds, wide spread); the full
// run is what docs/benchmarks.md publishes.

export interface RunProfile {
  readonly name: 'quick' | 'full';
  readonly rounds: number;
  readonly warmupMs: number;
  /** Sequential (1 connection) phase: time cap and request cap. */
  readonly latencyMs: number;
  readonly latencyMaxRequests: number;
  /** Phases at 50 connections. */
  readonly loadMs: number;
  readonly connections: number;
  /** Streams per target per round, and their shape. */
  readonly streams: number;
  readonly streamChunks: number;
  readonly streamIntervalMs: number;
  /** Streams with long gaps between events, where a held-back chunk cannot hide in the noise. */
  readonly gapStreams: number;
  readonly gapMs: number;
  /** The long-stream RSS test. */
  readonly bigStreamMiB: number;
  /** Distinct agents for the per-agent state test. */
  readonly agents: number;
  /** Exchanges per variant in the socket-free CPU measurement. */
  readonly inprocIterations: number;
  /** Seconds of load under `--cpu-prof` (0: no profile). */
  readonly profileMs: number;
}

export interface RunOptions {
  readonly profile: RunProfile;
  /** Only these target ids (plus their baselines and `direct`). */
  readonly only: readonly string[] | undefined;
  /** Where the report goes; undefined: print only. */
  readonly docsPath: string | undefined;
}

const FULL: RunProfile = {
  name: 'full', rounds: 5, warmupMs: 600, latencyMs: 2500, latencyMaxRequests: 4000, loadMs: 3000, connections: 50,
  streams: 20, streamChunks: 20, streamIntervalMs: 2, gapStreams: 3, gapMs: 50, bigStreamMiB: 100, agents: 10_000, inprocIterations: 20_000, profileMs: 6000,
};

const QUICK: RunProfile = {
  name: 'quick', rounds: 2, warmupMs: 200, latencyMs: 300, latencyMaxRequests: 1500, loadMs: 400, connections: 50,
  // 2,000 agents: the per-agent figure is judged pro rata (20 MiB per 10,000).
  streams: 5, streamChunks: 20, streamIntervalMs: 2, gapStreams: 1, gapMs: 50, bigStreamMiB: 100, agents: 2000, inprocIterations: 2500, profileMs: 0,
};

/**
 * `--quick`, `--only=pipeline-express,portkey`, `--docs=<path>` / `--no-docs`, `--cpu-prof` / `--no-cpu-prof`.
 * The full run writes docs/benchmarks.md by default; a quick run only prints, so a development run
 * never replaces the published numbers.
 */
export function parseOptions(argv: readonly string[], defaultDocsPath: string): RunOptions {
  const flag = (name: string): boolean => argv.includes(`--${name}`);
  const value = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const base = flag('quick') ? QUICK : FULL;
  let profileMs = base.profileMs;
  if (flag('cpu-prof')) profileMs = profileMs || 4000;
  if (flag('no-cpu-prof')) profileMs = 0;
  const only = value('only')?.split(',').filter((s) => s !== '');
  let docsPath = base.name === 'full' ? defaultDocsPath : undefined;
  if (value('docs') !== undefined) docsPath = value('docs');
  if (flag('docs')) docsPath = defaultDocsPath;
  if (flag('no-docs')) docsPath = undefined;
  const rounds = Number(value('rounds') ?? base.rounds);
  return { profile: { ...base, profileMs, rounds }, only, docsPath };
}
