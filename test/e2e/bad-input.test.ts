import { describe, expect, it } from 'vitest';
import { ADAPTERS, AGENT, eventually, KEYS, useProxy } from '../support/apps.js';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown> & { error?: Record<string, unknown> };
}

// Every refusal must be a clear JSON error in the caller's wire format, leave an audit record, and
// leave the process serving. Raw HTTP here: these are requests no SDK would send.
describe.each(ADAPTERS)('%s adapter: bad input', (adapter) => {
  const proxy = useProxy(adapter);

  async function post(path: string, body: string | object, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${proxy.app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT.token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // left empty: the assertion on `text` shows what came back
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  const chat = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
  const recordOf = (answer: Answer) =>
    eventually(() => proxy.app.records.find((r) => r.request_id === answer.headers.get('x-cllama-request-id')));

  async function expectRefused(answer: Answer, status: number, code: string): Promise<void> {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(answer.json.error?.['code']).toBe(code);
    expect(typeof answer.json.error?.['message']).toBe('string');
    const record = await recordOf(answer);
    expect(record).toMatchObject({ type: 'error', status_code: status, error: code });
  }

  it('missing credentials → 401 in OpenAI shape', async () => {
    const answer = await post('/v1/chat/completions', chat, { authorization: '' });
    await expectRefused(answer, 401, 'invalid_bearer_token');
    expect(answer.json.error?.['type']).toBe('authentication_error');
  });

  it('malformed token (no secret) → 401', async () => {
    await expectRefused(await post('/v1/chat/completions', chat, { authorization: 'Bearer agent-1' }), 401, 'invalid_bearer_token');
    await expectRefused(await post('/v1/chat/completions', chat, { authorization: 'Basic abc' }), 401, 'invalid_bearer_token');
  });

  it('unknown agent and wrong secret get the same status and message', async () => {
    const unknown = await post('/v1/chat/completions', chat, { authorization: 'Bearer nobody:secret' });
    const wrong = await post('/v1/chat/completions', chat, { authorization: `Bearer ${AGENT.id}:not-the-secret` });
    await expectRefused(unknown, 401, 'invalid_agent_credentials');
    await expectRefused(wrong, 401, 'invalid_agent_credentials');
    expect(unknown.json).toEqual(wrong.json);
  });

  it('path-like agent ids are refused before any lookup', async () => {
    for (const id of ['../etc', '..', 'a/b', '%2e%2e']) {
      await expectRefused(await post('/v1/chat/completions', chat, { authorization: `Bearer ${id}:x` }), 401, 'invalid_bearer_token');
    }
  });

  it('errors on /v1/messages come in Anthropic shape', async () => {
    const answer = await post('/v1/messages', { model: 'claude-opus-4-1', max_tokens: 1, messages: [] }, { authorization: '', 'x-api-key': 'nobody:x' });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid agent credentials' } });
  });

  it('non-JSON body → 400 invalid_json', async () => {
    await expectRefused(await post('/v1/chat/completions', '{"model": "openai/gpt-4o",'), 400, 'invalid_json');
  });

  it('JSON that is not an object → 400 invalid_body', async () => {
    await expectRefused(await post('/v1/chat/completions', '[1,2,3]'), 400, 'invalid_body');
    await expectRefused(await post('/v1/chat/completions', '"text"'), 400, 'invalid_body');
  });

  it('a body over the cap → 413, and the server keeps serving', async () => {
    const big = { ...chat, messages: [{ role: 'user', content: 'x'.repeat(300 * 1024) }] };
    const answer = await post('/v1/chat/completions', big);
    expect(answer.status).toBe(413);
    expect(answer.json.error?.['code']).toBe('body_too_large');
    expect((await post('/v1/chat/completions', chat)).status).toBe(200);
  });

  it('missing model → 400 missing_model; unprefixed model → 400 model_not_routable', async () => {
    await expectRefused(await post('/v1/chat/completions', { messages: [] }), 400, 'missing_model');
    await expectRefused(await post('/v1/chat/completions', { ...chat, model: 'gpt-4o' }), 400, 'model_not_routable');
  });

  it('unknown provider → 400 naming it, and nothing is sent anywhere', async () => {
    const before = proxy.upstream.received.length;
    const answer = await post('/v1/chat/completions', { ...chat, model: 'evil.example.com/gpt-4o' });
    await expectRefused(answer, 400, 'unknown_provider');
    expect(String(answer.json.error?.['message'])).toContain('evil.example.com');
    expect(proxy.upstream.received.length).toBe(before);
  });

  it('an unserved endpoint → 404 JSON', async () => {
    await expectRefused(await post('/v1/completions', chat), 404, 'unknown_endpoint');
  });

  it('upstream down → 502 upstream_unavailable', async () => {
    await expectRefused(await post('/v1/chat/completions', { ...chat, model: 'down/gpt-4o' }), 502, 'upstream_unavailable');
  });

  it('upstream hanging → 504 upstream_timeout', async () => {
    await expectRefused(await post('/v1/chat/completions', { ...chat, model: 'openai/hang' }), 504, 'upstream_timeout');
  });

  it('upstream 4xx and 5xx pass through unchanged', async () => {
    for (const [model, status] of [['openai/error-400', 400], ['openai/error-500', 500]] as const) {
      const answer = await post('/v1/chat/completions', { ...chat, model });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('x-fake-upstream')).toBe('yes');
      expect(answer.json).toEqual({ error: { message: `fake ${status}`, type: 'invalid_request_error', code: 'fake_error', param: null } });
      const record = await recordOf(answer);
      expect(record).toMatchObject({ type: 'response', status_code: status });
    }
  });

  it('malformed SSE from the upstream reaches the client as sent; no usage is invented', async () => {
    const answer = await post('/v1/chat/completions', { ...chat, model: 'openai/malformed-sse', stream: true, stream_options: { include_usage: true } });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('data: not json at all');
    const record = await recordOf(answer);
    expect(record.tokens_in).toBeUndefined();
    expect(record).toMatchObject({ pricing_status: 'unpriced', unpriced_reason: 'no_usage' });
    expect((await post('/v1/chat/completions', chat)).status).toBe(200);
  });

  it('no key appears in any response or record', async () => {
    const answers = [
      await post('/v1/chat/completions', { ...chat, model: 'down/gpt-4o' }),
      await post('/v1/chat/completions', { ...chat, model: 'openai/error-500' }),
      await post('/v1/chat/completions', chat, { authorization: `Bearer ${AGENT.id}:${KEYS.openai}` }),
    ];
    const everything = JSON.stringify(proxy.app.records) + answers.map((a) => a.text + JSON.stringify([...a.headers])).join('');
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
  });
});
