import http from 'node:http';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, AGENT, eventually, useProxy } from '../support/apps.js';

const chatBody = (model: string) =>
  JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });

describe.each(ADAPTERS)('%s adapter: streams', (adapter) => {
  const proxy = useProxy(adapter);

  /** Opens a streaming request with node:http so the test controls when to read and when to hang up. */
  function openStream(model: string): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${proxy.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT.token}` },
      });
      req.on('response', (res) => resolve({ res, req }));
      req.on('error', reject);
      req.end(chatBody(model));
    });
  }

  const nextChunk = (res: http.IncomingMessage): Promise<string> =>
    new Promise((resolve) => res.once('data', (c: Buffer) => resolve(c.toString('utf8'))));

  it('chunks reach the client as they arrive: the first before the upstream sends the second', async () => {
    const { res } = await openStream('openai/gated-stream');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const first = await nextChunk(res);
    expect(first).toContain('"role":"assistant"');
    // Only now may the upstream go on: the client already holds the first event.
    const rest: string[] = [];
    res.on('data', (c: Buffer) => rest.push(c.toString('utf8')));
    const ended = new Promise((r) => res.on('end', r));
    const release = setInterval(() => proxy.upstream.release(), 5);
    await ended;
    clearInterval(release);
    expect(rest.join('')).toContain('data: [DONE]');
    // The usage chunk we asked the upstream for was hidden from this client.
    expect(rest.join('')).not.toContain('"choices":[]');
    const record = await eventually(() => proxy.app.records.find((r) => r.upstream_model === 'gated-stream'));
    expect(record).toMatchObject({ status_code: 200, completion: 'complete', tokens_in: 19, tokens_out: 10 });
  });

  it('a client that hangs up mid-stream aborts the upstream and still leaves a record with an estimate', async () => {
    const before = proxy.upstream.received.length;
    const { res, req } = await openStream('openai/gated-stream');
    await nextChunk(res);
    req.destroy();
    const seen = await eventually(() => proxy.upstream.received[before]);
    await eventually(() => seen.closedEarly);
    const record = await eventually(() =>
      proxy.app.records.find((r) => r.upstream_model === 'gated-stream' && r.completion === 'client_aborted'),
    );
    expect(record.usage_source).toBe('estimate');
    expect(record.tokens_in).toBeGreaterThan(0);
    proxy.upstream.release();
  });

  it('an upstream that drops the connection mid-stream ends the client stream with an in-band error', async () => {
    const { res } = await openStream('openai/drop-mid-stream');
    const chunks: string[] = [];
    for await (const c of res) chunks.push((c as Buffer).toString('utf8'));
    const text = chunks.join('');
    expect(text).toContain('"role":"assistant"');
    expect(text).toContain('"code":"upstream_stream_broken"');
    const record = await eventually(() => proxy.app.records.find((r) => r.upstream_model === 'drop-mid-stream'));
    expect(record).toMatchObject({ status_code: 200, completion: 'upstream_failed' });
  });

  it('an upstream that stalls after the first event is cut at the idle timeout, in-band', async () => {
    const { res } = await openStream('openai/hang-after-first-event');
    const chunks: string[] = [];
    for await (const c of res) chunks.push((c as Buffer).toString('utf8'));
    expect(chunks.join('')).toContain('"code":"upstream_idle_timeout"');
    const record = await eventually(() => proxy.app.records.find((r) => r.upstream_model === 'hang-after-first-event'));
    expect(record).toMatchObject({ completion: 'timeout' });
  });

  it('the openai SDK surfaces the in-band error as an error', async () => {
    const openai = new OpenAI({ baseURL: `${proxy.app.url}/v1`, apiKey: AGENT.token, maxRetries: 0 });
    const stream = await openai.chat.completions.create({
      model: 'openai/drop-mid-stream', stream: true, messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(async () => {
      for await (const _ of stream) void _;
    }).rejects.toThrow(/upstream stream ended unexpectedly/);
  });

  it('stream fixtures pass through byte for byte when nothing is hidden', async () => {
    const res = await fetch(`${proxy.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT.token}` },
      body: JSON.stringify({ model: 'openai/reasoning', stream: true, stream_options: { include_usage: true }, messages: [] }),
    });
    const { fixtureText } = await import('../support/fixtures.js');
    expect(await res.text()).toBe(fixtureText('openai-chat-stream-reasoning-crlf.sse'));
    const record = await eventually(() => proxy.app.records.find((r) => r.upstream_model === 'reasoning'));
    expect(record).toMatchObject({ tokens_in: 1834, cached_tokens: 1536, tokens_out: 412, reasoning_tokens: 384 });
  });
});
