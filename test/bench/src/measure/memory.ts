// Memory figures, read inside the target process (RSS and heap after a forced full GC, and RSS
// sampled without GC while a stream runs, so a transient buffer shows up as the peak).
import { Client } from 'undici';
import { type Endpoint, endpointFor } from '../client/endpoint.js';
import { runEach } from '../client/load.js';
import { measureStream } from '../client/stream.js';
import type { RunningProcess } from '../proc/child.js';
import type { MemReply } from '../proc/control.js';
import type { TargetSpec } from '../types.js';
import { chatRequestBody } from '../upstream/wire.js';

export interface BigStreamFigures {
  readonly target: string;
  readonly bytes: number;
  readonly seconds: number;
  readonly before: MemReply;
  /** Highest RSS sampled every 20 ms during the stream (no forced GC). */
  readonly peakRss: number;
  readonly after: MemReply;
  /** After a second stream of the same size: growth that repeats is retention, growth that does not is a high-water mark. */
  readonly afterSecond: MemReply;
}

const EVENT_BYTES = 16 * 1024;

/** One SSE stream of ~`mib` MiB through the target, read as fast as the client can. */
export async function bigStream(id: string, proc: RunningProcess, endpoint: Endpoint, mib: number): Promise<BigStreamFigures> {
  const chunks = Math.ceil((mib * 1024 * 1024) / (EVENT_BYTES + 200));
  const body = chatRequestBody(true, { chunks, chunkBytes: EVENT_BYTES, intervalMs: 0 });
  const client = new Client(endpoint.origin);
  // A tenth of the stream first, so first-use allocations (parsers, JIT, the young generation
  // growing to its working size) are not counted as growth caused by the stream's length.
  await measureStream(client, endpoint, chatRequestBody(true, { chunks: Math.ceil(chunks / 10), chunkBytes: EVENT_BYTES, intervalMs: 0 }), false);
  const before = await proc.mem(true);
  let peakRss = before.rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakRss = Math.max(peakRss, (await proc.mem(false)).rss);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const t0 = performance.now();
  const sample = await measureStream(client, endpoint, body, false);
  const seconds = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  if (!sample.ok) throw new Error(`${id}: the long stream failed`);
  const after = await proc.mem(true);
  await measureStream(client, endpoint, body, false);
  const afterSecond = await proc.mem(true);
  await client.close();
  return { target: id, bytes: sample.bytes, seconds, before, peakRss, after, afterSecond };
}

export interface AgentStateFigures {
  readonly agents: number;
  /** Fresh process with one agent, after 500 + `agents` requests from that agent. */
  readonly oneAgent: MemReply;
  /** Fresh process with `agents` agents in its map, before and after one request from each. */
  readonly manyBefore: MemReply;
  readonly manyAfter: MemReply;
  readonly errors: number;
}

const JSON_BODY = chatRequestBody(false);

/**
 * Per-agent state: two fresh pipeline processes serve the same number of requests, one from a single
 * agent, one from `agents` distinct agents (each once). The difference after GC is what the agent
 * map and the identity cache hold for those agents; the rest of the process is the same.
 */
export async function agentState(
  target: TargetSpec,
  start: (agentCount: number) => Promise<RunningProcess>,
  upstreamOrigin: string,
  agents: number,
): Promise<AgentStateFigures> {
  const one = await start(1);
  let errors = 0;
  let oneAgent: MemReply;
  try {
    errors += await runEach(() => endpointFor(target, one.origin, upstreamOrigin, 0), 500 + agents, 10, JSON_BODY);
    oneAgent = await one.mem(true);
  } finally {
    await one.stop();
  }
  const many = await start(agents);
  try {
    // Same warm-up as the other process gets from its first requests: agent 0, a few hundred times.
    errors += await runEach(() => endpointFor(target, many.origin, upstreamOrigin, 0), 500, 10, JSON_BODY);
    const manyBefore = await many.mem(true);
    errors += await runEach((i) => endpointFor(target, many.origin, upstreamOrigin, i), agents, 10, JSON_BODY);
    const manyAfter = await many.mem(true);
    return { agents, oneAgent, manyBefore, manyAfter, errors };
  } finally {
    await many.stop();
  }
}
