import { type ModelInfo, calcPrice } from '@pydantic/genai-prices';
import { LRUCache } from 'lru-cache';
import { ConfigurationError } from '../../errors.js';
import { compileOverrides } from './price-overrides.js';
import type { UsageReading } from '../../formats/types.js';

/** USD per million tokens: flat, or stepped by the request's total input tokens. */
export type Price = number | TieredPrice;

/** A rate that changes once a request's total input tokens pass `start` (Anthropic and Gemini long context). */
export interface TieredPrice {
  readonly base: number;
  /** Ascending by `start`; the last tier with `start` below the input total applies. */
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

/** A price override, in USD per million tokens. Cache rates default to the input rate. */
export interface RateCard {
  readonly input_mtok: number;
  readonly output_mtok: number;
  readonly cache_read_mtok?: number;
  readonly cache_write_mtok?: number;
}

/** The rates in force for one (provider, model), as the price database or an override gives them. */
export interface Rates {
  readonly input_mtok?: Price;
  readonly output_mtok?: Price;
  readonly cache_read_mtok?: Price;
  readonly cache_write_mtok?: Price;
  /** A flat fee per thousand requests (a few providers charge one). */
  readonly requests_kcount?: Price;
  readonly source: 'database' | 'override';
}

export interface PriceBook {
  /** The rates for `model` at `pricingProvider`, or `undefined` when neither overrides nor the database know it. */
  rates(pricingProvider: string, model: string): Rates | undefined;
  /** What `usage` cost, or `undefined` for an unknown model (unpriced, never $0). */
  price(pricingProvider: string, model: string, usage: UsageReading): { readonly usd: number } | undefined;
}

export interface PriceBookOptions {
  /**
   * `provider/model` (exact) or `provider/prefix*` → rates; they win over the database. `provider` is
   * the price database's id (`ProviderConfig.pricingProvider`). Matched case-insensitively.
   */
  readonly overrides?: Readonly<Record<string, RateCard>>;
  /** Clock for which price set is in force. Default `() => new Date()`. */
  readonly now?: () => Date;
  /** How long a resolved model's rates are reused before the database is asked again. Default 1 hour. */
  readonly ttlMs?: number;
  /** How many (provider, model) pairs to keep resolved. Default 1000. */
  readonly maxModels?: number;
}

interface Resolved {
  readonly rates: Rates | undefined;
  readonly expiresAt: number;
}

const PROBE_USAGE = { input_tokens: 0, output_tokens: 0 };

/**
 * Prices usage from `@pydantic/genai-prices` and your overrides. The database lookup (a few hundred
 * µs) runs once per (provider, model) and is cached, misses included; each request's cost is then
 * computed from the cached rates in about a microsecond. Entries are looked up again after `ttlMs`,
 * or sooner when the model's prices change at a known time (a start date, a time-of-day discount).
 *
 * Input tokens are split as the database's own calculator splits them: cache reads and writes at their
 * rates when the model has them (at the input rate when not), the rest at the input rate, every rate
 * stepped by the request's total input tokens.
 *
 * @example
 * const prices = createPriceBook({ overrides: { 'local/llama*': { input_mtok: 0, output_mtok: 0 } } });
 * prices.price('openai', 'gpt-4o-mini', { inputTokens: 1000, outputTokens: 200 }); // { usd: 0.00027 }
 */
export function createPriceBook(options: PriceBookOptions = {}): PriceBook {
  const { overrides = {}, now = () => new Date(), ttlMs = 60 * 60 * 1000, maxModels = 1000 } = options;
  if (!(ttlMs > 0)) throw new ConfigurationError(`price book ttlMs must be positive, got ${ttlMs}`);
  if (!Number.isInteger(maxModels) || maxModels < 1) {
    throw new ConfigurationError(`price book maxModels must be a positive integer, got ${maxModels}`);
  }
  const findOverride = compileOverrides(overrides);
  const cache = new LRUCache<string, Resolved>({ max: maxModels });

  function rates(pricingProvider: string, model: string): Rates | undefined {
    const key = `${pricingProvider}\u0000${model}`;
    const at = now();
    const time = at.getTime();
    const hit = cache.get(key);
    if (hit !== undefined && time < hit.expiresAt) return hit.rates;
    const override = findOverride(pricingProvider, model);
    const resolved = override ? { rates: override, expiresAt: Infinity } : lookUp(pricingProvider, model, at, ttlMs);
    cache.set(key, resolved);
    return resolved.rates;
  }

  return Object.freeze({
    rates,
    price(pricingProvider: string, model: string, usage: UsageReading) {
      const found = rates(pricingProvider, model);
      return found === undefined ? undefined : { usd: costOf(found, usage) };
    },
  });
}

/** The cost of `usage` at `rates`, in USD. */
export function costOf(rates: Rates, usage: UsageReading): number {
  const input = usage.inputTokens ?? 0;
  // Without a cache rate, cache tokens stay in the input share and are billed at the input rate.
  const cacheRead = rates.cache_read_mtok === undefined ? 0 : (usage.cacheReadTokens ?? 0);
  const cacheWrite = rates.cache_write_mtok === undefined ? 0 : (usage.cacheWriteTokens ?? 0);
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  return (
    perMillion(rates.input_mtok, uncached, input) +
    perMillion(rates.cache_read_mtok, cacheRead, input) +
    perMillion(rates.cache_write_mtok, cacheWrite, input) +
    perMillion(rates.output_mtok, usage.outputTokens ?? 0, input) +
    (rates.requests_kcount === undefined ? 0 : rateAt(rates.requests_kcount, input) / 1000)
  );
}

function perMillion(price: Price | undefined, tokens: number, totalInput: number): number {
  if (price === undefined || tokens <= 0) return 0;
  return (rateAt(price, totalInput) * tokens) / 1e6;
}

/** A tier applies once the total input tokens exceed its `start`, as the database's calculator has it. */
function rateAt(price: Price, totalInput: number): number {
  if (typeof price === 'number') return price;
  let rate = price.base;
  for (const tier of price.tiers) if (totalInput > tier.start) rate = tier.price;
  return rate;
}

function lookUp(provider: string, model: string, at: Date, ttlMs: number): Resolved {
  const time = at.getTime();
  let found: ReturnType<typeof calcPrice> = null;
  try {
    found = calcPrice(PROBE_USAGE, model, { providerId: provider, timestamp: at });
  } catch {
    // A database entry the calculator cannot use is as good as none: unpriced, not a failed request.
  }
  const expiresAt = Math.min(time + ttlMs, nextPriceChange(found?.model.prices, time));
  if (found === null) return { rates: undefined, expiresAt };
  const p = found.model_price;
  const rates: Rates = {
    input_mtok: toPrice(p['input_mtok']),
    output_mtok: toPrice(p['output_mtok']),
    cache_read_mtok: toPrice(p['cache_read_mtok']),
    cache_write_mtok: toPrice(p['cache_write_mtok']),
    requests_kcount: toPrice(p['requests_kcount']),
    source: 'database',
  };
  // A model priced only per image, second or search cannot be priced from token usage.
  const usable = rates.input_mtok !== undefined || rates.output_mtok !== undefined;
  return { rates: usable ? rates : undefined, expiresAt };
}

function toPrice(value: unknown): Price | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'object' || value === null || !('base' in value) || !('tiers' in value)) return undefined;
  const { base, tiers } = value;
  if (typeof base !== 'number' || !Array.isArray(tiers)) return undefined;
  // The calculator sorts tiers itself; the raw database entry need not be sorted.
  const steps = (tiers as unknown[]).filter(isTier).map(({ start, price }) => ({ start, price }));
  return { base, tiers: steps.sort((a, b) => a.start - b.start) };
}

