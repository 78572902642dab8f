import { ConfigurationError } from '../../errors.js';
import type { ProviderApi } from '../../formats/types.js';
import { HOP_BY_HOP } from '../../http/headers.js';
import { Secret } from '../../secret.js';
import { KNOWN_PROVIDERS } from './known-providers.js';
import { providersFromEnv } from './providers-env.js';
import { loadProvidersFile } from './providers-file.js';
import type { AuthScheme, KeyState, ProviderConfig, ProviderKey } from './types.js';

/** `bearer` | `x-api-key` | `none` | `header:<name>`, or the parsed form. */
export type AuthInput = string | AuthScheme;

export interface ProviderKeyInput {
  /** Default: `key-<n>` (1-based position). */
  readonly id?: string;
  readonly secret: string | Secret;
  /** Default `ready`. */
  readonly state?: KeyState;
  readonly label?: string;
}

/** A provider as code (or a loader) describes it; everything but `name` has a default for known providers. */
export interface ProviderInput {
  /** Required in the array form; the key is the name in the record form. */
  readonly name?: string;
  readonly baseUrl?: string | URL;
  readonly auth?: AuthInput;
  readonly api?: ProviderApi;
  /** One key; shorthand for `keys: [{ id: 'code:<name>', secret }]`. */
  readonly apiKey?: string | Secret;
  readonly keys?: readonly ProviderKeyInput[];
  readonly activeKeyId?: string;
  readonly pricingProvider?: string;
  /** Models advertised on `GET /v1/models`. */
  readonly models?: readonly string[];
}

export interface RegistryOptions {
  /** Highest precedence. */
  readonly providers?: readonly ProviderInput[] | Readonly<Record<string, ProviderInput>>;
  /** Path of a cllama `providers.json` (v1 or v2). Read once, here; never written. Must exist. */
  readonly file?: string;
  /** Lowest precedence. Default `process.env`; `false` ignores the environment. */
  readonly env?: NodeJS.ProcessEnv | false;
}

/** The providers this proxy may route to. Frozen: built once, read on every request. */
export interface Registry {
  /** Looks a provider up by name (case-insensitive). */
  get(name: string): ProviderConfig | undefined;
  /** Every provider, in name order. */
  list(): ProviderConfig[];
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const KEY_STATES: ReadonlySet<string> = new Set(['ready', 'cooldown', 'dead', 'disabled']);
/** Headers a `header:<name>` scheme may not take over: they frame the request itself. */
const RESERVED_HEADERS = new Set([...HOP_BY_HOP, 'host', 'content-length', 'content-type']);

/**
 * Builds the provider registry from code, a cllama `providers.json`, and the environment, in that
 * order of precedence: a provider named by a higher source replaces the lower ones whole (so env
 * `*_BASE_URL` only applies to providers absent from the file, as in cllama), except that an entry
 * with a keyed auth scheme and no keys at all takes the keys of the next source that has them.
 * Every entry is checked here; bad names, URLs, auth strings or keys throw `ConfigurationError`
 * naming the provider, never a key.
 *
 * @example
 * const registry = createRegistry({
 *   providers: { ollama: { baseUrl: 'http://127.0.0.1:11434/v1' } }, // known: auth none, api openai
 *   env: { OPENAI_API_KEY: 'sk-test' },
 * });
 * registry.get('openai')?.baseUrl.href; // 'https://api.openai.com/v1'
 */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const { providers, file, env = process.env } = options;
  const layers: ProviderConfig[][] = [
    codeInputs(providers).map((p) => normaliseProvider(p, 'code')),
    file === undefined ? [] : loadProvidersFile(file).map((p) => normaliseProvider(p, 'file')),
    env === false ? [] : providersFromEnv(env).map((p) => normaliseProvider(p, 'env')),
  ];
  const table = new Map<string, ProviderConfig>();
  for (const layer of layers.reverse()) {
    const seen = new Set<string>();
    for (const provider of layer) {
      if (seen.has(provider.name)) {
        throw new ConfigurationError(`provider "${provider.name}" is declared twice in ${provider.source}`);
      }
      seen.add(provider.name);
      const lower = table.get(provider.name);
      const inherit = lower !== undefined && provider.keys.length === 0 && provider.auth.kind !== 'none';
      table.set(provider.name, inherit ? freezeProvider({ ...provider, keys: lower.keys, activeKeyId: lower.activeKeyId }) : provider);
    }
  }
  const sorted = [...table.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return Object.freeze({
    get: (name: string) => table.get(name.toLowerCase()),
    list: () => [...sorted],
  });
}

function codeInputs(providers: RegistryOptions['providers']): ProviderInput[] {
  if (providers === undefined) return [];
  if (Array.isArray(providers)) return providers;
  if (typeof providers !== 'object' || providers === null) {
    throw new ConfigurationError('createRegistry: `providers` must be an array or an object keyed by name');
  }
  return Object.entries(providers as Record<string, ProviderInput>).map(([name, p]) => ({ ...p, name }));
}

/** Checks one provider and fills its defaults. */
export function normaliseProvider(input: ProviderInput, source: ProviderConfig['source']): ProviderConfig {
  const name = typeof input.name === 'string' ? input.name.trim().toLowerCase() : '';
  if (!NAME.test(name)) {
    throw new ConfigurationError(`provider name "${String(input.name)}" must match [a-z0-9][a-z0-9._-]* (${source})`);
  }
  const fail = (what: string): never => {
    throw new ConfigurationError(`provider "${name}" (${source}): ${what}`);
  };
  const known = KNOWN_PROVIDERS.get(name);
  const api = input.api ?? known?.api ?? 'openai';
  if (api !== 'openai' && api !== 'anthropic') fail('api must be "openai" or "anthropic"');
  const pricingProvider = input.pricingProvider ?? known?.pricingProvider ?? name;
  if (typeof pricingProvider !== 'string' || pricingProvider === '') fail('pricing provider must be a non-empty string');
  const models = input.models ?? [];
  if (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m.trim() === '')) {
    fail('models must be an array of non-empty strings');
  }
  if (input.apiKey !== undefined && input.keys !== undefined) fail('give either an api key or keys, not both');
  const keyInputs = input.apiKey !== undefined ? [{ id: `${source}:${name}`, secret: input.apiKey }] : (input.keys ?? []);
  if (!Array.isArray(keyInputs)) fail('keys must be an array');
  return freezeProvider({
    name,
    baseUrl: parseBaseUrl(input.baseUrl ?? known?.baseUrl, fail),
    auth: parseAuth(input.auth ?? known?.auth ?? 'bearer', fail),
    api,
    keys: keyInputs.map((k, i) => parseKey(k, i, fail)),
    activeKeyId: typeof input.activeKeyId === 'string' && input.activeKeyId !== '' ? input.activeKeyId : undefined,
    pricingProvider,
    models: models.map((m) => m.trim()),
    source,
  });
}

