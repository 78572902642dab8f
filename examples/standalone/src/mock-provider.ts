import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The demo's built-in provider: an OpenAI- and Anthropic-compatible echo server on loopback, so a
 * fresh clone has something real to route to. It repeats the last user message back, streams it
 * word by word when asked, and reports usage the way the real providers do (a word is a token here).
 */
export interface MockProvider {
  readonly baseUrl: string;
  close(): Promise<void>;
}

export const MOCK_MODELS = ['echo', 'echo-mini'] as const;

export async function startMockProvider(host = '127.0.0.1'): Promise<MockProvider> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
      }
      const path = req.url ?? '';
      if (path.endsWith('/chat/completions')) return chat(res, body);
      if (path.endsWith('/messages')) return messages(res, body);
      if (path.endsWith('/embeddings')) return embeddings(res, body);
      send(res, 404, { error: { message: `mock provider does not serve ${path}`, type: 'not_found_error' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}/v1`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Array<Record<string, unknown>>) : [];
  const user = [...messages].reverse().find((m) => m['role'] === 'user');
  const content = user?.['content'];
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === 'object' && p !== null && 'text' in p ? String(p.text) : '')).join(' ');
  }
  return '';
}

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');
const countTokens = (body: Record<string, unknown>): number => Math.max(1, words(JSON.stringify(body['messages'] ?? '')).length);

function chat(res: ServerResponse, body: Record<string, unknown>): void {
  const reply = `echo: ${lastUserText(body)}`;
  const model = String(body['model']);
  const usage = { prompt_tokens: countTokens(body), completion_tokens: words(reply).length, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  if (body['stream'] !== true) {
    return send(res, 200, {
      id: 'chatcmpl-mock', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
      choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }], usage,
    });
  }
  const base = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const events: object[] = words(reply).map((w, i) => ({ ...base, choices: [{ index: 0, delta: { content: (i ? ' ' : '') + w }, finish_reason: null }] }));
  events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  const wantsUsage = (body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage === true;
  const lines = events.map((e) => `data: ${JSON.stringify(e)}\n\n`);
  if (wantsUsage) lines.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  lines.push('data: [DONE]\n\n');
  stream(res, lines);
}

function messages(res: ServerResponse, body: Record<string, unknown>): void {
  const reply = `echo: ${lastUserText(body)}`;
  const model = String(body['model']);
  const usage = { input_tokens: countTokens(body), output_tokens: words(reply).length };
  if (body['stream'] !== true) {
    return send(res, 200, {
      id: 'msg_mock', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: reply }],
      stop_reason: 'end_turn', stop_sequence: null, usage,
    });
  }
  const event = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  stream(res, [
    event('message_start', { message: { id: 'msg_mock', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: usage.input_tokens, output_tokens: 1 } } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...words(reply).map((w, i) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: (i ? ' ' : '') + w } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage }),
    event('message_stop', {}),
  ]);
}

function embeddings(res: ServerResponse, body: Record<string, unknown>): void {
  const inputs = Array.isArray(body['input']) ? (body['input'] as unknown[]) : [body['input']];
  const tokens = inputs.reduce<number>((n, i) => n + words(String(i ?? '')).length, 0);
  send(res, 200, {
    object: 'list', model: String(body['model']),
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 0.3] })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function stream(res: ServerResponse, lines: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  // A few milliseconds between events, so the demo visibly streams.
  const tick = (): void => {
    if (res.destroyed) return;
    if (i === lines.length) return void res.end();
    res.write(lines[i++]);
    setTimeout(tick, 15);
  };
  tick();
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
