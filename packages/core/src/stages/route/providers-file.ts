import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../../errors.js';
import type { ProviderApi } from '../../formats/types.js';
import type { KeyState } from './types.js';
import type { ProviderInput, ProviderKeyInput } from './registry.js';

/**
 * Reads a cllama `providers.json` once. A missing or unparsable file throws `ConfigurationError`
 * (callers that treat the file as optional check for it first). The file is never written: the
 * reference rewrites it on every key-state change, persisting env secrets into it; we do not.
 */
export function loadProvidersFile(path: string): ProviderInput[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`providers file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseProvidersFile(text, path);
}

/**
 * Parses providers.json text, v1 or v2 (cllama-behaviour §2):
 *
 * - v1 (no `version`, or 1): `{"providers":{"<name>":{"base_url","api_key","auth","api_format"}}}`;
 *   `api_key` becomes one key with cllama's id `seed:<NAME>_API_KEY`.
 * - v2 (`"version":2`): per provider `{base_url, auth, api_format, active_key_id, keys:[{id, label,
 *   secret, state, ...}]}`. A `cooldown` key counts as `ready`: cooldowns are the reference's
 *   transient per-process state, and a static registry would otherwise skip the key forever.
 *
 * Our extensions, in both versions: `pricing_provider` and `models`. Other fields are ignored.
 * Messages name the file and provider, never a JSON excerpt (which could quote a key).
 */
export function parseProvidersFile(text: string, label = 'providers.json'): ProviderInput[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`${label} is not valid JSON`);
  }
  if (!isObject(json)) throw new ConfigurationError(`${label} must hold a JSON object`);
  const version = json['version'] ?? 1;
  if (version !== 1 && version !== 2) throw new ConfigurationError(`${label}: unsupported version (expected 1 or 2)`);
  const providers = json['providers'] ?? {};
  if (!isObject(providers)) throw new ConfigurationError(`${label}: "providers" must be an object`);
  return Object.entries(providers).map(([name, entry]) => {
    const where = `${label}: provider "${name}"`;
    if (!isObject(entry)) throw new ConfigurationError(`${where} must be an object`);
    const field = fieldReader(entry, where);
    const input: ProviderInput = {
      name,
      baseUrl: field('base_url'),
      auth: field('auth'),
      api: field('api_format') as ProviderApi | undefined,
      pricingProvider: field('pricing_provider'),
      models: stringList(entry['models'], `${where}: "models"`),
    };
    if (version === 1) {
      const apiKey = field('api_key');
      const id = `seed:${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
      return apiKey === undefined ? input : { ...input, keys: [{ id, secret: apiKey }] };
    }
    const keys = entry['keys'] ?? [];
    if (!Array.isArray(keys)) throw new ConfigurationError(`${where}: "keys" must be an array`);
    return { ...input, activeKeyId: field('active_key_id'), keys: keys.map((k, i) => fileKey(k, i, where)) };
  });
}

function fileKey(entry: unknown, index: number, where: string): ProviderKeyInput {
  if (!isObject(entry)) throw new ConfigurationError(`${where}: keys[${index}] must be an object`);
  const field = fieldReader(entry, `${where}: keys[${index}]`);
  const state = field('state');
  return {
    id: field('id'),
    secret: field('secret') ?? '',
    state: (state === 'cooldown' ? 'ready' : state) as KeyState | undefined,
    label: field('label'),
  };
}

/** Reads optional string fields; empty strings count as absent (the reference writes `""` for unset). */
function fieldReader(obj: Record<string, unknown>, where: string): (key: string) => string | undefined {
  return (key) => {
    const value = obj[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new ConfigurationError(`${where}: "${key}" must be a string`);
    return value;
  };
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigurationError(`${where} must be an array of strings`);
  }
  return value as string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
