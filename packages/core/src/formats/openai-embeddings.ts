import { openaiErrorBody, openaiStreamError } from './errors.js';
import type { BodyReading, StreamReader, UsageReading, WireFormat } from './types.js';
import { EMPTY_BODY_READING, asObject, asString, readCount } from './usage-fields.js';

function readEmbeddingsBody(body: unknown): BodyReading {
  const json = asObject(body);
  if (json === undefined) return EMPTY_BODY_READING;
  const inputTokens = readCount(asObject(json['usage'])?.['prompt_tokens']);
  // Embeddings generate no tokens: a reported input count means the output is a known zero.
  const usage: UsageReading | undefined = inputTokens === undefined ? undefined : { inputTokens, outputTokens: 0 };
  return { usage, responseModel: asString(json['model']), finishReasons: [] };
}

/**
 * A reader for a stream that cannot happen (embeddings do not stream). It exists because the
 * interface promises one; it reports nothing rather than guessing.
 */
const NO_STREAM: StreamReader = Object.freeze({
  readEvent: () => {},
  usage: () => undefined,
  outputChars: 0,
  error: undefined,
  responseModel: undefined,
  finishReasons: Object.freeze([]),
});

/**
 * OpenAI Embeddings (`POST /embeddings`): one JSON body with `usage.prompt_tokens`.
 *
 * @example
 * openaiEmbeddings.readBody({ model: 'text-embedding-3-small', usage: { prompt_tokens: 8 } }).usage;
 * // { inputTokens: 8, outputTokens: 0 }
 */
export const openaiEmbeddings: WireFormat = Object.freeze({
  name: 'embeddings',
  endpoint: '/embeddings',
  operation: 'embeddings',
  providerApi: 'openai',
  streams: false,
  errorBody: openaiErrorBody,
  streamErrorEvent: openaiStreamError,
  readBody: readEmbeddingsBody,
  createStreamReader: (): StreamReader => NO_STREAM,
});
