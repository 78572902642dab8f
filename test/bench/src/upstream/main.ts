// The fake OpenAI upstream, run in its own process so its work never shares an event loop with the
// proxy under test or the load generator. Answers POST /v1/chat/completions in JSON or SSE.
//
// Defaults come from argv[2] (JSON `UpstreamConfig`); a request may override them with an
// `x_bench` object in its body (a field real clients never send; every proxy here passes it on).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { announceReady, serveControl } from '../proc/control.js';
import { chatCompletionBody, DONE_EVENT, deltaEvent, finishEvent, usageEvent } from './wire.js';

export interface UpstreamConfig {
  /** Delay before the response head (JSON) or the first event (SSE). */
  readonly latencyMs: number;
  /** Content events per stream. */
  readonly chunks: number;
  /** Characters of content per event. */
  readonly chunkBytes: number;
  /** Gap between events; 0 writes as fast as the socket drains (the 100 MB mode). */
  readonly intervalMs: number;
}

const defaults: UpstreamConfig = { latencyMs: 0, chunks: 20, chunkBytes: 32, intervalMs: 2, ...parseArg(process.argv[2]) };
const contentCache = new Map<number, string>();

function parseArg(text: string | undefined): Partial<UpstreamConfig> {
  return text === undefined ? {} : (JSON.parse(text) as Partial<UpstreamConfig>);
}

/** Content of a given size, built once per size: the upstream should cost as little CPU as possible. */
function contentOf(size: number): string {
  let text = contentCache.get(size);
  if (text === undefined) {
    text = 'x'.repeat(size);
    contentCache.set(size, text);
  }
  return text;
}

function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    model?: string;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    x_bench?: Partial<UpstreamConfig>;
  };
  const config = { ...defaults, ...body.x_bench };
  const model = 'gpt-4o-mini-2024-07-18';
  if (config.latencyMs > 0) await sleep(config.latencyMs);
  if (body.stream !== true) {
    const payload = chatCompletionBody(model);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
    res.end(payload);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const content = contentOf(config.chunkBytes);
  for (let i = 0; i < config.chunks; i++) {
    if (res.destroyed) return;
    if (i > 0 && config.intervalMs > 0) await sleep(config.intervalMs);
    // Respect back-pressure so the 100 MB mode measures the proxy, not our own buffering.
    if (!res.write(deltaEvent(model, content, epochMs()))) await once(res, 'drain');
  }
  res.write(finishEvent(model, epochMs()));
  if (body.stream_options?.include_usage === true) res.write(usageEvent(model));
  res.end(DONE_EVENT);
}

const server = http.createServer((req, res) => {
  answer(req, res).catch(() => res.destroy());
});
// Proxies keep idle sockets between rounds; a longer keep-alive than Node's 5 s default avoids
// measuring the reconnect race instead of the proxy.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('upstream has no port');
  serveControl(async () => {
    server.closeAllConnections();
  });
  announceReady(address.port);
});