function isTier(value: unknown): value is { start: number; price: number } {
  if (typeof value !== 'object' || value === null) return false;
  const { start, price } = value as { start?: unknown; price?: unknown };
  return typeof start === 'number' && typeof price === 'number';
}

/** The next instant after `time` at which the model's price set may change: a start date or a time-of-day bound. */
function nextPriceChange(prices: ModelInfo['prices'] | undefined, time: number): number {
  let next = Infinity;
  if (!Array.isArray(prices)) return next;
  const DAY = 86_400_000;
  const midnight = Math.floor(time / DAY) * DAY;
  for (const { constraint } of prices) {
    if (constraint?.type === 'start_date') {
      const start = Date.parse(`${constraint.start_date}T00:00:00Z`);
      if (start > time) next = Math.min(next, start);
    } else if (constraint?.type === 'time_of_date') {
      for (const bound of [constraint.start_time, constraint.end_time]) {
        const offset = secondsOfDayUtc(bound) * 1000;
        if (Number.isNaN(offset)) continue;
        const today = midnight + offset;
        next = Math.min(next, today > time ? today : today + DAY);
      }
    }
  }
  return next;
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` as seconds after UTC midnight, NaN when malformed. */
function secondsOfDayUtc(text: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (m === null) return NaN;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const offset = m[4] === 'Z' ? 0 : (m[5] === '-' ? -1 : 1) * (Number(m[6]) * 3600 + Number(m[7]) * 60);
  return (((local - offset) % 86_400) + 86_400) % 86_400;
}
