import type { Exchange } from '../../exchange.js';

/**
 * One line per request. Field names follow cllama's audit log (`ts`, `claw_id`, `type`, `model`,
 * `latency_ms`, `status_code`, `tokens_in`, `tokens_out`, `cached_tokens`, `cache_write_tokens`,
 * `cost_usd`, `intervention`), plus what a gateway operator needs beside them. Absent means unknown:
 * `tokens_in` is omitted when the provider reported no usage, never written as 0.
 */
export interface AuditRecord {
  readonly ts: string;
  /** `response` when an upstream answered, `error` when the proxy refused or failed the request. */
  readonly type: 'response' | 'error';
  readonly request_id: string;
  readonly claw_id: string | null;
  readonly pod?: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly format?: string | undefined;
  /** The model string the client sent. */
  readonly model?: string | undefined;
  readonly provider?: string | undefined;
  readonly upstream_model?: string | undefined;
  readonly response_model?: string | undefined;
  readonly key_id?: string | undefined;
  readonly stream: boolean;
  readonly status_code: number;
  /** How the response ended: `complete`, `client_aborted`, `upstream_failed`, `timeout`, `refused`. */
  readonly completion: string;
  readonly latency_ms: number;
  /** Time spent in the proxy itself: arrival to dispatch, plus first upstream byte to first client byte. */
  readonly overhead_ms: number;
  readonly ttfb_ms?: number | undefined;
  /** All input tokens, cache reads and writes included, for every provider alike. */
  readonly tokens_in?: number | undefined;
  readonly tokens_out?: number | undefined;
  readonly cached_tokens?: number | undefined;
  readonly cache_write_tokens?: number | undefined;
  readonly reasoning_tokens?: number | undefined;
  readonly usage_source?: string | undefined;
  readonly cost_usd?: number | undefined;
  readonly pricing_status?: string | undefined;
  readonly cost_source?: string | undefined;
  readonly unpriced_reason?: string | undefined;
  readonly finish_reasons?: readonly string[] | undefined;
  /** The first intervention, or null: cllama always writes this key. */
  readonly intervention: string | null;
  readonly interventions?: readonly string[] | undefined;
  /** Stable error code when the request failed (`invalid_agent_credentials`, `upstream_timeout`, …). */
  readonly error?: string | undefined;
  readonly error_message?: string | undefined;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Builds the record from a settled exchange. Pure: reads slots, writes nothing. */
export function auditRecord(ex: Exchange): AuditRecord {
  const { timings, outcome, response, usage, cost, route, agent } = ex;
  const finished = timings.finished ?? ex.clock.now();
  const preDispatch = (timings.dispatched ?? finished) - timings.received;
  const relayDelay =
    timings.firstDownstreamByte !== undefined && timings.firstUpstreamByte !== undefined
      ? timings.firstDownstreamByte - timings.firstUpstreamByte
      : 0;
  const failed = outcome?.errorCode !== undefined;
  // One literal with every key, in one fixed order: V8 keeps a single shape for all records, and
  // JSON.stringify leaves out the keys that are undefined, so unknown stays absent (never 0 or null).
  const record: AuditRecord = {
    ts: new Date(timings.received).toISOString(),
    type: failed && response === undefined ? 'error' : 'response',
    request_id: ex.id,
    claw_id: agent?.id ?? null,
    pod: agent?.pod,
    method: ex.request.method,
    path: ex.request.path,
    format: ex.request.format?.name,
    model: ex.request.model,
    provider: route?.provider.name,
    upstream_model: route?.upstreamModel,
    response_model: response?.responseModel,
    key_id: ex.credentials?.keyId,
    stream: ex.request.stream,
    status_code: outcome?.status ?? ex.res.statusCode,
    completion: response?.completion ?? (failed ? 'refused' : 'complete'),
    latency_ms: round(finished - timings.received),
    overhead_ms: round(preDispatch + relayDelay),
    ttfb_ms: timings.firstDownstreamByte === undefined ? undefined : round(timings.firstDownstreamByte - timings.received),
    tokens_in: usage?.inputTokens,
    tokens_out: usage?.outputTokens,
    cached_tokens: usage?.cacheReadTokens,
    cache_write_tokens: usage?.cacheWriteTokens,
    reasoning_tokens: usage?.reasoningTokens,
    usage_source: usage?.source,
    cost_usd: cost?.usd,
    pricing_status: cost?.pricingStatus,
    cost_source: cost?.source,
    unpriced_reason: cost?.reason,
    finish_reasons: response?.finishReasons?.length ? response.finishReasons : undefined,
    intervention: ex.interventions[0] ?? null,
    interventions: ex.interventions.length > 1 ? [...ex.interventions] : undefined,
    error: outcome?.errorCode ?? (response?.streamError ? 'upstream_stream_error' : undefined),
    error_message: outcome?.errorMessage ?? response?.streamError,
  };
  return record;
}
