import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import { type SseEvent, sseEvent } from './event.js';

export interface SseParser {
  /** Feeds raw bytes as they arrive, split anywhere (mid-line, mid-UTF-8 character). */
  feed(chunk: Buffer): void;
  /** The stream ended: flushes the decoder and delivers a last event that lacked its blank line. */
  end(): void;
}

export interface SseParserOptions {
  /**
   * Longest unfinished event, in characters, held while waiting for its end. Past it the event is
   * dropped and parsing resumes at the next line, so a stream that never sends a line break cannot
   * grow memory without bound. Default 16 Mi characters: a Responses `response.completed` event
   * repeats the whole output and can run to megabytes.
   */
  readonly maxEventChars?: number;
}

const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;
const CR = 0x0d;
const LF = 0x0a;
const CR_TERMINATOR = /\r\n?/g;

/**
 * Parses a server-sent event stream from raw bytes, calling `onEvent` once per event, in order and
 * synchronously within `feed()`. Comment lines (`: OPENROUTER PROCESSING`) and `retry:` fields are
 * ignored; events without `data:` are not dispatched (as the SSE spec says).
 *
 * A line ending in `\r` at the end of a chunk is ended at once rather than held back to see whether
 * `\n` follows (as `eventsource-parser` alone would): the relay feeds one event block at a time and
 * needs the event dispatched before `feed()` returns. A `\n` that then opens the next chunk is
 * dropped, as the second half of `\r\n`.
 *
 * @example
 * const parser = createSseParser((event) => reader.readEvent(event));
 * upstream.on('data', (chunk) => parser.feed(chunk));
 * upstream.on('end', () => parser.end());
 */
export function createSseParser(onEvent: (event: SseEvent) => void, options: SseParserOptions = {}): SseParser {
  const { maxEventChars = DEFAULT_MAX_EVENT_CHARS } = options;
  // Keeps a multi-byte character split across chunks until its last byte arrives. StringDecoder is
  // Node's native decoder, about three times faster per chunk than TextDecoder in streaming mode.
  const decoder = new StringDecoder('utf8');
  let skipLeadingLf = false;
  const parser = createParser({
    onEvent: (message) => onEvent(sseEvent(message.event, message.data, message.id)),
    maxBufferSize: maxEventChars,
    onError: (error) => {
      // The parser stops for good after an over-long event; start afresh at the next line.
      if (error.type === 'max-buffer-size-exceeded') parser.reset();
    },
  });

  const feedText = (text: string): void => {
    if (text.length === 0) return; // an empty chunk, or half a character: keep the state as it is
    if (skipLeadingLf) {
      skipLeadingLf = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    if (text.indexOf('\r') !== -1) {
      // All three SSE line terminators mean the same, so they become `\n`: a `\r` that ends the
      // chunk is a whole terminator now, and a `\n` opening the next chunk is its second half.
      skipLeadingLf = text.charCodeAt(text.length - 1) === CR;
      text = text.replace(CR_TERMINATOR, '\n');
    }
    if (text.length > 0) parser.feed(text);
  };

  return {
    feed(chunk: Buffer): void {
      feedText(decoder.write(chunk));
    },
    end(): void {
      feedText(decoder.end());
      // The SSE spec drops an event cut off by the end of the stream; a usage tap would rather read
      // a last event that was whole but lacked its blank line. A truncated one fails to parse as
      // JSON and is ignored by the readers anyway.
      parser.feed('\n\n');
      parser.reset();
    },
  };
}
