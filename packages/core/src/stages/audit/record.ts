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
  readonly pod?: string;
  readonly method: string;
  readonly path: string;
  readonly format?: string;
  /** The model string the client sent. */
  readonly model?: string;
  readonly provider?: string;
  readonly upstream_model?: string;
  readonly response_model?: string;
  readonly key_id?: string;
  readonly stream: boolean;
  readonly status_code: number;
  /** How the response ended: `complete`, `client_aborted`, `upstream_failed`, `timeout`, `refused`. */
  readonly completion: string;
  readonly latency_ms: number;
  /** Time spent in the proxy itself: arrival to dispatch, plus first upstream byte to first client byte. */
  readonly overhead_ms: number;
  readonly ttfb_ms?: number;
  /** All input tokens, cache reads and writes included, for every provider alike. */
  readonly tokens_in?: number;
  readonly tokens_out?: number;
  readonly cached_tokens?: number;
  readonly cache_write_tokens?: number;
  readonly reasoning_tokens?: number;
  readonly usage_source?: string;
  readonly cost_usd?: number;
  readonly pricing_status?: string;
  readonly cost_source?: string;
  readonly unpriced_reason?: string;
  readonly finish_reasons?: readonly string[];
  /** The first intervention, or null: cllama always writes this key. */
  readonly intervention: string | null;
  readonly interventions?: readonly string[];
  /** Stable error code when the request failed (`invalid_agent_credentials`, `upstream_timeout`, …). */
  readonly error?: string;
  readonly error_message?: string;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function put(record: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) record[key] = value;
}

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
  // Built key by key, skipping unknowns: `delete` on a built object would push V8 into slow
  // dictionary mode on the hot path, and absent must stay absent (never 0, never null).
  const record: Record<string, unknown> = {
    ts: new Date(timings.received).toISOString(),
    type: failed && response === undefined ? 'error' : 'response',
    request_id: ex.id,
    claw_id: agent?.id ?? null,
  };
  put(record, 'pod', agent?.pod);
  record['method'] = ex.request.method;
  record['path'] = ex.request.path;
  put(record, 'format', ex.request.format?.name);
  put(record, 'model', ex.request.model);
  put(record, 'provider', route?.provider.name);
  put(record, 'upstream_model', route?.upstreamModel);
  put(record, 'response_model', response?.responseModel);
  put(record, 'key_id', ex.credentials?.keyId);
  record['stream'] = ex.request.stream;
  record['status_code'] = outcome?.status ?? ex.res.statusCode;
  record['completion'] = response?.completion ?? (failed ? 'refused' : 'complete');
  record['latency_ms'] = round(finished - timings.received);
  record['overhead_ms'] = round(preDispatch + relayDelay);
  if (timings.firstDownstreamByte !== undefined) record['ttfb_ms'] = round(timings.firstDownstreamByte - timings.received);
  if (usage !== undefined) {
    put(record, 'tokens_in', usage.inputTokens);
    put(record, 'tokens_out', usage.outputTokens);
    put(record, 'cached_tokens', usage.cacheReadTokens);
    put(record, 'cache_write_tokens', usage.cacheWriteTokens);
    put(record, 'reasoning_tokens', usage.reasoningTokens);
    record['usage_source'] = usage.source;
  }
  if (cost !== undefined) {
    put(record, 'cost_usd', cost.usd);
    record['pricing_status'] = cost.pricingStatus;
    put(record, 'cost_source', cost.source);
    put(record, 'unpriced_reason', cost.reason);
  }
  if (response?.finishReasons?.length) record['finish_reasons'] = response.finishReasons;
  record['intervention'] = ex.interventions[0] ?? null;
  if (ex.interventions.length > 1) record['interventions'] = [...ex.interventions];
  put(record, 'error', outcome?.errorCode ?? (response?.streamError ? 'upstream_stream_error' : undefined));
  put(record, 'error_message', outcome?.errorMessage ?? response?.streamError);
  return record as unknown as AuditRecord;
}
