import { publish, publishError } from './diagnostics.js';
import { toCllamaError } from './errors.js';
import type { Exchange } from './exchange.js';

/**
 * Sets `exchange.outcome` from how the pipeline ended: the upstream's status, or the error a stage
 * threw (its status, unless a stream had already sent a status line). Idempotent: the first call wins,
 * so the audit stage and the adapter agree on one outcome.
 */
export function settleOutcome(exchange: Exchange, thrown?: unknown): void {
  if (exchange.outcome !== undefined) return;
  exchange.timings.finished ??= exchange.clock.now();
  if (thrown === undefined) {
    exchange.outcome = { status: exchange.response?.status ?? exchange.res.statusCode };
    return;
  }
  const error = toCllamaError(thrown);
  exchange.outcome = {
    status: exchange.res.headersSent ? exchange.res.statusCode : error.status,
    errorCode: error.code,
    errorMessage: error.message,
  };
  publishError(exchange, thrown);
}

/** Called once by the adapter when the outermost cllama stage is done: publishes `cllama:request:end`. */
export function endExchange(exchange: Exchange, thrown?: unknown): void {
  settleOutcome(exchange, thrown);
  publish('requestEnd', exchange);
}
