/**
 * One parsed server-sent event. `json()` parses `data` at most once and shares the result, so the
 * usage tap, the relay's filter and any observer pay for one `JSON.parse` per event between them.
 */
export interface SseEvent {
  /** The `event:` field, if the upstream sent one (Anthropic and Responses do; OpenAI chat does not). */
  readonly event: string | undefined;
  /** The `data:` lines joined by `\n`, as the SSE spec defines. */
  readonly data: string;
  readonly id: string | undefined;
  /** `data` parsed as JSON, or `undefined` when it is not JSON (`[DONE]`, malformed payloads). */
  json(): unknown;
}

const UNPARSED = Symbol('unparsed');

class ParsedSseEvent implements SseEvent {
  #json: unknown = UNPARSED;

  constructor(
    readonly event: string | undefined,
    readonly data: string,
    readonly id: string | undefined,
  ) {}

  json(): unknown {
    if (this.#json === UNPARSED) {
      this.#json = parseJsonOrUndefined(this.data);
    }
    return this.#json;
  }
}

export function sseEvent(event: string | undefined, data: string, id?: string): SseEvent {
  return new ParsedSseEvent(event, data, id);
}

function parseJsonOrUndefined(text: string): unknown {
  // Cheap pre-check: every JSON value the providers stream is an object; `[DONE]` and keep-alive
  // payloads are not, and throwing inside JSON.parse is far slower than a character test.
  const first = text.charCodeAt(0);
  if (first !== 0x7b /* { */ && first !== 0x5b /* [ */) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
