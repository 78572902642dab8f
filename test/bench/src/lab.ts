// Starts the fake upstream and every target, checks each one answers correctly before anything is
// measured, and stops them all at the end.
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { type Endpoint, endpointFor } from './client/endpoint.js';
import { measureStream } from './client/stream.js';
import type { TargetUnderTest } from './measure/round.js';
import { type RunningProcess, startCommand, startForked } from './proc/child.js';
import type { BuildContext, TargetSpec } from './types.js';
import { chatRequestBody } from './upstream/wire.js';

export const ENTRY = {
  upstream: fileURLToPath(new URL('./upstream/main.js', import.meta.url)),
  target: fileURLToPath(new URL('./servers/target-main.js', import.meta.url)),
  inproc: fileURLToPath(new URL('./inproc/main.js', import.meta.url)),
};

export interface Lab {
  readonly upstream: RunningProcess;
  readonly running: ReadonlyMap<string, TargetUnderTest>;
  /** Why a target was left out or lost its stream phase. */
  readonly notes: string[];
  stop(): Promise<void>;
}

export function startTarget(spec: TargetSpec, ctx: BuildContext, execArgv: readonly string[] = []): Promise<RunningProcess> {
  if (spec.launch.kind === 'child') return startForked(ENTRY.target, [spec.id, JSON.stringify(ctx)], execArgv);
  if (spec.launch.kind === 'command') return startCommand(spec.launch.argv);
  throw new Error(`${spec.id} is not a proxy process`);
}

export async function startLab(targets: readonly TargetSpec[], workDir: string, streamChunks: number): Promise<Lab> {
  const upstream = await startForked(ENTRY.upstream, [JSON.stringify({ chunks: streamChunks })]);
  const ctx: BuildContext = { upstreamOrigin: upstream.origin, workDir, agentCount: 1 };
  const running = new Map<string, TargetUnderTest>();
  const notes: string[] = [];
  for (const spec of targets) {
    let proc: RunningProcess;
    try {
      proc = spec.launch.kind === 'upstream' ? upstream : await startTarget(spec, ctx);
    } catch (error) {
      notes.push(`${spec.id} left out: it did not start (${String(error)}).`);
      continue;
    }
    const endpoint = endpointFor(spec, proc.origin, upstream.origin);
    const problem = await smokeTest(endpoint, spec.streams);
    if (problem.json !== undefined) {
      notes.push(`${spec.id} left out: ${problem.json}.`);
      if (proc !== upstream) await proc.stop();
      continue;
    }
    if (problem.stream !== undefined) notes.push(`${spec.id}: streams not measured (${problem.stream}).`);
    if (!spec.streams && spec.note !== undefined) notes.push(`${spec.id}: ${spec.note}.`);
    running.set(spec.id, { id: spec.id, endpoint, process: proc, streams: spec.streams && problem.stream === undefined });
  }
  return {
    upstream,
    running,
    notes,
    async stop() {
      for (const t of running.values()) if (t.process !== upstream) await t.process.stop();
      await upstream.stop();
    },
  };
}

/** One JSON request and one stream, checked for status and shape. */
async function smokeTest(endpoint: Endpoint, streams: boolean): Promise<{ json?: string; stream?: string }> {
  const client = new Client(endpoint.origin);
  try {
    const res = await client.request({ path: endpoint.path, method: 'POST', headers: endpoint.headers, body: chatRequestBody(false) });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes('"chat.completion"')) return { json: `JSON request answered ${res.statusCode}: ${text.slice(0, 200)}` };
    if (!streams) return {};
    const sample = await measureStream(client, endpoint, chatRequestBody(true, { chunks: 3, chunkBytes: 8, intervalMs: 0 }));
    if (!sample.ok || sample.events !== 4) return { stream: `stream answered ok=${sample.ok} with ${sample.events} of 4 stamped events` };
    return {};
  } catch (error) {
    return { json: `request failed: ${String(error)}` };
  } finally {
    await client.close();
  }
}
