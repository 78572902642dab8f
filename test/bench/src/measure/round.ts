// One target, one round: warm up, time sequential requests, load at 50 connections while reading
// the target's own CPU time, then time streams.
import { type Endpoint } from '../client/endpoint.js';
import { runConcurrent, runSequential } from '../client/load.js';
import { runStreams } from '../client/stream.js';
import type { RunProfile } from '../options.js';
import type { RunningProcess } from '../proc/child.js';
import { percentile } from '../stats.js';
import { chatRequestBody } from '../upstream/wire.js';

export interface StreamFigures {
  /** Median over the round's streams. */
  readonly ttfbMs: number;
  /** Per-event upstream→client delay, over all events of the round. */
  readonly delayP50Ms: number;
  readonly delayP99Ms: number;
  readonly coalesced: number;
  /** Streams that lost an event or failed. */
  readonly broken: number;
  /** Events of the gap streams that arrived more than half a gap late: held until later bytes came. */
  readonly heldBack: number;
  readonly gapEvents: number;
}

export interface RoundSample {
  readonly target: string;
  readonly round: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rps1: number;
  readonly rps50: number;
  readonly errors: number;
  /** The target process's CPU time (user + system) during the 50-connection phase, per request. */
  readonly cpuUsPerRequest: number;
  readonly stream: StreamFigures | undefined;
}

export interface TargetUnderTest {
  readonly id: string;
  readonly endpoint: Endpoint;
  /** The process whose CPU is read (the upstream itself for `direct`). */
  readonly process: RunningProcess;
  readonly streams: boolean;
}

const JSON_BODY = chatRequestBody(false);

export async function measureRound(t: TargetUnderTest, round: number, profile: RunProfile): Promise<RoundSample> {
  await runConcurrent(t.endpoint, JSON_BODY, 8, profile.warmupMs);
  const seq = await runSequential(t.endpoint, JSON_BODY, profile.latencyMs, profile.latencyMaxRequests);
  const cpuBefore = await t.process.cpu();
  const load = await runConcurrent(t.endpoint, JSON_BODY, profile.connections, profile.loadMs);
  const cpuAfter = await t.process.cpu();
  const cpuUs = cpuAfter.userUs + cpuAfter.systemUs - cpuBefore.userUs - cpuBefore.systemUs;
  const stream = t.streams ? await measureStreams(t.endpoint, profile) : undefined;
  return {
    target: t.id,
    round,
    p50Ms: percentile(seq.latenciesMs, 50),
    p99Ms: percentile(seq.latenciesMs, 99),
    rps1: (seq.latenciesMs.length / seq.elapsedMs) * 1000,
    rps50: (load.requests / load.elapsedMs) * 1000,
    errors: seq.errors + load.errors,
    cpuUsPerRequest: load.requests > 0 ? cpuUs / load.requests : Number.NaN,
    stream,
  };
}

async function measureStreams(endpoint: Endpoint, profile: RunProfile): Promise<StreamFigures> {
  const body = chatRequestBody(true, { chunks: profile.streamChunks, chunkBytes: 32, intervalMs: profile.streamIntervalMs });
  const samples = await runStreams(endpoint, body, profile.streams);
  // The upstream stamps its content events and the finish event.
  const expected = profile.streamChunks + 1;
  const delays = samples.flatMap((s) => s.delaysMs);
  // With events `gapMs` apart, a proxy that waits for more bytes before writing delays an event by a
  // whole gap; scheduling noise on this machine is a few ms, far below half of it.
  const gapBody = chatRequestBody(true, { chunks: 5, chunkBytes: 32, intervalMs: profile.gapMs });
  const gaps = await runStreams(endpoint, gapBody, profile.gapStreams);
  const gapDelays = gaps.flatMap((s) => s.delaysMs);
  return {
    ttfbMs: percentile(samples.map((s) => s.ttfbMs), 50),
    delayP50Ms: percentile(delays, 50),
    delayP99Ms: percentile(delays, 99),
    coalesced: samples.reduce((sum, s) => sum + s.coalesced, 0),
    broken: samples.filter((s) => !s.ok || s.events !== expected).length + gaps.filter((s) => !s.ok || s.events !== 6).length,
    heldBack: gapDelays.filter((d) => d > profile.gapMs / 2).length,
    gapEvents: gapDelays.length,
  };
}
