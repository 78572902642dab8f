import { anthropicMessages } from './anthropic-messages.js';
import { openaiChat } from './openai-chat.js';
import { openaiEmbeddings } from './openai-embeddings.js';
import { openaiResponses } from './openai-responses.js';
import type { FormatName, WireFormat } from './types.js';

export const FORMATS: Readonly<Record<FormatName, WireFormat>> = Object.freeze({
  openai: openaiChat,
  anthropic: anthropicMessages,
  embeddings: openaiEmbeddings,
  responses: openaiResponses,
});

const ALL = Object.values(FORMATS);

/**
 * Picks the wire format from the request path by its endpoint suffix, wherever the stages are
 * mounted (`/llm/v1/chat/completions`, `/v1/chat/completions` and `/chat/completions` are all chat).
 * Paths the proxy does not serve give `undefined`.
 */
export function detectFormat(path: string): WireFormat | undefined {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  for (const format of ALL) if (p.endsWith(format.endpoint)) return format;
  return undefined;
}

export type { FormatName, WireFormat } from './types.js';
