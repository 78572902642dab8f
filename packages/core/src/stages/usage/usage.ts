import { publish } from '../../diagnostics.js';
import type { Exchange } from '../../exchange.js';
import type { BodyReading, StreamReader } from '../../formats/types.js';
import { type Logger, silentLogger } from '../../logger.js';
import { type Stage, defineStage } from '../../stage.js';
import { estimateUsage } from './estimate.js';
import { type PriceBook, createPriceBook } from './pricing.js';
import type { CostState, UsageState } from './types.js';

export interface UsageOptions {
  /** Where prices come from. Default: a `createPriceBook()` made once for this stage. */
  readonly prices?: PriceBook;
  /** Default: `silentLogger`. */
  readonly logger?: Logger;
}

/**
 * The usage tap. It reads token usage from the response as `forward()` relays it (each SSE event, or
 * the JSON body) without holding the stream, then, once the response is complete, fills
 * `exchange.usage` and `exchange.cost`, copies the response model, finish reasons and any in-band
 * stream error onto `exchange.response`, and publishes `cllama:usage`.
 *
 * A stream cut before the provider reported usage is estimated (`source: 'estimate'`) from the
 * request size and the text relayed. A model the price book does not know is `unpriced`, never $0.
 *
 * @example
 * const pipeline = compose([identity({ resolve }), route({ providers }), usage(), forward()]);
 */
export function usage(options: UsageOptions = {}): Stage {
  const { prices = createPriceBook(), logger = silentLogger } = options;

  return defineStage({ name: 'usage', requires: ['route'] }, async function usage(ex, next) {
    const format = ex.request.format;
    if (format === undefined) return next();
    const reader = ex.request.stream ? format.createStreamReader() : undefined;
    if (reader !== undefined) ex.onEvent((event) => reader.readEvent(event));
    // Registered for streams too: an upstream that refuses a stream answers with a JSON error body.
    let body: BodyReading | undefined;
    ex.onBody((json) => {
      body = format.readBody(json);
    });
    try {
      await next();
    } finally {
      // Runs when next() throws as well: a failed or aborted stream still consumed tokens. Nothing
      // here may throw over the error that is already on its way out.
      try {
        settle(ex, reader, body, prices);
        publish('usage', ex);
      } catch (error) {
        logger.error('usage tap failed', { requestId: ex.id, error: String(error) });
      }
    }
  });
}

function settle(ex: Exchange, reader: StreamReader | undefined, body: BodyReading | undefined, prices: PriceBook): void {
  const usage = usageOf(ex, reader, body);
  ex.usage = usage;
  ex.cost = costOf(ex, usage, prices);
  const response = ex.response;
  if (response === undefined) return;
  const seen = body ?? reader;
  if (seen?.responseModel !== undefined) response.responseModel = seen.responseModel;
  const reasons = seen?.finishReasons;
  if (reasons !== undefined && reasons.length > 0) response.finishReasons = reasons;
  // A relay failure forward() already recorded says more about how the stream ended: keep it.
  if (reader?.error !== undefined && response.streamError === undefined) response.streamError = reader.error;
}

function usageOf(ex: Exchange, reader: StreamReader | undefined, body: BodyReading | undefined): UsageState | undefined {
  if (body?.usage !== undefined) return { ...body.usage, source: 'json' };
  if (reader === undefined) return undefined;
  const reported = reader.usage();
  const response = ex.response;
  const cut = response !== undefined && response.completion !== 'complete' && response.status < 300;
  if (!cut) return reported === undefined ? undefined : { ...reported, source: 'sse' };
  // The stream was cut after the upstream accepted it: the provider bills what it processed, so the
  // record carries an estimate rather than nothing. A partial report (Anthropic's message_start
  // has the input side) is kept and completed from what was relayed.
  const estimate = estimateUsage(ex.request.bodyBytes, reader.outputChars);
  return {
    ...estimate,
    ...reported,
    outputTokens: Math.max(reported?.outputTokens ?? 0, estimate.outputTokens ?? 0),
    source: 'estimate',
  };
}

function costOf(ex: Exchange, usage: UsageState | undefined, prices: PriceBook): CostState {
  if (usage === undefined) return { usd: undefined, pricingStatus: 'unpriced', reason: 'no_usage' };
  if (usage.reportedCostUsd !== undefined) {
    return { usd: usage.reportedCostUsd, pricingStatus: 'priced', source: 'reported' };
  }
  const route = ex.route;
  const priced = route && prices.price(route.provider.pricingProvider, route.upstreamModel, usage);
  return priced === undefined
    ? { usd: undefined, pricingStatus: 'unpriced', reason: 'unknown_model' }
    : { usd: priced.usd, pricingStatus: 'priced', source: 'table' };
}
