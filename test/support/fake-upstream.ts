import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture, fixtureJson, fixtureText, sseEvents } from './fixtures.js';

/** What the fake provider received, for assertions on keys, headers and rewritten bodies. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly rawBody: string;
  /** True once the proxy closed this connection before the fake finished answering. */
  closedEarly: boolean;
}

export interface FakeUpstream {
  /** Base URL including `/v1`, as a registry entry takes it. */
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  /** Lets a `gated-stream` response send its next event. */
  release(): void;
  /** Resolves when the fake has written the first event of a gated stream. */
  firstEventSent(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A provider stand-in on 127.0.0.1:0 that answers in today's wire shapes (the fixtures). The model
 * name the proxy sends upstream picks the behaviour, so one fake serves every scenario:
 *
 * - any other model: the format's normal answer (JSON or the fixture stream);
 * - `hang`: accepts the request and never answers;
 * - `hang-after-first-event`: sends the head and one event, then nothing;
 * - `gated-stream`: sends one event, then one more each time the test calls `release()`;
 * - `drop-mid-stream`: sends one event, then destroys the connection;
 * - `malformed-sse`: a stream of broken events;
 * - `error-400` / `error-500`: the provider's error JSON with that status;
 * - `reasoning`, `openrouter-cost`, `tool-calls`: the matching stream fixture.
 */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const received: ReceivedRequest[] = [];
  let waiters: Array<() => void> = [];
  let firstEventWaiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        // keep {}: the assertion on `rawBody` will show what arrived
      }
      const record: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, rawBody, closedEarly: false };
      received.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.closedEarly = true;
      });
      answer(req, res, body, {
        nextRelease: () => new Promise<void>((resolve) => waiters.push(resolve)),
        firstEventSent: () => {
          for (const w of firstEventWaiters) w();
          firstEventWaiters = [];
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    release() {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    },
    firstEventSent: () => new Promise<void>((resolve) => firstEventWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Controls {
  nextRelease(): Promise<void>;
  firstEventSent(): void;
}

function answer(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, controls: Controls): void {
  const model = String(body['model'] ?? '');
  const path = req.url ?? '';
  const anthropic = path.startsWith('/v1/messages');
  if (model === 'hang') return;
  if (model === 'error-400' || model === 'error-500') {
    const status = model === 'error-400' ? 400 : 500;
    const payload = anthropic
      ? { type: 'error', error: { type: 'invalid_request_error', message: `fake ${status}` } }
      : { error: { message: `fake ${status}`, type: 'invalid_request_error', code: 'fake_error', param: null } };
    res.writeHead(status, { 'content-type': 'application/json', 'x-fake-upstream': 'yes' });
    res.end(JSON.stringify(payload));
    return;
  }
  if (path.startsWith('/v1/embeddings')) return json(res, fixtureJson('openai-embeddings.json'));
  if (body['stream'] !== true) {
    if (path.startsWith('/v1/responses')) return json(res, { id: 'resp_1', object: 'response', model, status: 'completed', output: [], usage: { input_tokens: 36, output_tokens: 87, output_tokens_details: { reasoning_tokens: 64 } } });
    return json(res, anthropic ? fixtureJson('anthropic-messages.json') : fixtureJson('openai-chat.json'));
  }
  const events = streamEvents(model, path, body);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-fake-upstream': 'yes' });
  void writeEvents(res, model, events, controls);
}

function streamEvents(model: string, path: string, body: Record<string, unknown>): string[] {
  if (model === 'malformed-sse') {
    return ['data: {"choices":[{"delta":{"content":"ok"\n\n', 'data: not json at all\n\n', 'event: \u0000\ndata: {"usage":\n\n', ':\n\n', 'data: [DONE]\n\n'];
  }
  if (path.startsWith('/v1/messages')) return sseEvents(fixtureText('anthropic-messages-stream-tool-cache.sse'));
  if (path.startsWith('/v1/responses')) return sseEvents(fixtureText('openai-responses-stream.sse'));
  if (model === 'reasoning') return sseEvents(fixtureText('openai-chat-stream-reasoning-crlf.sse'));
  if (model === 'openrouter-cost') return sseEvents(fixtureText('openrouter-chat-stream-cost.sse'));
  if (model === 'tool-calls') return sseEvents(fixtureText('openai-chat-stream-tool-calls.sse'));
  const events = sseEvents(fixture('openai-chat-stream-usage.sse').toString('utf8'));
  // Like OpenAI: the usage-only chunk is sent only when the request asked for it.
  const options = body['stream_options'] as { include_usage?: boolean } | undefined;
  return options?.include_usage === true ? events : events.filter((e) => !e.includes('"choices":[]'));
}

async function writeEvents(res: ServerResponse, model: string, events: string[], controls: Controls): Promise<void> {
  for (const [i, event] of events.entries()) {
    if (res.destroyed) return;
    res.write(event);
    if (i === 0) {
      controls.firstEventSent();
      if (model === 'hang-after-first-event') return;
      if (model === 'drop-mid-stream') {
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
    }
    if (model === 'gated-stream' && i < events.length - 1) await controls.nextRelease();
  }
  res.end();
}

function json(res: ServerResponse, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(200, {
    'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-fake-upstream': 'yes',
    // Account details a real provider sends back to the key holder; the proxy must not pass them on.
    'openai-organization': 'org-proxy-account', 'set-cookie': '__cf_bm=proxy-session; path=/',
  });
  res.end(text);
}
