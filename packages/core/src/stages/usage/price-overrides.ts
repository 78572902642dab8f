import { ConfigurationError } from '../../errors.js';
import type { RateCard, Rates } from './pricing.js';

const CARD_KEYS = new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok']);

/** Validates price overrides once and returns a matcher: an exact key first, then the longest prefix. */
export function compileOverrides(
  overrides: Readonly<Record<string, RateCard>>,
): (provider: string, model: string) => Rates | undefined {
  const exact = new Map<string, Rates>();
  const prefixes: { readonly prefix: string; readonly rates: Rates }[] = [];
  for (const [key, card] of Object.entries(overrides)) {
    const slash = key.indexOf('/');
    const star = key.indexOf('*');
    if (slash < 1 || slash === key.length - 1 || (star !== -1 && star !== key.length - 1)) {
      throw new ConfigurationError(`price override "${key}" must be "provider/model" or "provider/prefix*"`);
    }
    const rates = validateCard(key, card);
    if (star === -1) exact.set(key.toLowerCase(), rates);
    else prefixes.push({ prefix: key.slice(0, -1).toLowerCase(), rates });
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  if (exact.size === 0 && prefixes.length === 0) return () => undefined;
  return (provider, model) => {
    const key = `${provider}/${model}`.toLowerCase();
    return exact.get(key) ?? prefixes.find((p) => key.startsWith(p.prefix))?.rates;
  };
}

function validateCard(key: string, card: RateCard): Rates {
  if (typeof card !== 'object' || card === null) {
    throw new ConfigurationError(`price override "${key}" must be an object of USD-per-million rates`);
  }
  for (const [field, value] of Object.entries(card)) {
    if (!CARD_KEYS.has(field)) {
      throw new ConfigurationError(`price override "${key}" has unknown key "${field}" (expected ${[...CARD_KEYS].join(', ')})`);
    }
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new ConfigurationError(`price override "${key}".${field} must be a finite number >= 0`);
    }
  }
  if (card.input_mtok === undefined || card.output_mtok === undefined) {
    throw new ConfigurationError(`price override "${key}" needs input_mtok and output_mtok`);
  }
  // Cache rates absent from a card fall back to the input rate, the same as `costOf` does.
  return Object.freeze({
    input_mtok: card.input_mtok,
    output_mtok: card.output_mtok,
    cache_read_mtok: card.cache_read_mtok,
    cache_write_mtok: card.cache_write_mtok,
    source: 'override' as const,
  });
}
