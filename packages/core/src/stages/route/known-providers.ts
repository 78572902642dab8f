import type { ProviderApi } from '../../formats/types.js';

/** Defaults for a provider cllama knows by name (cllama-behaviour §2). */
export interface KnownProvider {
  readonly baseUrl: string;
  /** An auth string as providers.json writes it. */
  readonly auth: string;
  readonly api: ProviderApi;
  /** The provider id in the price database. */
  readonly pricingProvider: string;
  /** Environment variables holding keys, highest priority first. */
  readonly keyEnv: readonly string[];
  /** Environment variable overriding the base URL. */
  readonly baseUrlEnv: string;
}

const known = (
  baseUrl: string,
  keyEnv: readonly string[],
  baseUrlEnv: string,
  extra: Partial<Pick<KnownProvider, 'auth' | 'api' | 'pricingProvider'>> & { readonly pricingProvider: string },
): KnownProvider =>
  Object.freeze({ baseUrl, auth: 'bearer', api: 'openai', ...extra, keyEnv: Object.freeze([...keyEnv]), baseUrlEnv });

/**
 * Providers cllama knows by name. Their base URL, auth and API need not be written in providers.json,
 * and their keys may come from the environment. Key variables are listed in cllama's priority order
 * (`GOOGLE_API_KEY` is the lower-priority alias of `GEMINI_API_KEY`).
 */
export const KNOWN_PROVIDERS: ReadonlyMap<string, KnownProvider> = new Map([
  ['openai', known('https://api.openai.com/v1', ['OPENAI_API_KEY', 'OPENAI_API_KEY_1', 'OPENAI_API_KEY_2'], 'OPENAI_BASE_URL', { pricingProvider: 'openai' })],
  ['xai', known('https://api.x.ai/v1', ['XAI_API_KEY', 'XAI_API_KEY_1'], 'XAI_BASE_URL', { pricingProvider: 'x-ai' })],
  [
    'anthropic',
    known('https://api.anthropic.com/v1', ['ANTHROPIC_API_KEY', 'ANTHROPIC_API_KEY_1'], 'ANTHROPIC_BASE_URL', {
      auth: 'x-api-key',
      api: 'anthropic',
      pricingProvider: 'anthropic',
    }),
  ],
  ['openrouter', known('https://openrouter.ai/api/v1', ['OPENROUTER_API_KEY', 'OPENROUTER_API_KEY_1'], 'OPENROUTER_BASE_URL', { pricingProvider: 'openrouter' })],
  [
    'google',
    known('https://generativelanguage.googleapis.com/v1beta/openai', ['GEMINI_API_KEY', 'GEMINI_API_KEY_1', 'GOOGLE_API_KEY'], 'GOOGLE_BASE_URL', {
      pricingProvider: 'google',
    }),
  ],
  ['ollama', known('http://ollama:11434/v1', [], 'OLLAMA_BASE_URL', { auth: 'none', pricingProvider: 'ollama' })],
  ['vercel', known('https://ai-gateway.vercel.sh/v1', ['AI_GATEWAY_API_KEY', 'AI_GATEWAY_API_KEY_1', 'AI_GATEWAY_API_KEY_2'], 'AI_GATEWAY_BASE_URL', { pricingProvider: 'vercel' })],
]);
