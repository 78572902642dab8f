import type { UsageState } from './types.js';

/**
 * Roughly four characters (or UTF-8 bytes of English-ish JSON) per token: the rule of thumb the
 * providers publish. Only used when the real figure never arrived, and marked `estimate` then.
 */
export const CHARS_PER_TOKEN = 4;

/** Tokens in `chars` characters or bytes, rounded up so that anything seen counts for at least one. */
export function estimateTokens(chars: number): number {
  return chars > 0 ? Math.ceil(chars / CHARS_PER_TOKEN) : 0;
}

/**
 * Usage for a stream cut before the provider reported it: input from the request body's size,
 * output from the generated characters relayed so far.
 *
 * @example
 * estimateUsage(4000, 120); // { inputTokens: 1000, outputTokens: 30, source: 'estimate' }
 */
export function estimateUsage(requestBytes: number, outputChars: number): UsageState {
  return { inputTokens: estimateTokens(requestBytes), outputTokens: estimateTokens(outputChars), source: 'estimate' };
}
