import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { compose } from '../../compose.js';
import { ConfigurationError, UpstreamError } from '../../errors.js';
import { type Completion, Exchange } from '../../exchange.js';
import type { ProviderApi } from '../../formats/types.js';
import { createSseParser } from '../../sse/parser.js';
import { defineStage } from '../../stage.js';
import { createPriceBook } from './pricing.js';
import { usage } from './usage.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../../test/support/fixtures.js';
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** Stands in for route(): the usage stage only needs the pricing provider and upstream model. */
function fakeRoute(provider: string, upstreamModel: string, api: ProviderApi = 'openai') {
  return defineStage({ name: 'route' }, async function route(ex, next) {
    ex.route = {
      provider: {
        name: provider,
        baseUrl: new URL('http://upstream.test/v1'),
        auth: { kind: 'none' },
        api,
        keys: [],
        pricingProvider: provider,
        models: [],
        source: 'code',
      },
      requestedModel: `${provider}/${upstreamModel}`,
      upstreamModel,
      url: new URL('http://upstream.test/v1/chat/completions'),
    };
    await next();
  });
}

type Reply =
  | { kind: 'sse'; bytes: Buffer; completion?: Completion }
  | { kind: 'json'; body: unknown }
  | { kind: 'throw'; error: Error; afterBytes?: Buffer };

/** Stands in for forward(): relays a recorded upstream reply to the observers as forward() does. */
function replay(reply: Reply) {
  return defineStage({ name: 'forward' }, async function forward(ex) {
    const streamed = reply.kind === 'sse' || reply.kind === 'throw';
    ex.response = { status: 200, streamed, completion: 'complete' };
    if (reply.kind === 'json') {
      for (const observe of ex.bodyObservers ?? []) observe(reply.body);
      return;
    }
    const bytes = reply.kind === 'sse' ? reply.bytes : (reply.afterBytes ?? Buffer.alloc(0));
    const parser = createSseParser((event) => {
      for (const observe of ex.eventObservers ?? []) observe(event);
    });
    parser.feed(bytes);
    parser.end();
    if (reply.kind === 'throw') {
      ex.response.completion = 'upstream_failed';
      throw reply.error;
    }
    ex.response.completion = reply.completion ?? 'complete';
  });
}

async function exchangeFor(path: string, body: Record<string, unknown>): Promise<Exchange> {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = path;
  const raw = JSON.stringify(body);
  const ex = new Exchange(req, new ServerResponse(req), { preParsedBody: { parsed: body, raw } });
  await ex.readBody();
  return ex;
}

const prices = createPriceBook();
const chatBody = (stream: boolean) => ({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] });

async function run(ex: Exchange, provider: string, model: string, reply: Reply): Promise<void> {
  await compose([fakeRoute(provider, model), usage({ prices }), replay(reply)])(ex, async () => {});
}

