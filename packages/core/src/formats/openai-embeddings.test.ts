import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sseEvent } from '../sse/event.js';
import { openaiEmbeddings } from './openai-embeddings.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../test/support/fixtures.js';
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

describe('openaiEmbeddings', () => {
  it('reads prompt tokens as input and a known zero output', () => {
    const reading = openaiEmbeddings.readBody(JSON.parse(fixture('openai-embeddings.json').toString('utf8')));
    expect(reading).toEqual({
      usage: { inputTokens: 8, outputTokens: 0 },
      responseModel: 'text-embedding-3-small',
      finishReasons: [],
    });
  });

  it('reports no usage when the body has none', () => {
    expect(openaiEmbeddings.readBody({ data: [] }).usage).toBeUndefined();
    expect(openaiEmbeddings.readBody(null).usage).toBeUndefined();
  });

  it('does not stream, and its stream reader reports nothing', () => {
    expect(openaiEmbeddings).toMatchObject({ name: 'embeddings', endpoint: '/embeddings', operation: 'embeddings', streams: false });
    const reader = openaiEmbeddings.createStreamReader();
    reader.readEvent(sseEvent(undefined, '{"usage":{"prompt_tokens":3}}'));
    expect(reader.usage()).toBeUndefined();
  });
});