function parseBaseUrl(value: string | URL | undefined, fail: (what: string) => never): URL {
  if (value === undefined || value === '') return fail('base URL is required for a provider cllama does not know');
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    // The value is not echoed: a misplaced key pasted into base_url must not reach a log.
    return fail('base URL is not a valid URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') fail('base URL must be http(s) with a host');
  if (url.username !== '' || url.password !== '') fail('base URL must not carry credentials');
  if (url.search !== '' || url.hash !== '') fail('base URL must not have a query or fragment');
  return url;
}

/** Parses an auth string, case-insensitively; a `header:` name is lower-cased like all header names. */
function parseAuth(value: AuthInput, fail: (what: string) => never): AuthScheme {
  if (typeof value === 'object' && value !== null) return parseAuth(value.kind === 'header' ? `header:${value.name}` : value.kind, fail);
  const text = typeof value === 'string' ? value.trim() : '';
  const lower = text.toLowerCase();
  if (lower === 'bearer' || lower === 'x-api-key' || lower === 'none') return Object.freeze({ kind: lower });
  if (lower.startsWith('header:')) {
    const header = lower.slice('header:'.length).trim();
    if (!TOKEN.test(header) || RESERVED_HEADERS.has(header)) fail(`auth "header:" needs a valid, non-reserved header name`);
    return Object.freeze({ kind: 'header', name: header });
  }
  return fail('auth must be "bearer", "x-api-key", "none" or "header:<name>"');
}

function parseKey(input: ProviderKeyInput, index: number, fail: (what: string) => never): ProviderKey {
  if (typeof input !== 'object' || input === null) return fail(`keys[${index}] must be an object`);
  const id = input.id ?? `key-${index + 1}`;
  if (typeof id !== 'string' || id === '') fail(`keys[${index}].id must be a non-empty string`);
  const secret = input.secret instanceof Secret ? input.secret : typeof input.secret === 'string' ? new Secret(input.secret.trim()) : undefined;
  if (secret === undefined || secret.isEmpty) fail(`key "${id}" has no secret`);
  const state = input.state ?? 'ready';
  if (!KEY_STATES.has(state)) fail(`key "${id}" has an unknown state`);
  const label = typeof input.label === 'string' && input.label !== '' ? input.label : undefined;
  return Object.freeze({ id, secret: secret!, state, ...(label === undefined ? {} : { label }) });
}

function freezeProvider(p: ProviderConfig): ProviderConfig {
  const ids = new Set<string>();
  for (const key of p.keys) {
    if (ids.has(key.id)) throw new ConfigurationError(`provider "${p.name}" (${p.source}): key id "${key.id}" is used twice`);
    ids.add(key.id);
  }
  const { activeKeyId, ...rest } = p;
  return Object.freeze({
    ...rest,
    ...(activeKeyId === undefined ? {} : { activeKeyId }),
    keys: Object.freeze([...p.keys]),
    models: Object.freeze([...p.models]),
  });
}
