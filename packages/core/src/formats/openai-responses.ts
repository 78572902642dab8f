import type { SseEvent } from '../sse/event.js';
import { openaiErrorBody, openaiStreamError } from './errors.js';
import { StreamReaderBase } from './stream-reader-base.js';
import type { BodyReading, JsonObject, StreamReader, UsageReading, WireFormat } from './types.js';
import {
  EMPTY_BODY_READING,
  type UsageDraft,
  asObject,
  asString,
  describeError,
  finishDraft,
  setCount,
} from './usage-fields.js';

/** `input_tokens` includes `cached_tokens`, as the normalised `inputTokens` does. */
function readResponsesUsage(usage: JsonObject, draft: UsageDraft): void {
  setCount(draft, 'inputTokens', usage['input_tokens']);
  setCount(draft, 'outputTokens', usage['output_tokens']);
  setCount(draft, 'cacheReadTokens', asObject(usage['input_tokens_details'])?.['cached_tokens']);
  setCount(draft, 'reasoningTokens', asObject(usage['output_tokens_details'])?.['reasoning_tokens']);
}

/**
 * Event types whose string `delta` is generated text. `response.audio.delta` is left out on purpose:
 * it is base64 audio, whose length says nothing about tokens.
 */
const TEXT_DELTAS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.mcp_call_arguments.delta',
  'response.code_interpreter_call_code.delta',
  'response.audio.transcript.delta',
]);

/** The events that end a response; only these carry `response.usage`. */
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

class ResponsesStreamReader extends StreamReaderBase {
  readonly #usage: UsageDraft = {};

  readEvent(event: SseEvent): void {
    const payload = asObject(event.json());
    if (payload === undefined) return;
    const type = payload['type'];
    if (typeof type !== 'string') return;
    if (TEXT_DELTAS.has(type)) {
      const delta = payload['delta'];
      if (typeof delta === 'string') this.chars += delta.length;
      return;
    }
    if (type === 'error') {
      // `{type:'error', code, message}`; some servers nest the details under `error` instead.
      const details = payload['error'] ?? { code: payload['code'], message: payload['message'] };
      this.inBandError = describeError(details) ?? 'error';
      return;
    }
    const response = asObject(payload['response']);
    if (response === undefined) return; // item and content-part events
    this.model ??= asString(response['model']);
    if (!TERMINAL.has(type)) return;
    this.reasons.set(0, response['status']);
    const usage = asObject(response['usage']);
    if (usage !== undefined) readResponsesUsage(usage, this.#usage);
    if (type === 'response.failed') this.inBandError = describeError(response['error']) ?? 'response.failed';
  }

  usage(): UsageReading | undefined {
    return finishDraft(this.#usage);
  }
}

function readResponsesBody(body: unknown): BodyReading {
  const json = asObject(body);
  if (json === undefined) return EMPTY_BODY_READING;
  const draft: UsageDraft = {};
  const usage = asObject(json['usage']);
  if (usage !== undefined) readResponsesUsage(usage, draft);
  const status = asString(json['status']);
  return {
    usage: finishDraft(draft),
    responseModel: asString(json['model']),
    finishReasons: status === undefined ? [] : [status],
  };
}

/**
 * OpenAI Responses (`POST /responses`). Usage arrives only in the terminal event
 * (`response.completed`, `.incomplete` or `.failed`), so there is nothing to request or hide.
 * Stream errors use the OpenAI chat shape, which the official SDK raises as an `APIError`.
 *
 * @example
 * const reader = openaiResponses.createStreamReader();
 * createSseParser((e) => reader.readEvent(e)).feed(chunk);
 */
export const openaiResponses: WireFormat = Object.freeze({
  name: 'responses',
  endpoint: '/responses',
  operation: 'chat',
  providerApi: 'openai',
  streams: true,
  errorBody: openaiErrorBody,
  streamErrorEvent: openaiStreamError,
  readBody: readResponsesBody,
  createStreamReader: (): StreamReader => new ResponsesStreamReader(),
});
