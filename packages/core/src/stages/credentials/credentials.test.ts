import type { OutgoingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type StageReply, sendThrough } from '../../../../../test/support/stage-harness.js';
import { compose } from '../../compose.js';
import { ConfigurationError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import type { Stage } from '../../stage.js';
import { identity } from '../identity/identity.js';
import { createRegistry, type ProviderInput } from '../route/registry.js';
import { route } from '../route/route.js';
import { credentials } from './credentials.js';

/** Headers go on the wire as given, duplicate and hop-by-hop lines included (see `sendThrough`). */
const send = (stage: Stage, path: string, body: unknown, headers: OutgoingHttpHeaders): Promise<StageReply> => sendThrough(stage, { path, body, headers });

const AGENT = 'bot:AGENT-SECRET';
const pipelineFor = (providers: ProviderInput[], options?: Parameters<typeof credentials>[0]) =>
  compose([
    identity({ resolve: { agents: { bot: { secret: 'AGENT-SECRET' } } }, logger: silentLogger }),
    route({ registry: createRegistry({ providers, env: false }) }),
    credentials(options),
  ]);

const providers: ProviderInput[] = [
  { name: 'openai', baseUrl: 'https://api.openai.com:8443/v1', apiKey: 'sk-OPENAI' },
  { name: 'anthropic', apiKey: 'sk-ANTHROPIC' },
  { name: 'azure', baseUrl: 'https://x.example/openai/v1', auth: 'header:api-key', apiKey: 'AZURE-KEY' },
  { name: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  {
    name: 'pool',
    baseUrl: 'https://pool.example/v1',
    activeKeyId: 'b',
    keys: [
      { id: 'a', secret: 'KEY-A', state: 'dead' },
      { id: 'b', secret: 'KEY-B', state: 'dead' },
      { id: 'c', secret: 'KEY-C' },
      { id: 'd', secret: 'KEY-D' },
    ],
  },
  { name: 'active', baseUrl: 'https://active.example/v1', activeKeyId: 'y', keys: [{ id: 'x', secret: 'KEY-X' }, { id: 'y', secret: 'KEY-Y' }] },
  { name: 'drained', baseUrl: 'https://drained.example/v1', keys: [{ id: 'z', secret: 'KEY-Z', state: 'disabled' }] },
];
const stage = pipelineFor(providers);

const hostile: OutgoingHttpHeaders = {
  authorization: `Bearer ${AGENT}`,
  'x-api-key': AGENT,
  'api-key': AGENT,
  'proxy-authorization': `Basic ${AGENT}`,
  cookie: `session=${AGENT}`,
  'x-goog-api-key': AGENT,
  'openai-organization': 'org-agent-picked',
  'openai-project': 'proj-agent-picked',
  forwarded: 'for=10.0.0.1',
  'x-forwarded-for': '10.0.0.1',
  'x-forwarded-host': 'evil.example',
  'x-cllama-policy-origin': 'agent',
  'x-claw-consumer-session-epoch': '3',
  connection: 'keep-alive, x-hop',
  'x-hop': 'per-connection',
  'keep-alive': 'timeout=5',
  te: 'trailers',
  'accept-encoding': 'gzip, br',
  'content-type': 'text/plain',
  expect: '100-continue',
  'user-agent': 'agent-sdk/1.0',
  'x-request-id': 'req-1',
  'x-multi': ['one', 'two'],
};

describe('credentials()', () => {
  it('lets no inbound credential or hop header through and injects the bearer key', async () => {
    const r = await send(stage, '/v1/chat/completions', { model: 'openai/gpt-4o' }, hostile);
    expect(r.status).toBe(204);
    const { headers, keyId } = r.exchange.credentials!;
    expect(headers).toEqual({
      authorization: 'Bearer sk-OPENAI',
      host: 'api.openai.com:8443',
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      'user-agent': 'agent-sdk/1.0',
      'x-request-id': 'req-1',
      'x-multi': 'one, two',
    });
    expect(keyId).toBe('code:openai');
    expect(JSON.stringify(headers)).not.toContain('AGENT-SECRET');
  });

  it('uses x-api-key for anthropic and adds anthropic-version unless the client sent one', async () => {
    const r = await send(stage, '/v1/messages', { model: 'claude-haiku' }, { ...hostile, 'anthropic-beta': 'tools-2024' });
    const { headers } = r.exchange.credentials!;
    expect(headers['x-api-key']).toBe('sk-ANTHROPIC');
    expect(headers['authorization']).toBeUndefined();
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers['anthropic-beta']).toBe('tools-2024');
    expect(headers['host']).toBe('api.anthropic.com');
    const own = await send(stage, '/v1/messages', { model: 'claude-haiku' }, { 'x-api-key': AGENT, 'anthropic-version': '2024-01-01' });
    expect(own.exchange.credentials?.headers['anthropic-version']).toBe('2024-01-01');
    const configured = pipelineFor(providers, { anthropicVersion: '2099-01-01' });
    const r2 = await send(configured, '/v1/messages', { model: 'claude-haiku' }, { 'x-api-key': AGENT });
    expect(r2.exchange.credentials?.headers['anthropic-version']).toBe('2099-01-01');
  });

  it('puts the bare key in a named header', async () => {
    const r = await send(stage, '/v1/chat/completions', { model: 'azure/gpt-4o' }, { ...hostile, 'api-key': 'agent-supplied' });
    expect(r.exchange.credentials?.headers['api-key']).toBe('AZURE-KEY');
    expect(r.exchange.credentials?.headers['authorization']).toBeUndefined();
  });

  it('sends nothing for keyless providers (the reference fails on them)', async () => {
    const r = await send(stage, '/v1/chat/completions', { model: 'ollama/llama3' }, hostile);
    expect(r.status).toBe(204);
    const { headers, keyId } = r.exchange.credentials!;
    expect(keyId).toBeUndefined();
    for (const name of ['authorization', 'x-api-key', 'api-key', 'cookie', 'proxy-authorization', 'x-goog-api-key']) {
      expect(headers[name]).toBeUndefined();
    }
    expect(headers['host']).toBe('127.0.0.1:11434');
  });

  it('picks the active key when ready, else the first ready key', async () => {
    const pool = await send(stage, '/v1/chat/completions', { model: 'pool/m' }, { authorization: `Bearer ${AGENT}` });
    expect([pool.exchange.credentials?.keyId, pool.exchange.credentials?.headers['authorization']]).toEqual(['c', 'Bearer KEY-C']);
    const active = await send(stage, '/v1/chat/completions', { model: 'active/m' }, { authorization: `Bearer ${AGENT}` });
    expect(active.exchange.credentials?.keyId).toBe('y');
  });

  it('answers 502 provider_auth_not_configured without any key material', async () => {
    const r = await send(stage, '/v1/chat/completions', { model: 'drained/m' }, { authorization: `Bearer ${AGENT}` });
    expect(r.status).toBe(502);
    const body = JSON.parse(r.text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('provider_auth_not_configured');
    expect(body.error.message).toContain('"drained"');
    expect(r.text).not.toMatch(/KEY-|AGENT-SECRET/);
    expect(r.exchange.credentials).toBeUndefined();
  });

  it('drops credential headers whatever their case or combination', async () => {
    const names = ['authorization', 'x-api-key', 'api-key', 'proxy-authorization', 'cookie', 'x-goog-api-key', 'openai-organization', 'openai-project', 'x-forwarded-proto', 'x-cllama-anything'];
    const mixedCase = (name: string) => fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) => [...name].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
    const picked = fc.uniqueArray(fc.constantFrom(...names), { minLength: 1 }).chain((list) => fc.tuple(...list.map(mixedCase)));
    await fc.assert(
      fc.asyncProperty(picked, async (chosen) => {
        const headers: OutgoingHttpHeaders = { authorization: `Bearer ${AGENT}` };
        for (const name of chosen) if (name.toLowerCase() !== 'authorization') headers[name] = `LEAK-${name}`;
        const r = await send(stage, '/v1/chat/completions', { model: 'ollama/m' }, headers);
        expect(r.status).toBe(204);
        expect(JSON.stringify(r.exchange.credentials?.headers)).not.toMatch(/LEAK|AGENT-SECRET/);
      }),
      { numRuns: 25 },
    );
  });

  it('requires route and checks its options', () => {
    expect(credentials().meta).toMatchObject({ name: 'credentials', requires: ['route'] });
    expect(() => credentials({ anthropicVersion: '' })).toThrow(ConfigurationError);
    expect(() => credentials({ anthropicVersion: 'bad\nvalue' })).toThrow(ConfigurationError);
  });
});
