import { ConfigurationError, InternalError, UpstreamError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { connectionListed, HOP_BY_HOP } from '../../http/headers.js';
import { defineStage, type Next, type Stage } from '../../stage.js';
import type { ProviderConfig, ProviderKey } from '../route/types.js';

export interface CredentialsOptions {
  /** Sent to Anthropic-API providers when the client sent no `anthropic-version`. Default `2023-06-01`. */
  readonly anthropicVersion?: string;
}

/**
 * Inbound headers that never go upstream. Credentials of every kind: the agent's token must not
 * reach the provider (the reference forwards an agent's `x-api-key`). `openai-organization` and
 * `openai-project` would let an agent choose which org or project the real key bills. Framing
 * headers are recomputed, `expect` was already answered by reading the body, and `forwarded` /
 * `x-forwarded-*` / `x-cllama-*` describe our side of the hop, not the upstream's.
 */
const DROPPED = new Set([
  ...HOP_BY_HOP,
  'host',
  'content-length',
  'content-type',
  'accept-encoding',
  'expect',
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'x-goog-api-key',
  'openai-organization',
  'openai-project',
  'forwarded',
  'x-claw-consumer-session-epoch',
]);
const DROPPED_PREFIXES = ['x-forwarded-', 'x-cllama-'];

/**
 * Builds the upstream header set and swaps the agent's credentials for the provider's key, filling
 * `ex.credentials`. Every inbound credential header is dropped; the key goes in as the provider's
 * scheme says: `bearer` → `authorization: Bearer <key>`, `x-api-key`, `header:<name>` → that header
 * with the bare key, `none` → nothing (keyless providers such as Ollama work). The key is the
 * provider's `activeKeyId` when that key is ready, else its first ready key; a keyed provider with
 * none gives 502 `provider_auth_not_configured`. `accept-encoding: identity` is sent so the usage tap
 * can read the response without decompressing it.
 *
 * @example
 * import { compose, createRegistry, credentials, identity, route } from '@cllama/core';
 * const registry = createRegistry({ providers: { ollama: { baseUrl: 'http://127.0.0.1:11434/v1' } }, env: false });
 * const pipeline = compose([
 *   identity({ resolve: { agents: { demo: { secret: 'demo-secret' } } } }),
 *   route({ registry }),
 *   credentials({ anthropicVersion: '2023-06-01' }),
 *   // forward()
 * ]);
 */
export function credentials(options: CredentialsOptions = {}): Stage {
  const { anthropicVersion = '2023-06-01' } = options ?? {};
  if (typeof anthropicVersion !== 'string' || !/^[\x21-\x7e]+$/.test(anthropicVersion)) {
    throw new ConfigurationError('credentials(): anthropicVersion must be a non-empty header value');
  }

  return defineStage(
    { name: 'credentials', requires: ['route'] },
    async function credentials(ex: Exchange, next: Next): Promise<void> {
      const route = ex.route;
      if (route === undefined) throw new InternalError('pipeline_misconfigured', 'credentials() ran without a route');
      const { provider, url } = route;
      const headers = forwardableHeaders(ex.request.headers);
      headers['host'] = url.host;
      headers['content-type'] = 'application/json';
      headers['accept-encoding'] = 'identity';
      if (provider.api === 'anthropic' && headers['anthropic-version'] === undefined) headers['anthropic-version'] = anthropicVersion;
      let keyId: string | undefined;
      if (provider.auth.kind !== 'none') {
        const key = chooseKey(provider);
        if (key === undefined) {
          throw new UpstreamError('provider_auth_not_configured', `provider "${provider.name}" has no usable key configured`);
        }
        keyId = key.id;
        const name = provider.auth.kind === 'bearer' ? 'authorization' : provider.auth.kind === 'x-api-key' ? 'x-api-key' : provider.auth.name;
        headers[name] = provider.auth.kind === 'bearer' ? `Bearer ${key.secret.reveal()}` : key.secret.reveal();
      }
      ex.credentials = { headers, keyId };
      await next();
    },
  );
}

/** The inbound headers that may travel on, multi-valued ones joined with `, `. */
function forwardableHeaders(inbound: Exchange['request']['headers']): Record<string, string> {
  const listed = connectionListed(inbound['connection']);
  // A null-prototype object: header names are client input and must not reach Object.prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const rawName in inbound) {
    const value = inbound[rawName];
    // Node already lower-cases names; a hand-built IncomingHttpHeaders might not.
    const name = rawName.toLowerCase();
    if (value === undefined || DROPPED.has(name) || listed?.has(name)) continue;
    if (name.startsWith('x-') && DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The active key when it is ready, else the first ready key. */
export function chooseKey(provider: ProviderConfig): ProviderKey | undefined {
  const active = provider.keys.find((k) => k.id === provider.activeKeyId);
  if (active?.state === 'ready') return active;
  return provider.keys.find((k) => k.state === 'ready');
}
