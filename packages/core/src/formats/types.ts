import type { CllamaError } from '../errors.js';
import type { SseEvent } from '../sse/event.js';

/** The wire formats the proxy speaks, chosen by the request path. */
export type FormatName = 'openai' | 'anthropic' | 'embeddings' | 'responses';

/** The upstream API family a provider speaks (`api_format` in providers.json). */
export type ProviderApi = 'openai' | 'anthropic';

export type JsonObject = Record<string, unknown>;

/**
 * Token usage in one normalised shape, whatever the provider reported.
 *
 * `inputTokens` counts every input token, cache reads and cache writes included (the OpenTelemetry
 * GenAI convention and the one price tables use). OpenAI's `prompt_tokens` already does; Anthropic's
 * `input_tokens` excludes the cache, so its reader adds `cache_read_input_tokens` and
 * `cache_creation_input_tokens`. `outputTokens` includes `reasoningTokens`.
 *
 * A field is absent when the provider did not report it; absent is not zero.
 */
export interface UsageReading {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
  /** USD the provider says the call cost (OpenRouter's `usage.cost`). */
  readonly reportedCostUsd?: number;
}

/** What a stream told us, read event by event without keeping the stream. */
export interface StreamReader {
  /** Feed one parsed event. Must be cheap: it runs once per event on the hot path. */
  readEvent(event: SseEvent): void;
  /** The merged usage so far, or `undefined` if no event carried usage. */
  usage(): UsageReading | undefined;
  /** Characters of generated content seen so far; the basis of an estimate when a stream is cut. */
  readonly outputChars: number;
  /** The in-band error the upstream sent, if any (`overloaded_error`, …). */
  readonly error: string | undefined;
  /** The model the upstream says answered, if it said. */
  readonly responseModel: string | undefined;
  /** One finish reason per choice, in order, as far as the stream got. */
  readonly finishReasons: readonly string[];
}

/** What a buffered JSON response told us. */
export interface BodyReading {
  readonly usage: UsageReading | undefined;
  readonly responseModel: string | undefined;
  readonly finishReasons: readonly string[];
}

/**
 * Everything that differs between wire formats lives behind this interface, so generic code never
 * asks which provider or format it is handling.
 */
export interface WireFormat {
  readonly name: FormatName;
  /** The endpoint path below the API version, e.g. `/chat/completions`. */
  readonly endpoint: string;
  /** `gen_ai.operation.name` for telemetry. */
  readonly operation: 'chat' | 'embeddings';
  /** The provider API family this format must be sent to. */
  readonly providerApi: ProviderApi;
  /** Whether the format has a streaming mode at all. */
  readonly streams: boolean;
  /** The JSON error body a client of this format understands. */
  errorBody(error: CllamaError, message: string): JsonObject;
  /** An SSE error event to end a stream that already started (the status line is gone by then). */
  streamErrorEvent(error: CllamaError, message: string): string;
  /** Reads usage and response metadata from a complete JSON response body. */
  readBody(body: unknown): BodyReading;
  /** A fresh reader for one streamed response. */
  createStreamReader(): StreamReader;
  /**
   * Asks the upstream to report usage on a stream. Returns true when the client had not asked for it
   * itself, so the extra usage event must be hidden from the client. Formats that always stream usage
   * (Anthropic, Responses) leave this undefined.
   */
  requestStreamUsage?(body: JsonObject): boolean;
  /** True for the usage-only event that `requestStreamUsage` caused the upstream to add. */
  isInjectedUsageEvent?(event: SseEvent): boolean;
}
