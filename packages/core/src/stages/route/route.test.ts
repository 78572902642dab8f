import { describe, expect, it } from 'vitest';
import { type StageReply, sendThrough } from '../../../../../test/support/stage-harness.js';
import { compose } from '../../compose.js';
import { ConfigurationError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import type { Stage } from '../../stage.js';
import { identity } from '../identity/identity.js';
import type { StaticAgent } from '../identity/resolvers/static-map.js';
import { createRegistry } from './registry.js';
import { route, type RouteOptions } from './route.js';

const registry = createRegistry({
  providers: [
    { name: 'openai', apiKey: 'sk-o' },
    { name: 'anthropic', apiKey: 'sk-a' },
    { name: 'openrouter', apiKey: 'sk-r' },
    { name: 'local', baseUrl: 'http://127.0.0.1:8000/base/v1/', auth: 'none' },
  ],
  env: false,
});

const agents: Record<string, StaticAgent> = {
  free: { secret: 's' },
  limited: {
    secret: 's',
    model_policy: {
      allowed: [
        { slot: 'primary', ref: 'openai/gpt-4o-mini' },
        { slot: 'fallback', ref: 'OpenRouter/anthropic/claude-sonnet-4' },
        { ref: 'anthropic/claude-haiku' },
      ],
    },
  },
};

const pipeline = (options: Partial<RouteOptions> = {}) =>
  compose([identity({ resolve: { agents }, logger: silentLogger }), route({ registry, ...options })]);
const as = (agent: string) => ({ authorization: `Bearer ${agent}:s`, 'content-type': 'application/json' });
const chat = (stage: Stage, body: unknown, agent = 'free', path = '/v1/chat/completions') => sendThrough(stage, { path, body, headers: as(agent) });
const errorCode = (r: StageReply) => (r.body?.['error'] as { code?: string } | undefined)?.code;
const sentModel = (r: StageReply) => JSON.parse(r.exchange.upstreamBody().toString('utf8')).model as unknown;

describe('route()', () => {
  const stage = pipeline();

  it('splits provider/model and builds the URL from the registry only', async () => {
    const r = await sendThrough(stage, {
      path: '/mounted/v1/chat/completions?trace=1',
      body: { model: 'openai/gpt-4o', messages: [] },
      headers: { ...as('free'), host: 'evil.example' },
    });
    expect(r.status).toBe(204);
    const { provider, requestedModel, upstreamModel, url } = r.exchange.route!;
    expect([provider.name, requestedModel, upstreamModel, url.href]).toEqual([
      'openai',
      'openai/gpt-4o',
      'gpt-4o',
      'https://api.openai.com/v1/chat/completions?trace=1',
    ]);
    expect(sentModel(r)).toBe('gpt-4o');
  });

  it('keeps the rest of the model verbatim, and trims the base URL\'s slash', async () => {
    const r = await chat(stage, { model: 'OpenRouter/anthropic/Claude-Sonnet-4' });
    expect([r.exchange.route?.provider.name, r.exchange.route?.upstreamModel]).toEqual(['openrouter', 'anthropic/Claude-Sonnet-4']);
    const local = await sendThrough(stage, { path: '/v1/embeddings', body: { model: 'local/nomic', input: 'x' }, headers: as('free') });
    expect(local.exchange.route?.url.href).toBe('http://127.0.0.1:8000/base/v1/embeddings');
  });

  it.each<[string, unknown, number, string]>([
    ['a bare model', { model: 'gpt-4o' }, 400, 'model_not_routable'],
    ['no model', { messages: [] }, 400, 'missing_model'],
    ['an unknown provider', { model: 'mistral/large' }, 400, 'unknown_provider'],
    ['an anthropic provider on an openai path', { model: 'anthropic/claude-haiku' }, 400, 'provider_format_mismatch'],
    ['an empty model after the prefix', { model: 'openai/' }, 400, 'model_not_routable'],
  ])('refuses %s', async (_name, body, status, code) => {
    const r = await chat(stage, body);
    expect(r.status).toBe(status);
    expect(errorCode(r)).toBe(code);
    expect(r.exchange.route).toBeUndefined();
  });

  it('names the unknown provider and both sides of a format mismatch', async () => {
    expect(((await chat(stage, { model: 'mistral/large' })).body?.['error'] as { message: string }).message).toContain('"mistral"');
    const mismatch = ((await chat(stage, { model: 'anthropic/claude-haiku' })).body?.['error'] as { message: string }).message;
    expect(mismatch).toMatch(/anthropic.*openai/);
  });

  it('bridges unknown providers through the fallback provider', async () => {
    const r = await chat(pipeline({ fallbackProvider: 'openrouter' }), { model: 'Mistral/large-2' });
    expect([r.exchange.route?.provider.name, r.exchange.route?.upstreamModel]).toEqual(['openrouter', 'mistral/large-2']);
  });

  describe('on /v1/messages', () => {
    const messages = (body: unknown, s: Stage = stage) => chat(s, body, 'free', '/v1/messages');

    it('sends a bare model to anthropic and strips anthropic/', async () => {
      const bare = await messages({ model: 'claude-haiku', max_tokens: 5 });
      expect([bare.exchange.route?.provider.name, bare.exchange.route?.upstreamModel, bare.exchange.route?.url.href]).toEqual([
        'anthropic',
        'claude-haiku',
        'https://api.anthropic.com/v1/messages',
      ]);
      const prefixed = await messages({ model: 'anthropic/claude-haiku' });
      expect(prefixed.exchange.route?.upstreamModel).toBe('claude-haiku');
      expect(sentModel(prefixed)).toBe('claude-haiku');
    });

    it('refuses openai-speaking providers, fallback or not', async () => {
      const r = await messages({ model: 'openai/gpt-4o' });
      expect(errorCode(r)).toBe('provider_format_mismatch');
      expect(r.body).toMatchObject({ type: 'error' });
      expect(errorCode(await messages({ model: 'mistral/x' }, pipeline({ fallbackProvider: 'openrouter' })))).toBe('unknown_provider');
    });
  });

  describe('model routes', () => {
    const routed = pipeline({
      routes: [
        { match: 'kimi/*', provider: 'openrouter', model: 'moonshotai/{1}' },
        { match: 'fast', provider: 'openai', model: 'gpt-4o-mini' },
      ],
    });

    it('rewrites matching models before splitting', async () => {
      const r = await chat(routed, { model: 'kimi/kimi-k2' });
      expect([r.exchange.route?.provider.name, r.exchange.route?.requestedModel, r.exchange.route?.upstreamModel]).toEqual([
        'openrouter',
        'kimi/kimi-k2',
        'moonshotai/kimi-k2',
      ]);
      expect(sentModel(r)).toBe('moonshotai/kimi-k2');
      expect((await chat(routed, { model: 'fast' })).exchange.route?.upstreamModel).toBe('gpt-4o-mini');
    });

    it('does not let kimi-evil ride the kimi route', async () => {
      expect(errorCode(await chat(routed, { model: 'kimi-evil/x' }))).toBe('unknown_provider');
    });

    it('checks route providers when built', () => {
      expect(() => route({ registry, routes: [{ match: 'x/*', provider: 'nowhere' }] })).toThrow(ConfigurationError);
    });
  });

  describe('model policy', () => {
    it('uses the primary slot when the model is missing', async () => {
      const r = await chat(stage, { messages: [] }, 'limited');
      expect([r.exchange.route?.requestedModel, r.exchange.route?.upstreamModel]).toEqual(['openai/gpt-4o-mini', 'gpt-4o-mini']);
      expect(sentModel(r)).toBe('gpt-4o-mini');
      expect(r.exchange.interventions).toEqual(['missing']);
    });

    it('allows listed refs, whatever the provider\'s case', async () => {
      expect((await chat(stage, { model: 'openrouter/anthropic/claude-sonnet-4' }, 'limited')).status).toBe(204);
      expect((await chat(stage, { model: 'OPENAI/gpt-4o-mini' }, 'limited')).status).toBe(204);
    });

    it('refuses other models with 403 instead of clamping', async () => {
      const r = await chat(stage, { model: 'openai/gpt-4o' }, 'limited');
      expect(r.status).toBe(403);
      expect(errorCode(r)).toBe('model_not_allowed');
      expect(r.exchange.route).toBeUndefined();
    });

    it('normalises a bare model that names exactly one allowed ref', async () => {
      const r = await chat(stage, { model: 'gpt-4o-mini' }, 'limited');
      expect([r.exchange.route?.provider.name, r.exchange.route?.upstreamModel]).toEqual(['openai', 'gpt-4o-mini']);
      expect(r.exchange.interventions).toEqual(['bare_model_normalized']);
      const bySegment = await chat(stage, { model: 'claude-sonnet-4' }, 'limited');
      expect(bySegment.exchange.route?.upstreamModel).toBe('anthropic/claude-sonnet-4');
      const onMessages = await chat(stage, { model: 'claude-haiku' }, 'limited', '/v1/messages');
      expect(onMessages.status).toBe(204);
    });

    it('applies the allowlist to the bridged model too', async () => {
      const s = pipeline({ fallbackProvider: 'openrouter' });
      expect(errorCode(await chat(s, { model: 'mistral/large' }, 'limited'))).toBe('model_not_allowed');
    });
  });

  describe('request shape', () => {
    it('answers 404 for paths it does not serve and 405 for other methods', async () => {
      const unknown = await chat(stage, { model: 'openai/gpt-4o' }, 'free', '/v1/completions');
      expect([unknown.status, errorCode(unknown)]).toEqual([404, 'unknown_endpoint']);
      const get = await sendThrough(stage, { method: 'GET', path: '/v1/chat/completions', headers: as('free') });
      expect([get.status, errorCode(get), get.headers['allow']]).toEqual([405, 'method_not_allowed', 'POST']);
    });

    it('honours maxBodyBytes', async () => {
      const r = await chat(pipeline({ maxBodyBytes: 64 }), { model: 'openai/gpt-4o', pad: 'x'.repeat(100) });
      expect(r.status).toBe(413);
    });

    it('leaves the body bytes alone when the model needs no rewrite', async () => {
      const r = await chat(stage, { model: 'claude-haiku' }, 'free', '/v1/messages');
      expect(r.exchange.upstreamBody().toString('utf8')).toBe(JSON.stringify({ model: 'claude-haiku' }));
    });
  });

  describe('options', () => {
    it.each<[string, unknown]>([
      ['no registry', {}],
      ['an unregistered fallback', { registry, fallbackProvider: 'nowhere' }],
      ['a bad body cap', { registry, maxBodyBytes: 0 }],
      ['bad routes', { registry, routes: [{ match: 'a*', provider: 'openai' }] }],
    ])('throws ConfigurationError for %s', (_name, options) => {
      expect(() => route(options as RouteOptions)).toThrow(ConfigurationError);
    });

    it('requires identity', () => {
      expect(route({ registry }).meta).toMatchObject({ name: 'route', requires: ['identity'] });
      expect(() => compose([route({ registry }), identity({ resolve: { agents }, logger: silentLogger })])).toThrow(ConfigurationError);
    });
  });
});
