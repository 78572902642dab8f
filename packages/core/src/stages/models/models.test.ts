import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { compose } from '../../compose.js';
import { ConfigurationError } from '../../errors.js';
import { Exchange } from '../../exchange.js';
import { renderError } from '../../http/render-error.js';
import { silentLogger } from '../../logger.js';
import type { Stage } from '../../stage.js';
import { identity } from '../identity/identity.js';
import { createRegistry, type Registry } from '../route/registry.js';
import { models } from './models.js';

/** One real HTTP request through `stage`; what gets through ends 204 with `x-next: 1`. */
async function send(stage: Stage, method: string, path: string, agent = 'free') {
  const server = createServer((req, res) => {
    const ex = new Exchange(req, res);
    stage(ex, async () => {
      res.statusCode = 204;
      res.setHeader('x-next', '1');
      res.end();
    }).catch((error: unknown) => renderError(ex, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ status: number; headers: Record<string, unknown>; body: unknown }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers: { authorization: `Bearer ${agent}:s` } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

const registry: Registry = createRegistry({
  providers: [
    { name: 'openai', apiKey: 'k', models: ['gpt-4o', 'gpt-4o-mini'] },
    { name: 'anthropic', apiKey: 'k', models: ['claude-haiku'] },
    { name: 'ollama' },
  ],
  env: false,
});
const pipeline = compose([
  identity({
    resolve: {
      agents: {
        free: { secret: 's' },
        limited: { secret: 's', model_policy: { allowed: [{ slot: 'primary', ref: 'OpenRouter/anthropic/claude' }, { ref: 'openai/gpt-4o' }, { ref: 'openai/gpt-4o' }] } },
      },
    },
    logger: silentLogger,
  }),
  models({ registry }),
]);
const entry = (id: string, owner: string) => ({ id, object: 'model', created: 0, owned_by: owner });

describe('models()', () => {
  it('lists every declared model for an agent without a policy', async () => {
    const r = await send(pipeline, 'GET', '/llm/v1/models');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toEqual({
      object: 'list',
      data: [entry('anthropic/claude-haiku', 'anthropic'), entry('openai/gpt-4o', 'openai'), entry('openai/gpt-4o-mini', 'openai')],
    });
  });

  it('lists only the allowed refs of an agent with a policy, once each', async () => {
    const r = await send(pipeline, 'GET', '/v1/models/', 'limited');
    expect(r.body).toEqual({ object: 'list', data: [entry('openrouter/anthropic/claude', 'openrouter'), entry('openai/gpt-4o', 'openai')] });
  });

  it('still needs a valid agent', async () => {
    const r = await send(pipeline, 'GET', '/v1/models', 'ghost');
    expect(r.status).toBe(401);
  });

  it.each([
    ['POST', '/v1/models'],
    ['GET', '/v1/models/gpt-4o'],
    ['GET', '/v1/chat/completions'],
    ['GET', '/v1/othermodels-ish'],
  ])('passes %s %s through', async (method, path) => {
    const r = await send(pipeline, method, path);
    expect([r.status, r.headers['x-next']]).toEqual([204, '1']);
  });

  it('requires identity and a registry', () => {
    expect(models({ registry }).meta).toMatchObject({ name: 'models', requires: ['identity'] });
    expect(() => models({} as { registry: Registry })).toThrow(ConfigurationError);
  });
});
