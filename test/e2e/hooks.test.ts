import { type AuditRecord, defineStage, type Exchange, PermissionDeniedError, type Stage } from '@cllama/core';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, AGENT, eventually, useProxy } from '../support/apps.js';

/**
 * A response gate of the kind a policy stage registers: it amends answers that mention Paris and
 * refuses answers for the model `openai/gpt-4o-mini`.
 */
const responseGate: Stage = defineStage({ name: 'response-gate', requires: ['route'] }, async function responseGate(ex: Exchange, next) {
  ex.onResponse(({ body }) => {
    if (ex.request.model === 'openai/gpt-4o-mini') throw new PermissionDeniedError('policy_denied', 'policy denied response');
    const reply = body as { choices: Array<{ message: { content: string } }> };
    if (!reply.choices[0]?.message.content.includes('Paris')) return undefined;
    ex.intervene('policy_amended');
    reply.choices[0].message.content = 'Paris. [verified]';
    return reply;
  });
  // A misbehaving observer must not break the relay or the response.
  ex.onEvent(() => {
    throw new Error('observer bug');
  });
  await next();
});

describe.each(ADAPTERS)('%s adapter: response hooks', (adapter) => {
  const proxy = useProxy(adapter, { gateway: { stages: [responseGate] } });
  const client = () => new OpenAI({ baseURL: `${proxy.app.url}/v1`, apiKey: AGENT.token, maxRetries: 0 });

  it('lets a hook amend a buffered response before the client sees it', async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'capital?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Paris. [verified]');
    const record: AuditRecord = await eventually(() =>
      proxy.app.records.find((r) => r.request_id === response.headers.get('x-cllama-request-id')),
    );
    expect(record).toMatchObject({ intervention: 'policy_amended', tokens_in: 14, status_code: 200 });
  });

  it('lets a hook refuse a response: the client gets the refusal, never the answer', async () => {
    const failure = await client()
      .chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'capital?' }] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(String((failure as Error).message)).not.toContain('Paris');
  });

  it('keeps streaming when an event observer throws', async () => {
    const stream = await client().chat.completions.create({
      model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }],
    });
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.choices[0]?.delta.content ?? '');
    expect(parts.join('')).toBe('Hello! How can I help you today?');
  });
});