describe('usage()', () => {
  let listener: ((message: unknown) => void) | undefined;
  afterEach(() => {
    if (listener) unsubscribe('cllama:usage', listener);
    listener = undefined;
  });

  it('reads an OpenAI stream, prices it from the table and publishes cllama:usage', async () => {
    const published: unknown[] = [];
    listener = (message) => published.push(message);
    subscribe('cllama:usage', listener);
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    await run(ex, 'openai', 'gpt-4o-mini', { kind: 'sse', bytes: fixture('openai-chat-stream-usage.sse') });
    expect(ex.usage).toEqual({ inputTokens: 19, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0, source: 'sse' });
    const expected = calcPrice({ input_tokens: 19, output_tokens: 10 }, 'gpt-4o-mini', { providerId: 'openai' });
    expect(ex.cost?.pricingStatus).toBe('priced');
    expect(ex.cost?.source).toBe('table');
    expect(ex.cost?.usd).toBeCloseTo(expected?.total_price ?? NaN, 15);
    expect(ex.response).toMatchObject({ responseModel: 'gpt-4o-mini-2024-07-18', finishReasons: ['stop'] });
    expect(published).toEqual([{ exchange: ex }]);
  });

  it('takes the provider-reported cost when there is one', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    await run(ex, 'openrouter', 'anthropic/claude-sonnet-4.5', { kind: 'sse', bytes: fixture('openrouter-chat-stream-cost.sse') });
    expect(ex.usage).toMatchObject({ inputTokens: 12, outputTokens: 6, reportedCostUsd: 0.000126, source: 'sse' });
    expect(ex.cost).toEqual({ usd: 0.000126, pricingStatus: 'priced', source: 'reported' });
  });

  it('marks a complete stream without usage unknown, not zero', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    await run(ex, 'openai', 'gpt-4o-mini', { kind: 'sse', bytes: fixture('openai-chat-stream-tool-calls.sse') });
    expect(ex.usage).toBeUndefined();
    expect(ex.cost).toEqual({ usd: undefined, pricingStatus: 'unpriced', reason: 'no_usage' });
    expect(ex.response?.finishReasons).toEqual(['tool_calls']);
  });

  it('estimates a stream cut before the usage arrived', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    const bytes = fixture('openai-chat-stream-usage.sse');
    const half = bytes.subarray(0, bytes.indexOf('" today"'));
    await run(ex, 'openai', 'gpt-4o-mini', { kind: 'sse', bytes: half, completion: 'client_aborted' });
    const chars = 'Hello! How can I help you'.length;
    expect(ex.usage).toEqual({
      inputTokens: Math.ceil(ex.request.bodyBytes / 4),
      outputTokens: Math.ceil(chars / 4),
      source: 'estimate',
    });
    expect(ex.cost).toMatchObject({ pricingStatus: 'priced', source: 'table' });
  });

  it('keeps the usage of an Anthropic stream that ended in an error event, and records the error', async () => {
    const ex = await exchangeFor('/v1/messages', { model: 'anthropic/claude-haiku-4-5', stream: true, max_tokens: 10 });
    await run(ex, 'anthropic', 'claude-haiku-4-5', { kind: 'sse', bytes: fixture('anthropic-messages-stream-error.sse') });
    expect(ex.usage).toEqual({ inputTokens: 25, outputTokens: 1, source: 'sse' });
    expect(ex.response?.streamError).toBe('overloaded_error: Overloaded');
    expect(ex.response?.responseModel).toBe('claude-haiku-4-5-20251001');
    expect(ex.cost?.pricingStatus).toBe('priced');
  });

  it('reads a JSON body and prices the cache writes', async () => {
    const ex = await exchangeFor('/v1/messages', { model: 'anthropic/claude-opus-4-1', max_tokens: 10 });
    const body: unknown = JSON.parse(fixture('anthropic-messages.json').toString('utf8'));
    await run(ex, 'anthropic', 'claude-opus-4-1', { kind: 'json', body });
    expect(ex.usage).toEqual({ inputTokens: 1221, cacheWriteTokens: 1200, cacheReadTokens: 0, outputTokens: 5, source: 'json' });
    const expected = calcPrice(
      { input_tokens: 1221, cache_write_tokens: 1200, cache_read_tokens: 0, output_tokens: 5 },
      'claude-opus-4-1',
      { providerId: 'anthropic' },
    );
    expect(ex.cost?.usd).toBeCloseTo(expected?.total_price ?? NaN, 15);
    expect(ex.response?.finishReasons).toEqual(['end_turn']);
  });

  it('finds no usage in the JSON error an upstream sends instead of a stream', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    await run(ex, 'openai', 'gpt-4o-mini', { kind: 'json', body: { error: { message: 'bad key', type: 'invalid_request_error' } } });
    expect(ex.usage).toBeUndefined();
    expect(ex.cost).toEqual({ usd: undefined, pricingStatus: 'unpriced', reason: 'no_usage' });
  });

  it('estimates the input of a stream cut before any output: the provider billed the prompt', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    await run(ex, 'openai', 'gpt-4o-mini', { kind: 'sse', bytes: Buffer.alloc(0), completion: 'client_aborted' });
    expect(ex.usage).toEqual({ inputTokens: Math.ceil(ex.request.bodyBytes / 4), outputTokens: 0, source: 'estimate' });
  });

  it('completes a partial report from a cut Anthropic stream with what was relayed', async () => {
    const ex = await exchangeFor('/v1/messages', { model: 'claude-haiku-4-5', stream: true, max_tokens: 9, messages: [] });
    const events = fixture('anthropic-messages-stream-error.sse').toString('utf8').split('event: error')[0]!;
    await run(ex, 'anthropic', 'claude-haiku-4-5', { kind: 'sse', bytes: Buffer.from(events), completion: 'client_aborted' });
    // message_start reported 25 in / 1 out; 12 characters of text were relayed after it.
    expect(ex.usage).toEqual({ inputTokens: 25, outputTokens: 3, source: 'estimate' });
  });

  it('reads an embeddings body', async () => {
    const ex = await exchangeFor('/v1/embeddings', { model: 'openai/text-embedding-3-small', input: 'x' });
    await run(ex, 'openai', 'text-embedding-3-small', { kind: 'json', body: JSON.parse(fixture('openai-embeddings.json').toString('utf8')) });
    expect(ex.usage).toEqual({ inputTokens: 8, outputTokens: 0, source: 'json' });
  });

  it('leaves an unknown model unpriced', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(false));
    const body: unknown = JSON.parse(fixture('openai-chat.json').toString('utf8'));
    await run(ex, 'openai', 'house-model-9000', { kind: 'json', body });
    expect(ex.usage).toMatchObject({ inputTokens: 14, outputTokens: 2, source: 'json' });
    expect(ex.cost).toEqual({ usd: undefined, pricingStatus: 'unpriced', reason: 'unknown_model' });
  });

  it('settles usage when the downstream throws, and rethrows', async () => {
    const ex = await exchangeFor('/v1/chat/completions', chatBody(true));
    const bytes = fixture('openai-chat-stream-usage.sse');
    const error = new UpstreamError('upstream_stream_broken', 'broken');
    const reply: Reply = { kind: 'throw', error, afterBytes: bytes.subarray(0, bytes.indexOf('" can"')) };
    await expect(run(ex, 'openai', 'gpt-4o-mini', reply)).rejects.toBe(error);
    expect(ex.usage?.source).toBe('estimate');
    expect(ex.usage?.outputTokens).toBe(Math.ceil('Hello! How'.length / 4));
  });

  it('uses the price book it is given', async () => {
    const own = createPriceBook({ overrides: { 'openai/gpt-4o-mini': { input_mtok: 1_000_000, output_mtok: 0 } } });
    const ex = await exchangeFor('/v1/chat/completions', chatBody(false));
    const body: unknown = JSON.parse(fixture('openai-chat.json').toString('utf8'));
    await compose([fakeRoute('openai', 'gpt-4o-mini'), usage({ prices: own }), replay({ kind: 'json', body })])(ex, async () => {});
    expect(ex.cost).toEqual({ usd: 14, pricingStatus: 'priced', source: 'table' });
  });

  it('must come after route()', () => {
    expect(() => compose([usage({ prices }), fakeRoute('openai', 'x')])).toThrow(ConfigurationError);
    expect(usage({ prices }).meta).toMatchObject({ name: 'usage', requires: ['route'] });
  });
});
