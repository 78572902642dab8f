import { calcPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../errors.js';
import type { UsageReading } from '../../formats/types.js';
import { type RateCard, createPriceBook } from './pricing.js';

const MODELS: readonly (readonly [string, string])[] = [
  ['openai', 'gpt-4o-mini'],
  ['openai', 'gpt-5.6'],
  ['openai', 'o4-mini'],
  ['anthropic', 'claude-sonnet-4-5'],
  ['anthropic', 'claude-sonnet-5-5'],
  ['anthropic', 'claude-opus-4-1'],
  ['google', 'gemini-2.5-pro'],
  ['openrouter', 'anthropic/claude-sonnet-4.5'],
  ['deepseek', 'deepseek-chat'],
];

/** Consistent usage as providers report it: cache reads and writes are part of the input total. */
const usageArb = fc
  .tuple(fc.nat({ max: 600_000 }), fc.nat({ max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([inputTokens, outputTokens, readShare, writeShare]) => {
    const cacheReadTokens = Math.floor(inputTokens * readShare);
    const cacheWriteTokens = Math.floor((inputTokens - cacheReadTokens) * writeShare);
    return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } satisfies UsageReading;
  });

describe('createPriceBook', () => {
  it('computes what genai-prices computes, for any usage of real models', () => {
    const now = new Date();
    const prices = createPriceBook({ now: () => now });
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), usageArb, ([provider, model], usage) => {
        const expected = calcPrice(
          {
            input_tokens: usage.inputTokens,
            output_tokens: usage.outputTokens,
            cache_read_tokens: usage.cacheReadTokens,
            cache_write_tokens: usage.cacheWriteTokens,
          },
          model,
          { providerId: provider, timestamp: now },
        );
        expect(expected).not.toBeNull();
        const got = prices.price(provider, model, usage);
        expect(got).toBeDefined();
        const total = expected?.total_price ?? NaN;
        expect(Math.abs((got?.usd ?? NaN) - total)).toBeLessThanOrEqual(1e-9 * Math.max(total, 1e-12));
      }),
      { numRuns: 1000 },
    );
  });

  it('applies a tier once the total input, cache included, passes its start', () => {
    const prices = createPriceBook();
    const below = prices.price('anthropic', 'claude-sonnet-4-5', { inputTokens: 200_000, outputTokens: 0 });
    const above = prices.price('anthropic', 'claude-sonnet-4-5', { inputTokens: 200_001, cacheReadTokens: 200_000, outputTokens: 0 });
    expect(below?.usd).toBeCloseTo(0.6, 12); // 200k at $3
    expect(above?.usd).toBeCloseTo((1 * 6 + 200_000 * 0.6) / 1e6, 12); // the long-context rates
  });

  it('bills cache tokens at the input rate when the model has no cache rate', () => {
    const prices = createPriceBook();
    const withWrites = prices.price('openai', 'gpt-4o-mini', { inputTokens: 1000, cacheWriteTokens: 400, outputTokens: 0 });
    const without = prices.price('openai', 'gpt-4o-mini', { inputTokens: 1000, outputTokens: 0 });
    expect(withWrites?.usd).toBe(without?.usd);
  });

  it('leaves unknown models and providers unpriced instead of $0', () => {
    const prices = createPriceBook();
    expect(prices.price('openai', 'no-such-model-xyz', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(prices.price('no-such-provider', 'gpt-4o', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(prices.rates('openai', 'no-such-model-xyz')).toBeUndefined();
  });

  it('switches rates at a time-of-day boundary without waiting for the TTL', () => {
    let now = new Date('2026-06-01T16:29:59Z');
    const prices = createPriceBook({ now: () => now, ttlMs: 24 * 3600_000 });
    expect(prices.rates('deepseek', 'deepseek-chat')?.input_mtok).toBe(0.27); // peak, 00:30-16:30 UTC
    now = new Date('2026-06-01T16:30:01Z');
    expect(prices.rates('deepseek', 'deepseek-chat')?.input_mtok).toBe(0.135);
  });

  it('switches rates on a start date, and keeps cached rates until then', () => {
    let now = new Date('2026-03-12T23:30:00Z');
    const prices = createPriceBook({ now: () => now });
    const before = prices.rates('anthropic', 'claude-opus-4-6');
    expect(typeof before?.input_mtok).toBe('object'); // tiered before 2026-03-13
    now = new Date('2026-03-12T23:59:59Z');
    expect(prices.rates('anthropic', 'claude-opus-4-6')).toBe(before);
    now = new Date('2026-03-13T00:00:01Z');
    expect(prices.rates('anthropic', 'claude-opus-4-6')?.input_mtok).toBe(5);
  });

  it('looks a model up again after the TTL', () => {
    let now = new Date('2026-06-01T00:00:00Z');
    const prices = createPriceBook({ now: () => now, ttlMs: 1000 });
    const first = prices.rates('openai', 'gpt-4o-mini');
    expect(prices.rates('openai', 'gpt-4o-mini')).toBe(first);
    now = new Date('2026-06-01T00:00:02Z');
    const second = prices.rates('openai', 'gpt-4o-mini');
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('prices a cache hit in about a microsecond, not a database lookup', () => {
    const prices = createPriceBook();
    const usage = { inputTokens: 5000, cacheReadTokens: 2000, outputTokens: 300 };
    prices.price('anthropic', 'claude-sonnet-4-5', usage);
    const runs = 20_000;
    const start = performance.now();
    for (let i = 0; i < runs; i++) prices.price('anthropic', 'claude-sonnet-4-5', usage);
    const perCallUs = ((performance.now() - start) * 1000) / runs;
    // A lookup costs 25-340 µs; 20 µs leaves room for a slow CI machine and still proves the cache.
    expect(perCallUs).toBeLessThan(20);
  });
});

describe('price overrides', () => {
  const card: RateCard = { input_mtok: 1, output_mtok: 2 };

  it('win over the database, exact keys before prefixes, longest prefix first, any case', () => {
    const prices = createPriceBook({
      overrides: {
        'openai/gpt-4o-mini': { input_mtok: 10, output_mtok: 20, cache_read_mtok: 5 },
        'openai/gpt-4o*': card,
        'openai/gpt-*': { input_mtok: 3, output_mtok: 3 },
        'local/*': { input_mtok: 0, output_mtok: 0 },
      },
    });
    expect(prices.rates('openai', 'GPT-4o-mini')).toMatchObject({ input_mtok: 10, source: 'override' });
    expect(prices.rates('openai', 'gpt-4o-2024-08-06')).toMatchObject({ input_mtok: 1 });
    expect(prices.rates('openai', 'gpt-5')).toMatchObject({ input_mtok: 3 });
    expect(prices.price('local', 'llama-3', { inputTokens: 1e6, outputTokens: 1e6 })).toEqual({ usd: 0 });
    expect(prices.rates('openai', 'o4-mini')?.source).toBe('database');
    const usd = prices.price('openai', 'gpt-4o-mini', { inputTokens: 1_000_000, cacheReadTokens: 400_000, cacheWriteTokens: 100_000, outputTokens: 1_000_000 })?.usd;
    // 600k uncached at $10 (writes fall back to input: 500k + 100k), 400k reads at $5, 1M out at $20.
    expect(usd).toBeCloseTo(6 + 2 + 20, 9);
  });

  it('are validated when the book is made', () => {
    const bad = (overrides: Record<string, unknown>) => () =>
      createPriceBook({ overrides: overrides as Record<string, RateCard> });
    expect(bad({ 'openai/x': { input_mtok: -1, output_mtok: 1 } })).toThrow(ConfigurationError);
    expect(bad({ 'openai/x': { input_mtok: NaN, output_mtok: 1 } })).toThrow(ConfigurationError);
    expect(bad({ 'openai/x': { input_mtok: 1, output_mtok: 1, cached_mtok: 1 } })).toThrow(/unknown key "cached_mtok"/);
    expect(bad({ 'openai/x': { input_mtok: 1 } })).toThrow(/needs input_mtok and output_mtok/);
    expect(bad({ 'openai/x': { input_mtok: '1', output_mtok: 1 } })).toThrow(ConfigurationError);
    expect(bad({ 'openai/x': null })).toThrow(ConfigurationError);
    for (const key of ['gpt-4o', '/gpt-4o', 'openai/', 'openai/*gpt', 'openai/g*pt*']) {
      expect(bad({ [key]: card })).toThrow(ConfigurationError);
    }
    expect(() => createPriceBook({ ttlMs: 0 })).toThrow(ConfigurationError);
  });
});
