import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, AGENT, eventually, KEYS, type RunningApp, startApp } from '../support/apps.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';

// The conformance suite: the official SDKs, pointed at the proxy with nothing but an agent token,
// against a fake provider on port 0, once per adapter.
describe.each(ADAPTERS)('%s adapter: the official SDKs through the proxy', (adapter) => {
  let upstream: FakeUpstream;
  let app: RunningApp;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    app = await startApp(adapter, { upstreamBaseUrl: upstream.baseUrl });
    openai = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: AGENT.token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: app.url, apiKey: AGENT.token, maxRetries: 0 });
  });
  afterAll(async () => {
    await app.close();
    await upstream.close();
  });

  const lastReceived = () => upstream.received.at(-1)!;
  const recordFor = (requestId: string | null) => eventually(() => app.records.find((r) => r.request_id === requestId));

  it('chat completion JSON: real key and upstream model reach the provider, usage and cost reach the audit', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Capital of France?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Paris.');
    expect(response.headers.get('openai-organization')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    const seen = lastReceived();
    expect(seen.url).toBe('/v1/chat/completions');
    expect(seen.headers['authorization']).toBe(`Bearer ${KEYS.openai}`);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.rawBody).not.toContain(AGENT.secret);
    expect(seen.body['model']).toBe('gpt-4o');
    const record = await recordFor(response.headers.get('x-cllama-request-id'));
    expect(record).toMatchObject({
      claw_id: AGENT.id, model: 'openai/gpt-4o', provider: 'openai', upstream_model: 'gpt-4o',
      status_code: 200, tokens_in: 14, tokens_out: 2, usage_source: 'json', pricing_status: 'priced',
      intervention: null,
    });
    // gpt-4o: $2.50 in / $10 out per million tokens.
    expect(record.cost_usd).toBeCloseTo((14 * 2.5 + 2 * 10) / 1e6, 12);
  });

  it('streaming chat: usage is tapped from SSE and the injected usage chunk is hidden from the client', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello! How can I help you today?');
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(lastReceived().body['stream_options']).toEqual({ include_usage: true });
    const record = await eventually(() => app.records.find((r) => r.model === 'openai/gpt-4o-mini' && r.stream));
    expect(record).toMatchObject({ tokens_in: 19, tokens_out: 10, cached_tokens: 0, usage_source: 'sse', pricing_status: 'priced' });
  });

  it('streaming chat: a client that asked for usage gets the usage chunk', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4o-mini', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 10 });
  });

  it('anthropic messages JSON: x-api-key is swapped for the real key, cache writes are counted', async () => {
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-opus-4-1', max_tokens: 64, messages: [{ role: 'user', content: 'Capital?' }] })
      .withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'Paris.' });
    const seen = lastReceived();
    expect(seen.url).toBe('/v1/messages');
    expect(seen.headers['x-api-key']).toBe(KEYS.anthropic);
    expect(seen.headers['authorization']).toBeUndefined();
    expect(seen.headers['anthropic-version']).toBeDefined();
    const record = await recordFor(response.headers.get('x-cllama-request-id'));
    // Anthropic reports 21 uncached + 1200 cache-write input tokens; the record counts all input.
    expect(record).toMatchObject({ provider: 'anthropic', tokens_in: 1221, cache_write_tokens: 1200, tokens_out: 5, pricing_status: 'priced' });
  });

  it('anthropic messages streaming with a bearer token: message_start and message_delta usage are merged', async () => {
    const bearer = new Anthropic({ baseURL: app.url, authToken: AGENT.token, apiKey: null, maxRetries: 0 });
    const stream = bearer.messages.stream({
      model: 'anthropic/claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'weather?' }],
    });
    const message = await stream.finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(message.usage.output_tokens).toBe(89);
    expect(lastReceived().body['model']).toBe('claude-sonnet-4-5');
    expect(lastReceived().headers['authorization']).toBeUndefined();
    const record = await eventually(() => app.records.find((r) => r.model === 'anthropic/claude-sonnet-4-5'));
    expect(record).toMatchObject({ tokens_in: 2520, cached_tokens: 2048, tokens_out: 89, usage_source: 'sse' });
  });

  it('embeddings: usage from the JSON body', async () => {
    const { response } = await openai.embeddings
      .create({ model: 'openai/text-embedding-3-small', input: 'hello' })
      .withResponse();
    const record = await recordFor(response.headers.get('x-cllama-request-id'));
    expect(record).toMatchObject({ format: 'embeddings', tokens_in: 8, tokens_out: 0, pricing_status: 'priced' });
  });

  it('keyless provider: the upstream receives no credential at all', async () => {
    await openai.chat.completions.create({ model: 'local/llama3', messages: [{ role: 'user', content: 'hi' }] });
    const seen = lastReceived();
    expect(seen.headers['authorization']).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.body['model']).toBe('llama3');
    const record = await eventually(() => app.records.find((r) => r.provider === 'local'));
    // A model the price database does not know is unpriced, never $0.
    expect(record).toMatchObject({ pricing_status: 'unpriced', unpriced_reason: 'unknown_model' });
    expect(record.cost_usd).toBeUndefined();
  });

  it('a named-header provider gets its key in that header only', async () => {
    await openai.chat.completions.create({ model: 'custom/gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const seen = lastReceived();
    expect(seen.headers['api-key']).toBe(KEYS.custom);
    expect(seen.headers['authorization']).toBeUndefined();
  });

  it('provider-reported cost wins over the price table', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai/openrouter-cost', stream: true, messages: [{ role: 'user', content: 'hi' }],
    });
    const text: string[] = [];
    for await (const chunk of stream) text.push(chunk.choices[0]?.delta.content ?? '');
    expect(text.join('')).toBe('Hi there');
    const record = await eventually(() => app.records.find((r) => r.upstream_model === 'openrouter-cost'));
    expect(record).toMatchObject({ tokens_in: 12, tokens_out: 6, cost_usd: 0.000126, cost_source: 'reported' });
  });

  it('the SDKs raise their typed errors for refusals', async () => {
    const wrong = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: 'agent-1:wrong', maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'openai/gpt-4o', messages: [] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const wrongAnthropic = new Anthropic({ baseURL: app.url, apiKey: 'agent-1:wrong', maxRetries: 0 });
    await expect(
      wrongAnthropic.messages.create({ model: 'claude-opus-4-1', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(openai.chat.completions.create({ model: 'nowhere/x', messages: [] })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
  });

  it('no agent token ever reached the provider', () => {
    expect(upstream.received.length).toBeGreaterThan(5);
    for (const request of upstream.received) {
      expect(JSON.stringify(request.headers) + request.rawBody).not.toContain(AGENT.secret);
    }
  });

  it('no provider key appears in any audit record', () => {
    expect(app.records.length).toBeGreaterThan(5);
    const all = JSON.stringify(app.records);
    for (const key of Object.values(KEYS)) expect(all).not.toContain(key);
    expect(all).not.toContain(AGENT.secret);
  });
});
