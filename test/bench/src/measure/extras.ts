// The measurements that need their own process: the socket-free CPU run and the CPU profile.
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { endpointFor } from '../client/endpoint.js';
import { runConcurrent } from '../client/load.js';
import type { InprocFigures } from '../inproc/main.js';
import { ENTRY, startTarget } from '../lab.js';
import { type ProfiledRun, readProfile } from '../profile/cpu-profile.js';
import type { BuildContext, TargetSpec } from '../types.js';
import { chatRequestBody } from '../upstream/wire.js';

export function runInproc(iterations: number): Promise<InprocFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(ENTRY.inproc, [String(iterations)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message: { result: InprocFigures }) => {
      resolve(message.result);
      child.kill();
    });
    child.once('exit', (code) => reject(new Error(`in-process benchmark exited with ${String(code)}`)));
  });
}

/**
 * Profiles one target under load with `node --cpu-prof`: a fresh process, warmed up, then JSON at
 * 50 connections, then a clean exit so V8 writes the profile. Only the samples of the measured
 * window count (start-up and warm-up are skipped), divided by the requests served in it. The raw
 * profile is kept at `keepAs` (open it in Chrome DevTools or speedscope).
 */
export async function profileTarget(spec: TargetSpec, ctx: BuildContext, durationMs: number, keepAs: string): Promise<ProfiledRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cllama-bench-prof-'));
  try {
    const spawned = performance.now();
    const proc = await startTarget(spec, ctx, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const endpoint = endpointFor(spec, proc.origin, ctx.upstreamOrigin);
    await runConcurrent(endpoint, chatRequestBody(false), 8, 1500);
    const skipMs = performance.now() - spawned;
    const load = await runConcurrent(endpoint, chatRequestBody(false), 50, durationMs);
    await proc.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('--cpu-prof wrote no profile');
    mkdirSync(dirname(keepAs), { recursive: true });
    copyFileSync(join(dir, file), keepAs);
    return readProfile(keepAs, spec.id, skipMs, load.requests);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
