import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../errors.js';
import { createSseParser } from '../sse/parser.js';
import { type SseEvent, sseEvent } from '../sse/event.js';
import { anthropicMessages } from './anthropic-messages.js';
import type { StreamReader } from './types.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../test/support/fixtures.js';
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function read(name: string): StreamReader {
  const reader = anthropicMessages.createStreamReader();
  const parser = createSseParser((e) => reader.readEvent(e));
  parser.feed(fixture(name));
  parser.end();
  return reader;
}

const event = (type: string, payload: Record<string, unknown>): SseEvent =>
  sseEvent(type, JSON.stringify({ type, ...payload }));

describe('anthropicMessages stream reader', () => {
  it('merges message_start and the cumulative message_delta, counting the cache in inputTokens', () => {
    const reader = read('anthropic-messages-stream-tool-cache.sse');
    expect(reader.usage()).toEqual({ inputTokens: 472 + 2048, cacheReadTokens: 2048, cacheWriteTokens: 0, outputTokens: 89 });
    expect(reader.responseModel).toBe('claude-sonnet-4-5-20250929');
    expect(reader.finishReasons).toEqual(['tool_use']);
    const text = 'Let me check the weather.';
    const toolInput = '{"location": "Paris"}';
    expect(reader.outputChars).toBe(text.length + toolInput.length);
    expect(reader.error).toBeUndefined();
  });

  it('keeps the usage seen so far and records the error event of a failed stream', () => {
    const reader = read('anthropic-messages-stream-error.sse');
    expect(reader.usage()).toEqual({ inputTokens: 25, outputTokens: 1 });
    expect(reader.error).toBe('overloaded_error: Overloaded');
    expect(reader.finishReasons).toEqual([]);
    expect(reader.outputChars).toBe('Partial answ'.length);
  });

  it('takes only output_tokens from an older message_delta and keeps the input side', () => {
    const reader = anthropicMessages.createStreamReader();
    reader.readEvent(event('message_start', { message: { model: 'claude-3-haiku', usage: { input_tokens: 10, output_tokens: 1 } } }));
    reader.readEvent(event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 30 } }));
    expect(reader.usage()).toEqual({ inputTokens: 10, outputTokens: 30 });
    expect(reader.finishReasons).toEqual(['end_turn']);
  });

  it('counts thinking and ignores signatures', () => {
    const reader = anthropicMessages.createStreamReader();
    reader.readEvent(event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'abcd' } }));
    reader.readEvent(event('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'x'.repeat(90) } }));
    expect(reader.outputChars).toBe(4);
    expect(reader.usage()).toBeUndefined();
  });
});

describe('anthropicMessages.readBody', () => {
  it('reads a message with cache creation', () => {
    const reading = anthropicMessages.readBody(JSON.parse(fixture('anthropic-messages.json').toString('utf8')));
    expect(reading).toEqual({
      usage: { inputTokens: 21 + 1200, cacheWriteTokens: 1200, cacheReadTokens: 0, outputTokens: 5 },
      responseModel: 'claude-opus-4-1-20250805',
      finishReasons: ['end_turn'],
    });
  });

  it('gives no usage for an error body', () => {
    const reading = anthropicMessages.readBody({ type: 'error', error: { type: 'overloaded_error', message: 'x' } });
    expect(reading.usage).toBeUndefined();
  });
});

describe('anthropicMessages errors', () => {
  it('renders Anthropic error bodies and error events', () => {
    const error = new RateLimitError('rate_limited', 'slow down');
    expect(anthropicMessages.errorBody(error, 'slow down')).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down', code: 'rate_limited' },
    });
    expect(anthropicMessages.streamErrorEvent(error, 'slow down')).toMatch(/^event: error\ndata: \{"type":"error".*\n\n$/);
    expect(anthropicMessages).toMatchObject({ name: 'anthropic', endpoint: '/messages', providerApi: 'anthropic', streams: true });
    expect(anthropicMessages.requestStreamUsage).toBeUndefined();
  });
});
