import { CllamaError, ConfigurationError, InvalidRequestError, NotFoundError, PermissionDeniedError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import type { WireFormat } from '../../formats/types.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../http/body.js';
import { defineStage, type Next, type Stage } from '../../stage.js';
import type { ModelPolicy } from '../identity/types.js';
import { canonicalRef, compileRoutes, type ModelRoute, type RouteMatcher, splitModelRef } from './model-ref.js';
import type { Registry } from './registry.js';
import type { ProviderConfig } from './types.js';

export interface RouteOptions {
  readonly registry: Registry;
  /** Model routes, tried in order before `provider/model` splitting (see `ModelRoute`). */
  readonly routes?: readonly ModelRoute[];
  /**
   * Where `unknown/model` goes instead of a 400, as `unknown/model` (cllama's vendor-prefix bridge,
   * e.g. `'openrouter'`). Must be registered. Default: none.
   */
  readonly fallbackProvider?: string;
  /** Request body cap. Default 16 MiB. */
  readonly maxBodyBytes?: number;
}

/**
 * Resolves the request's model to a registered provider and fills `ex.route`.
 *
 * The model is split on its first `/` (`openrouter/anthropic/claude-sonnet-4` → provider
 * `openrouter`, upstream model `anthropic/claude-sonnet-4`), after model routes had their chance. On
 * `/v1/messages` a bare model means `anthropic`. A missing model takes the agent's `primary` slot;
 * an agent with a model policy may only use its allowed refs (403 `model_not_allowed`). The upstream
 * URL is the provider's base URL + the format's endpoint + the request's query: host and path never
 * come from the request.
 *
 * @example
 * import { compose, createRegistry, identity, route } from '@cllama/core';
 * const registry = createRegistry({ env: { OPENAI_API_KEY: 'sk-test', OPENROUTER_API_KEY: 'sk-or-test' } });
 * const pipeline = compose([
 *   identity({ resolve: { agents: { demo: { secret: 'demo-secret' } } } }),
 *   route({
 *     registry,
 *     routes: [{ match: 'fast', provider: 'openai', model: 'gpt-4o-mini' }],
 *     fallbackProvider: registry.get('openrouter') ? 'openrouter' : undefined,
 *   }),
 * ]);
 * // "model": "mistral/large" → openrouter, upstream model "mistral/large"
 */
export function route(options: RouteOptions): Stage {
  const { registry, routes = [], fallbackProvider, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options ?? {};
  if (registry === undefined || typeof registry.get !== 'function') {
    throw new ConfigurationError('route(): `registry` is required (see createRegistry())');
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new ConfigurationError('route(): maxBodyBytes must be a positive integer');
  const matchRoute = compileRoutes(routes);
  for (const r of routes) {
    if (registry.get(r.provider) === undefined) throw new ConfigurationError(`route(): route "${r.match}" names unknown provider "${r.provider}"`);
  }
  const fallback = fallbackProvider === undefined ? undefined : registry.get(fallbackProvider);
  if (fallbackProvider !== undefined && fallback === undefined) {
    throw new ConfigurationError(`route(): fallbackProvider "${fallbackProvider}" is not in the registry`);
  }
  const resolver: Resolver = Object.freeze({ registry, matchRoute, fallback });
  const urls: UrlCache = new WeakMap();

  return defineStage({ name: 'route', requires: ['identity'] }, async function route(ex: Exchange, next: Next): Promise<void> {
    const format = ex.request.format;
    if (format === undefined) throw new NotFoundError('unknown_endpoint', `no endpoint at ${ex.request.path}`);
    if (ex.request.method !== 'POST') {
      throw new CllamaError(405, 'method_not_allowed', `${format.endpoint} accepts POST only`, 'invalid_request', true, {
        headers: { allow: 'POST' },
      });
    }
    const body = await ex.readBody(maxBodyBytes);
    const policy = ex.agent?.modelPolicy;
    const allowed = policy?.allowed ?? [];
    let requested = ex.request.model;
    if (requested === undefined) {
      requested = allowed.find((a) => a.slot === 'primary')?.ref;
      if (requested === undefined) throw new InvalidRequestError('missing_model', 'missing model');
      ex.intervene('missing');
    }
    const ref = normaliseBare(requested, policy, ex);
    const { provider, model } = resolve(resolver, ref, format);
    if (provider.api !== format.providerApi) {
      throw new InvalidRequestError(
        'provider_format_mismatch',
        `provider "${provider.name}" speaks the ${provider.api} API, but ${format.endpoint} needs ${format.providerApi}`,
      );
    }
    if (allowed.length > 0) {
      const permitted = new Set(allowed.map((a) => canonicalRef(a.ref)));
      if (!permitted.has(canonicalRef(ref)) && !permitted.has(`${provider.name}/${model}`)) {
        throw new PermissionDeniedError('model_not_allowed', `model "${requested}" is not allowed for this agent`);
      }
    }
    ex.route = Object.freeze({ provider, requestedModel: requested, upstreamModel: model, url: upstreamUrl(urls, provider, format, ex.request.query) });
    if (body['model'] !== model) {
      body['model'] = model;
      ex.markBodyChanged();
    }
    await next();
  });
}

interface Resolver {
  readonly registry: Registry;
  readonly matchRoute: RouteMatcher;
  readonly fallback: ProviderConfig | undefined;
}

/** Model → provider and upstream model; throws the client's 400s. */
function resolve({ registry, matchRoute, fallback }: Resolver, ref: string, format: WireFormat): { provider: ProviderConfig; model: string } {
  const routed = matchRoute(ref);
  if (routed !== undefined) return { provider: registry.get(routed.provider)!, model: routed.model };
  const anthropicPath = format.name === 'anthropic';
  const split = splitModelRef(ref);
  if (split === undefined) {
    if (anthropicPath && !ref.includes('/')) return byName(registry, 'anthropic', ref.trim());
    throw new InvalidRequestError('model_not_routable', 'model must be provider-prefixed: <provider>/<model>');
  }
  const provider = registry.get(split.provider);
  if (provider !== undefined) return { provider, model: split.model };
  // The bridge only helps when the fallback speaks this path's API.
  if (fallback !== undefined && fallback.name !== split.provider && fallback.api === format.providerApi) {
    return { provider: fallback, model: `${split.provider}/${split.model}` };
  }
  throw new InvalidRequestError('unknown_provider', `unknown provider "${split.provider}"`);
}

function byName(registry: Registry, name: string, model: string): { provider: ProviderConfig; model: string } {
  const provider = registry.get(name);
  if (provider === undefined) throw new InvalidRequestError('unknown_provider', `unknown provider "${name}"`);
  return { provider, model };
}

/**
 * A bare model that names exactly one allowed ref's model (or that model's last path segment) is
 * taken as that ref, as cllama does (`bare_model_normalized`). Ambiguous or unmatched models are
 * left alone, to be refused by routing or the allowlist.
 */
function normaliseBare(model: string, policy: ModelPolicy | undefined, ex: Exchange): string {
  if (policy === undefined || model.includes('/')) return model;
  const hits = policy.allowed.filter((a) => {
    const split = splitModelRef(a.ref);
    return split !== undefined && (split.model === model || split.model.split('/').at(-1) === model);
  });
  if (hits.length !== 1) return model;
  ex.intervene('bare_model_normalized');
  return hits[0]!.ref;
}

/** Base URL path (trailing `/` trimmed) + endpoint + the client's query; nothing else from the request. */
/**
 * Upstream URLs without a query are the same for every request to a provider and format, so each
 * stage builds them once (the registry is frozen) and shares them; `RouteState.url` is read-only.
 */
type UrlCache = WeakMap<ProviderConfig, Map<string, URL>>;

function upstreamUrl(cache: UrlCache, provider: ProviderConfig, format: WireFormat, query: string): URL {
  if (query !== '') return buildUrl(provider, format, query);
  let byEndpoint = cache.get(provider);
  if (byEndpoint === undefined) cache.set(provider, (byEndpoint = new Map()));
  let url = byEndpoint.get(format.endpoint);
  if (url === undefined) byEndpoint.set(format.endpoint, (url = buildUrl(provider, format, '')));
  return url;
}

function buildUrl(provider: ProviderConfig, format: WireFormat, query: string): URL {
  const url = new URL(provider.baseUrl.href);
  url.pathname = url.pathname.replace(/\/+$/, '') + format.endpoint;
  url.search = query;
  url.hash = '';
  return url;
}
