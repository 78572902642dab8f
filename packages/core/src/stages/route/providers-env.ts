import { KNOWN_PROVIDERS } from './known-providers.js';
import type { ProviderInput, ProviderKeyInput } from './registry.js';

/**
 * Providers from the environment, cllama's fallback source (cllama-behaviour §2): each known
 * provider's key variables in priority order (`OPENAI_API_KEY`, `OPENAI_API_KEY_1`, …), and its
 * `*_BASE_URL` override. A keyed provider appears only when one of its keys is set, so a stray base
 * URL does not shadow the fallback route; a keyless one (Ollama) appears when its base URL is set.
 * Key ids are `env:<VARIABLE>`; a value repeated under two variables is kept once.
 *
 * @example
 * providersFromEnv({ OPENAI_API_KEY: 'sk-a', OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1' });
 * // [{ name: 'openai', keys: [{ id: 'env:OPENAI_API_KEY', ... }] }, { name: 'ollama', baseUrl: ... }]
 */
export function providersFromEnv(env: NodeJS.ProcessEnv): ProviderInput[] {
  const out: ProviderInput[] = [];
  for (const [name, known] of KNOWN_PROVIDERS) {
    const keys: ProviderKeyInput[] = [];
    const seen = new Set<string>();
    for (const variable of known.keyEnv) {
      const value = env[variable]?.trim();
      if (value === undefined || value === '' || seen.has(value)) continue;
      seen.add(value);
      keys.push({ id: `env:${variable}`, secret: value });
    }
    const baseUrl = env[known.baseUrlEnv]?.trim() || undefined;
    const keyless = known.auth === 'none';
    if (keyless ? baseUrl === undefined : keys.length === 0) continue;
    out.push({ name, keys, ...(baseUrl === undefined ? {} : { baseUrl }) });
  }
  return out;
}
