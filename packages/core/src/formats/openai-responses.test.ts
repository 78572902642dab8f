import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../errors.js';
import { createSseParser } from '../sse/parser.js';
import { type SseEvent, sseEvent } from '../sse/event.js';
import { openaiResponses } from './openai-responses.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../test/support/fixtures.js';
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const event = (type: string, payload: Record<string, unknown>): SseEvent =>
  sseEvent(type, JSON.stringify({ type, ...payload }));

describe('openaiResponses stream reader', () => {
  it('reads usage from response.completed', () => {
    const reader = openaiResponses.createStreamReader();
    const parser = createSseParser((e) => reader.readEvent(e));
    parser.feed(fixture('openai-responses-stream.sse'));
    parser.end();
    expect(reader.usage()).toEqual({ inputTokens: 36, outputTokens: 87, cacheReadTokens: 0, reasoningTokens: 64 });
    expect(reader.responseModel).toBe('gpt-5-mini-2025-08-07');
    expect(reader.finishReasons).toEqual(['completed']);
    expect(reader.outputChars).toBe('Hi!'.length);
  });

  it('takes usage only from terminal events', () => {
    const reader = openaiResponses.createStreamReader();
    reader.readEvent(event('response.in_progress', { response: { model: 'm', usage: { input_tokens: 99 } } }));
    expect(reader.usage()).toBeUndefined();
    reader.readEvent(event('response.incomplete', { response: { status: 'incomplete', usage: { input_tokens: 5, output_tokens: 9 } } }));
    expect(reader.usage()).toEqual({ inputTokens: 5, outputTokens: 9 });
    expect(reader.finishReasons).toEqual(['incomplete']);
  });

  it('records response.failed and error events', () => {
    const failed = openaiResponses.createStreamReader();
    failed.readEvent(event('response.failed', { response: { status: 'failed', error: { code: 'server_error', message: 'boom' }, usage: null } }));
    expect(failed.error).toBe('server_error: boom');
    expect(failed.usage()).toBeUndefined();
    const errored = openaiResponses.createStreamReader();
    errored.readEvent(event('error', { code: 'rate_limit_exceeded', message: 'slow', param: null }));
    expect(errored.error).toBe('rate_limit_exceeded: slow');
  });

  it('counts tool arguments but not base64 audio', () => {
    const reader = openaiResponses.createStreamReader();
    reader.readEvent(event('response.function_call_arguments.delta', { delta: '{"a":1}' }));
    reader.readEvent(event('response.audio.delta', { delta: 'AAAA'.repeat(100) }));
    expect(reader.outputChars).toBe(7);
  });
});

describe('openaiResponses.readBody', () => {
  it('reads a response object', () => {
    const reading = openaiResponses.readBody({
      model: 'gpt-5-mini',
      status: 'completed',
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 1 } },
    });
    expect(reading).toEqual({
      usage: { inputTokens: 10, cacheReadTokens: 4, outputTokens: 3, reasoningTokens: 1 },
      responseModel: 'gpt-5-mini',
      finishReasons: ['completed'],
    });
  });

  it('uses the OpenAI error shapes', () => {
    const error = new UpstreamError('upstream_stream_broken', 'broken');
    expect(openaiResponses.errorBody(error, 'broken')).toMatchObject({ error: { code: 'upstream_stream_broken' } });
    expect(openaiResponses.streamErrorEvent(error, 'broken')).toContain('data: [DONE]');
    expect(openaiResponses).toMatchObject({ name: 'responses', endpoint: '/responses', providerApi: 'openai' });
  });
});
