import type { SseEvent } from '../sse/event.js';
import { anthropicErrorBody, anthropicStreamError } from './errors.js';
import { rawGeneratedChars } from './raw-delta.js';
import { StreamReaderBase } from './stream-reader-base.js';
import type { BodyReading, JsonObject, StreamReader, UsageReading, WireFormat } from './types.js';
import {
  EMPTY_BODY_READING,
  asObject,
  asString,
  charsOf,
  describeError,
  readCount,
} from './usage-fields.js';

/**
 * Anthropic's usage fields as sent. They are merged raw (latest non-null value per field) and only
 * normalised at the end, because `message_start` and `message_delta` each carry part of them: the
 * older API sends only `output_tokens` in `message_delta`, the current one repeats every field.
 */
interface RawAnthropicUsage {
  input?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
}

function mergeUsage(usage: JsonObject, raw: RawAnthropicUsage): void {
  raw.input = readCount(usage['input_tokens']) ?? raw.input;
  raw.cacheRead = readCount(usage['cache_read_input_tokens']) ?? raw.cacheRead;
  raw.cacheWrite = readCount(usage['cache_creation_input_tokens']) ?? raw.cacheWrite;
  raw.output = readCount(usage['output_tokens']) ?? raw.output;
}

/**
 * Anthropic's `input_tokens` excludes the cache; the normalised `inputTokens` counts every input
 * token, so the cache reads and writes are added back (and priced apart by their own fields).
 */
function normalise(raw: RawAnthropicUsage): UsageReading | undefined {
  const { input, cacheRead, cacheWrite, output } = raw;
  const anyInput = input !== undefined || cacheRead !== undefined || cacheWrite !== undefined;
  if (!anyInput && output === undefined) return undefined;
  const reading: { -readonly [K in keyof UsageReading]?: number } = {};
  if (anyInput) reading.inputTokens = (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (output !== undefined) reading.outputTokens = output;
  if (cacheRead !== undefined) reading.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) reading.cacheWriteTokens = cacheWrite;
  return reading;
}

/** Characters of generated content in one `content_block_delta`: text, tool input JSON, thinking. */
function deltaChars(delta: JsonObject): number {
  switch (delta['type']) {
    case 'text_delta':
      return charsOf(delta['text']);
    case 'input_json_delta':
      return charsOf(delta['partial_json']);
    case 'thinking_delta':
      return charsOf(delta['thinking']);
    default:
      return 0; // signature_delta and citations carry no generated tokens worth estimating from
  }
}

class MessagesStreamReader extends StreamReaderBase {
  readonly #usage: RawAnthropicUsage = {};

  readEvent(event: SseEvent): void {
    // Deltas are nearly every event and only add to the character count: no parse needed.
    if (event.event === 'content_block_delta') {
      this.chars += rawGeneratedChars(event.data);
      return;
    }
    const payload = asObject(event.json());
    if (payload === undefined) return;
    // The JSON `type` mirrors the `event:` line; reading it keeps the reader working if a relay
    // in between dropped the `event:` lines.
    switch (payload['type']) {
      case 'content_block_delta': {
        const delta = asObject(payload['delta']);
        if (delta !== undefined) this.chars += deltaChars(delta);
        return;
      }
      case 'message_start': {
        const message = asObject(payload['message']);
        this.model ??= asString(message?.['model']);
        const usage = asObject(message?.['usage']);
        if (usage !== undefined) mergeUsage(usage, this.#usage);
        return;
      }
      case 'message_delta': {
        const usage = asObject(payload['usage']);
        if (usage !== undefined) mergeUsage(usage, this.#usage);
        this.reasons.set(0, asObject(payload['delta'])?.['stop_reason']);
        return;
      }
      case 'error':
        this.inBandError = describeError(payload['error']);
        return;
      default:
        return; // ping, content_block_start/stop, message_stop
    }
  }

  usage(): UsageReading | undefined {
    return normalise(this.#usage);
  }
}

function readMessagesBody(body: unknown): BodyReading {
  const json = asObject(body);
  if (json === undefined) return EMPTY_BODY_READING;
  const raw: RawAnthropicUsage = {};
  const usage = asObject(json['usage']);
  if (usage !== undefined) mergeUsage(usage, raw);
  const stopReason = asString(json['stop_reason']);
  return {
    usage: normalise(raw),
    responseModel: asString(json['model']),
    finishReasons: stopReason === undefined ? [] : [stopReason],
  };
}

/**
 * Anthropic Messages (`POST /messages`). Usage always streams (`message_start` and `message_delta`),
 * so there is nothing to request or hide.
 *
 * @example
 * const reading = anthropicMessages.readBody(JSON.parse(text));
 * reading.usage; // { inputTokens: 1221, cacheWriteTokens: 1200, cacheReadTokens: 0, outputTokens: 5 }
 */
export const anthropicMessages: WireFormat = Object.freeze({
  name: 'anthropic',
  endpoint: '/messages',
  operation: 'chat',
  providerApi: 'anthropic',
  streams: true,
  errorBody: anthropicErrorBody,
  streamErrorEvent: anthropicStreamError,
  readBody: readMessagesBody,
  createStreamReader: (): StreamReader => new MessagesStreamReader(),
});
