// The load clients. Both are closed-loop (a new request only when one finished) and use undici,
// the cheapest HTTP client in Node, so on this 2-core machine the generator steals as little CPU
// from the proxy as possible. The sequential one times each request with hrtime (µs resolution;
// autocannon buckets latencies in whole milliseconds, which hides sub-millisecond overhead).
import { Client, Pool } from 'undici';
import type { Endpoint } from './endpoint.js';

export interface SequentialResult {
  /** Per-request latency, request start to last body byte, in ms (µs resolution). */
  readonly latenciesMs: number[];
  readonly errors: number;
  readonly elapsedMs: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
}

/** One keep-alive connection, one request at a time, until `durationMs` or `maxRequests`. */
export async function runSequential(endpoint: Endpoint, body: Buffer, durationMs: number, maxRequests: number): Promise<SequentialResult> {
  const client = new Client(endpoint.origin, { pipelining: 1 });
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  try {
    while (latenciesMs.length + errors < maxRequests && performance.now() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        const res = await client.request({ path: endpoint.path, method: 'POST', headers: endpoint.headers, body });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) errors++;
        else latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch {
        errors++;
      }
    }
  } finally {
    await client.close();
  }
  return { latenciesMs, errors, elapsedMs: performance.now() - started };
}

/** `connections` workers, each one request in flight, for `durationMs`. */
export async function runConcurrent(endpoint: Endpoint, body: Buffer, connections: number, durationMs: number): Promise<LoadResult> {
  const pool = new Pool(endpoint.origin, { connections, pipelining: 1 });
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        const res = await pool.request({ path: endpoint.path, method: 'POST', headers: endpoint.headers, body });
        await res.body.arrayBuffer();
        if (res.statusCode === 200) requests++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    await pool.close();
  }
  return { requests, errors, elapsedMs: performance.now() - started };
}

/** Runs `count` requests, `concurrency` at a time, each with its own endpoint (the 10k-agents test). */
export async function runEach(endpoints: (i: number) => Endpoint, count: number, concurrency: number, body: Buffer): Promise<number> {
  const first = endpoints(0);
  const pool = new Pool(first.origin, { connections: concurrency, pipelining: 1 });
  let next = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const endpoint = endpoints(next++);
      const res = await pool.request({ path: endpoint.path, method: 'POST', headers: endpoint.headers, body });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  return errors;
}
