import { ConfigurationError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { defineStage, type Next, type Stage } from '../../stage.js';
import { canonicalRef, splitModelRef } from '../route/model-ref.js';
import type { Registry } from '../route/registry.js';

export interface ModelsOptions {
  readonly registry: Registry;
}

/** One entry of OpenAI's `GET /v1/models` list. */
export interface ModelEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
}

/**
 * Answers `GET …/models` with the models this agent may use, in OpenAI's list shape, so SDK model
 * pickers work through the proxy: the agent's model-policy refs when it has any, else every
 * provider's declared `models` as `<provider>/<model>`. `created` is 0 because the proxy does not
 * know when a model was released. Every other request passes through.
 *
 * @example
 * import { compose, createRegistry, identity, models } from '@cllama/core';
 * const registry = createRegistry({ providers: { openai: { apiKey: 'sk-test', models: ['gpt-4o'] } }, env: false });
 * const pipeline = compose([
 *   identity({ resolve: { agents: { demo: { secret: 'demo-secret' } } } }),
 *   models({ registry }), // before route(), which would refuse the GET
 *   // route({ registry }), credentials(), forward()
 * ]);
 * // GET /v1/models → {"object":"list","data":[{"id":"openai/gpt-4o","object":"model","created":0,"owned_by":"openai"}]}
 */
export function models(options: ModelsOptions): Stage {
  const { registry } = options ?? {};
  if (registry === undefined || typeof registry.list !== 'function') {
    throw new ConfigurationError('models(): `registry` is required (see createRegistry())');
  }
  // The registry is frozen, so the unrestricted list is built once.
  const everything = registry.list().flatMap((p) => p.models.map((m) => entry(`${p.name}/${m}`)));

  return defineStage({ name: 'models', requires: ['identity'] }, async function models(ex: Exchange, next: Next): Promise<void> {
    const { method, path } = ex.request;
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (method !== 'GET' || !trimmed.endsWith('/models')) {
      await next();
      return;
    }
    const allowed = ex.agent?.modelPolicy?.allowed ?? [];
    const data = allowed.length > 0 ? unique(allowed.map((a) => canonicalRef(a.ref))).map(entry) : everything;
    const body = JSON.stringify({ object: 'list', data });
    ex.res.statusCode = 200;
    ex.res.setHeader('content-type', 'application/json');
    ex.res.setHeader('content-length', Buffer.byteLength(body));
    ex.res.setHeader('x-cllama-request-id', ex.id);
    ex.res.end(body);
  });
}

function entry(id: string): ModelEntry {
  return { id, object: 'model', created: 0, owned_by: splitModelRef(id)?.provider ?? 'cllama' };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
