import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CllamaError } from '../errors.js';
import { createSseParser } from '../sse/parser.js';
import { type SseEvent, sseEvent } from '../sse/event.js';
import { openaiChat } from './openai-chat.js';
import type { StreamReader } from './types.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../test/support/fixtures.js';
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function eventsOf(name: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  parser.feed(fixture(name));
  parser.end();
  return events;
}

function read(name: string): StreamReader {
  const reader = openaiChat.createStreamReader();
  for (const event of eventsOf(name)) reader.readEvent(event);
  return reader;
}

const json = (value: unknown): SseEvent => sseEvent(undefined, JSON.stringify(value));

describe('openaiChat stream reader', () => {
  it('reads usage from the usage-only chunk and ignores "usage": null', () => {
    const reader = read('openai-chat-stream-usage.sse');
    expect(reader.usage()).toEqual({ inputTokens: 19, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0 });
    expect(reader.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(reader.finishReasons).toEqual(['stop']);
    expect(reader.outputChars).toBe('Hello! How can I help you today?'.length);
    expect(reader.error).toBeUndefined();
  });

  it('reports no usage for a stream without a usage chunk (unknown, not zero)', () => {
    const reader = read('openai-chat-stream-tool-calls.sse');
    expect(reader.usage()).toBeUndefined();
    expect(reader.finishReasons).toEqual(['tool_calls']);
    expect(reader.outputChars).toBe('{"location": "Paris"}'.length + '{"tz": "Europe/Paris"}'.length);
  });

  it('reads cached and reasoning tokens from a CRLF stream', () => {
    const reader = read('openai-chat-stream-reasoning-crlf.sse');
    expect(reader.usage()).toEqual({ inputTokens: 1834, outputTokens: 412, cacheReadTokens: 1536, reasoningTokens: 384 });
    expect(reader.responseModel).toBe('o4-mini-2025-04-16');
  });

  it('reads OpenRouter usage and cost from a chunk that still carries choices', () => {
    const reader = read('openrouter-chat-stream-cost.sse');
    expect(reader.usage()).toEqual({
      inputTokens: 12,
      outputTokens: 6,
      cacheReadTokens: 0,
      reasoningTokens: 0,
      reportedCostUsd: 0.000126,
    });
    expect(reader.outputChars).toBe('Hi there'.length);
  });

  it('keeps the latest non-null value per field and reads numeric strings', () => {
    const reader = openaiChat.createStreamReader();
    reader.readEvent(json({ choices: [], usage: { prompt_tokens: '7', completion_tokens: 1 } }));
    reader.readEvent(json({ choices: [], usage: { prompt_tokens: null, completion_tokens: -3, cost: 'x' } }));
    reader.readEvent(json({ choices: [], usage: { completion_tokens: 4, prompt_tokens_details: { cache_write_tokens: 2 } } }));
    expect(reader.usage()).toEqual({ inputTokens: 7, outputTokens: 4, cacheWriteTokens: 2 });
  });

  it('records an in-band error chunk', () => {
    const reader = openaiChat.createStreamReader();
    reader.readEvent(json({ error: { message: 'Rate limited', type: 'rate_limit_error', code: 'rate_limited' } }));
    expect(reader.error).toBe('rate_limit_error: Rate limited');
  });

  it('keeps finish reasons per choice index, in index order', () => {
    const reader = openaiChat.createStreamReader();
    reader.readEvent(json({ choices: [{ index: 1, delta: {}, finish_reason: 'length' }] }));
    reader.readEvent(json({ choices: [{ index: 0, delta: { reasoning_content: 'hmm' }, finish_reason: 'stop' }] }));
    expect(reader.finishReasons).toEqual(['stop', 'length']);
    expect(reader.outputChars).toBe(3);
  });

  it('survives payloads of the wrong shape', () => {
    const reader = openaiChat.createStreamReader();
    for (const data of ['[DONE]', '[1,2]', '{"choices":"x","usage":[]}', '{"choices":[null,{"delta":7}]}', '{bad']) {
      reader.readEvent(sseEvent(undefined, data));
    }
    expect(reader.usage()).toBeUndefined();
    expect(reader.outputChars).toBe(0);
  });
});

describe('openaiChat.readBody', () => {
  it('reads a chat completion', () => {
    const reading = openaiChat.readBody(JSON.parse(fixture('openai-chat.json').toString('utf8')));
    expect(reading).toEqual({
      usage: { inputTokens: 14, outputTokens: 2, cacheReadTokens: 0, reasoningTokens: 0 },
      responseModel: 'gpt-4o-2024-08-06',
      finishReasons: ['stop'],
    });
  });

  it('gives no usage for an error body or a non-object', () => {
    expect(openaiChat.readBody({ error: { message: 'nope' } }).usage).toBeUndefined();
    expect(openaiChat.readBody(undefined).usage).toBeUndefined();
    expect(openaiChat.readBody('text').finishReasons).toEqual([]);
  });
});

describe('openaiChat.requestStreamUsage', () => {
  it('asks for usage and says the usage chunk must be hidden when the client had not', () => {
    const body: Record<string, unknown> = { stream: true, stream_options: { include_obfuscation: false } };
    expect(openaiChat.requestStreamUsage?.(body)).toBe(true);
    expect(body['stream_options']).toEqual({ include_obfuscation: false, include_usage: true });
  });

  it('adds stream_options when absent, and overrides include_usage: false', () => {
    const absent: Record<string, unknown> = { stream: true };
    expect(openaiChat.requestStreamUsage?.(absent)).toBe(true);
    expect(absent['stream_options']).toEqual({ include_usage: true });
    const off: Record<string, unknown> = { stream: true, stream_options: { include_usage: false } };
    expect(openaiChat.requestStreamUsage?.(off)).toBe(true);
    expect(off['stream_options']).toEqual({ include_usage: true });
  });

  it('leaves a client that asked for usage alone', () => {
    const options = { include_usage: true };
    const body: Record<string, unknown> = { stream: true, stream_options: options };
    expect(openaiChat.requestStreamUsage?.(body)).toBe(false);
    expect(body['stream_options']).toBe(options);
  });
});

describe('openaiChat.isInjectedUsageEvent', () => {
  it('matches only the usage-only chunk of an include_usage stream', () => {
    const events = eventsOf('openai-chat-stream-usage.sse');
    const hidden = events.filter((e) => openaiChat.isInjectedUsageEvent?.(e));
    expect(hidden).toHaveLength(1);
    expect(hidden[0]).toBe(events.at(-2)); // the chunk before [DONE]
  });

  it('never hides OpenRouter usage that rides on a content chunk', () => {
    const events = eventsOf('openrouter-chat-stream-cost.sse');
    expect(events.some((e) => openaiChat.isInjectedUsageEvent?.(e))).toBe(false);
  });

  it('works detached from the format object, as the relay calls it', () => {
    const detached = openaiChat.isInjectedUsageEvent;
    expect(detached?.(json({ choices: [], usage: { prompt_tokens: 1 } }))).toBe(true);
    expect(detached?.(json({ choices: [], usage: null }))).toBe(false);
    expect(detached?.(sseEvent(undefined, '[DONE]'))).toBe(false);
  });
});

describe('openaiChat errors', () => {
  it('renders OpenAI error bodies and stream events', () => {
    const error = new CllamaError(429, 'budget_exceeded', 'over budget', 'rate_limit');
    expect(openaiChat.errorBody(error, 'over budget')).toEqual({
      error: { message: 'over budget', type: 'rate_limit_error', code: 'budget_exceeded', param: null },
    });
    expect(openaiChat.streamErrorEvent(error, 'over budget')).toMatch(/^data: \{"error":.*\n\ndata: \[DONE\]\n\n$/);
  });

  it('describes itself', () => {
    expect(openaiChat).toMatchObject({
      name: 'openai',
      endpoint: '/chat/completions',
      operation: 'chat',
      providerApi: 'openai',
      streams: true,
    });
  });
});
