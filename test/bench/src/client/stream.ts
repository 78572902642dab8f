// SSE timing client. wrk and autocannon time whole responses; a stream needs the time to the first
// body byte and, per event, how long it took from the upstream's write to the client's read.
import { Client } from 'undici';
import type { Endpoint } from './endpoint.js';

export interface StreamSample {
  /** Request start to the first body byte (ms). */
  readonly ttfbMs: number;
  /** Per content event: client arrival minus the upstream's `x_sent_at` stamp (ms). */
  readonly delaysMs: number[];
  /** Stamped events received; fewer than sent means one was lost. */
  readonly events: number;
  /** Reads that carried more than one stamped event although the upstream spaced them apart. */
  readonly coalesced: number;
  readonly bytes: number;
  readonly ok: boolean;
}

const STAMP = '"x_sent_at":';

function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Streams one response and timestamps every read. Upstream and client clocks are both derived from
 * the system clock; a constant offset between them cancels when a target is compared with direct.
 */
export async function measureStream(client: Client, endpoint: Endpoint, body: Buffer, parseEvents = true): Promise<StreamSample> {
  const t0 = performance.now();
  const res = await client.request({ path: endpoint.path, method: 'POST', headers: endpoint.headers, body });
  let ttfbMs = Number.NaN;
  const delaysMs: number[] = [];
  let coalesced = 0;
  let bytes = 0;
  let carry = '';
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    const arrived = epochMs();
    if (bytes === 0) ttfbMs = performance.now() - t0;
    bytes += chunk.length;
    if (!parseEvents) continue;
    // Stamps are found per read; `carry` keeps a stamp cut between two reads.
    const text = carry + chunk.toString('latin1');
    let stampsInRead = 0;
    let at = text.indexOf(STAMP);
    let consumed = 0;
    while (at !== -1) {
      const end = text.indexOf('}', at);
      if (end === -1) break;
      delaysMs.push(arrived - Number(text.slice(at + STAMP.length, end)));
      stampsInRead++;
      consumed = end;
      at = text.indexOf(STAMP, end);
    }
    carry = text.slice(Math.max(consumed, text.length - 64));
    if (stampsInRead > 1) coalesced += stampsInRead - 1;
  }
  return { ttfbMs, delaysMs, events: delaysMs.length, coalesced, bytes, ok: res.statusCode === 200 };
}

/** Runs `count` streams one after another over one keep-alive connection. */
export async function runStreams(endpoint: Endpoint, body: Buffer, count: number): Promise<StreamSample[]> {
  const client = new Client(endpoint.origin, { pipelining: 1 });
  const samples: StreamSample[] = [];
  try {
    for (let i = 0; i < count; i++) samples.push(await measureStream(client, endpoint, body));
  } finally {
    await client.close();
  }
  return samples;
}
