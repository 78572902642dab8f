import type { SseEvent } from '../sse/event.js';
import { openaiErrorBody, openaiStreamError } from './errors.js';
import { isPlainOpenaiDelta, rawGeneratedChars } from './raw-delta.js';
import { StreamReaderBase } from './stream-reader-base.js';
import type { BodyReading, JsonObject, StreamReader, UsageReading, WireFormat } from './types.js';
import {
  EMPTY_BODY_READING,
  FinishReasons,
  type UsageDraft,
  asObject,
  asString,
  charsOf,
  describeError,
  finishDraft,
  setCount,
} from './usage-fields.js';

/**
 * Reads an OpenAI chat `usage` object into `draft`. `prompt_tokens` already counts cached tokens,
 * which is the normalised meaning of `inputTokens`. `cache_write_tokens` and `cost` are what
 * OpenRouter and some OpenAI-compatible servers add.
 */
function readChatUsage(usage: JsonObject, draft: UsageDraft): void {
  setCount(draft, 'inputTokens', usage['prompt_tokens']);
  setCount(draft, 'outputTokens', usage['completion_tokens']);
  const prompt = asObject(usage['prompt_tokens_details']);
  if (prompt !== undefined) {
    setCount(draft, 'cacheReadTokens', prompt['cached_tokens']);
    setCount(draft, 'cacheWriteTokens', prompt['cache_write_tokens']);
  }
  const completion = asObject(usage['completion_tokens_details']);
  if (completion !== undefined) setCount(draft, 'reasoningTokens', completion['reasoning_tokens']);
  setCount(draft, 'reportedCostUsd', usage['cost']);
}

/** Characters of generated text in one streamed `delta`: content, reasoning, refusals and tool arguments. */
function deltaChars(delta: JsonObject): number {
  let chars =
    charsOf(delta['content']) +
    charsOf(delta['reasoning_content']) +
    charsOf(delta['reasoning']) +
    charsOf(delta['refusal']);
  const toolCalls = delta['tool_calls'];
  if (Array.isArray(toolCalls)) {
    for (const call of toolCalls) chars += charsOf(asObject(asObject(call)?.['function'])?.['arguments']);
  }
  // The deprecated single `function_call` still streams from some compatible servers.
  chars += charsOf(asObject(delta['function_call'])?.['arguments']);
  return chars;
}

class ChatStreamReader extends StreamReaderBase {
  readonly #usage: UsageDraft = {};

  readEvent(event: SseEvent): void {
    // Once the model is known, a plain delta only adds to the character count: no parse needed.
    if (this.model !== undefined && isPlainOpenaiDelta(event.data)) {
      this.chars += rawGeneratedChars(event.data);
      return;
    }
    const chunk = asObject(event.json());
    if (chunk === undefined) return; // `[DONE]` and non-JSON keep-alives
    this.model ??= asString(chunk['model']);
    const choices = chunk['choices'];
    if (Array.isArray(choices)) {
      for (const item of choices) {
        const choice = asObject(item);
        if (choice === undefined) continue;
        const delta = asObject(choice['delta']);
        if (delta !== undefined) this.chars += deltaChars(delta);
        this.reasons.set(choice['index'], choice['finish_reason']);
      }
    }
    // `"usage": null` rides on every chunk once include_usage is on; only an object is usage.
    const usage = asObject(chunk['usage']);
    if (usage !== undefined) readChatUsage(usage, this.#usage);
    const error = chunk['error'];
    if (error !== undefined && error !== null) this.inBandError = describeError(error);
  }

  usage(): UsageReading | undefined {
    return finishDraft(this.#usage);
  }
}

function readChatBody(body: unknown): BodyReading {
  const json = asObject(body);
  if (json === undefined) return EMPTY_BODY_READING;
  const draft: UsageDraft = {};
  const usage = asObject(json['usage']);
  if (usage !== undefined) readChatUsage(usage, draft);
  const reasons = new FinishReasons();
  const choices = json['choices'];
  if (Array.isArray(choices)) {
    for (const item of choices) reasons.set(asObject(item)?.['index'], asObject(item)?.['finish_reason']);
  }
  return { usage: finishDraft(draft), responseModel: asString(json['model']), finishReasons: reasons.list() };
}

/**
 * Turns on `stream_options.include_usage`, keeping any other stream options the client set. Returns
 * true when the client had not asked for usage itself, so the usage-only chunk is ours to hide.
 */
function requestStreamUsage(body: JsonObject): boolean {
  const existing = asObject(body['stream_options']);
  if (existing?.['include_usage'] === true) return false;
  body['stream_options'] = { ...existing, include_usage: true };
  return true;
}

/**
 * The chunk `include_usage` adds: `choices` empty and `usage` an object. OpenRouter puts usage on a
 * chunk that still carries choices; that chunk holds content and must reach the client.
 */
function isInjectedUsageEvent(event: SseEvent): boolean {
  if (isPlainOpenaiDelta(event.data)) return false;
  const chunk = asObject(event.json());
  if (chunk === undefined) return false;
  const choices = chunk['choices'];
  return Array.isArray(choices) && choices.length === 0 && asObject(chunk['usage']) !== undefined;
}

/**
 * OpenAI Chat Completions (`POST /chat/completions`), also spoken by OpenRouter and most
 * OpenAI-compatible servers. Its methods do not use `this`, so they may be passed around detached.
 *
 * @example
 * const reader = openaiChat.createStreamReader();
 * createSseParser((e) => reader.readEvent(e)).feed(chunk);
 * reader.usage(); // { inputTokens: 19, outputTokens: 10, ... } or undefined
 */
export const openaiChat: WireFormat = Object.freeze({
  name: 'openai',
  endpoint: '/chat/completions',
  operation: 'chat',
  providerApi: 'openai',
  streams: true,
  errorBody: openaiErrorBody,
  streamErrorEvent: openaiStreamError,
  readBody: readChatBody,
  createStreamReader: (): StreamReader => new ChatStreamReader(),
  requestStreamUsage,
  isInjectedUsageEvent,
});
