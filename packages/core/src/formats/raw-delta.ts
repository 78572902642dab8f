/*
 * Most events of a stream are content deltas that carry nothing the tap needs except how much text
 * they hold. Parsing each one as JSON cost about 3 µs per event (a quarter of the stage pipeline's
 * CPU on a stream), so the readers recognise plain deltas from the raw text and count their
 * characters with one regular expression. A false "maybe interesting" only costs a full parse; the
 * markers below cannot be missed by a provider's compact JSON (keys are never escaped there).
 */


/** String values of the delta fields that hold generated text, in OpenAI chunks and Anthropic deltas. */
const GENERATED_TEXT =
  /"(?:content|reasoning_content|reasoning|refusal|arguments|text|partial_json|thinking)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * True when an OpenAI chat chunk is a plain delta: no usage object, no finish reason, no error.
 * Searched with `indexOf` (a vectorised scan) rather than one regular expression over the event.
 */
export function isPlainOpenaiDelta(data: string): boolean {
  return !(keyOpens(data, '"usage"', 0x7b /* { */) || keyOpens(data, '"finish_reason"', 0x22 /* " */) || data.includes('"error"'));
}

/** Whether some `key` in `data` is followed by `:` and a value starting with `open`. */
function keyOpens(data: string, key: string, open: number): boolean {
  for (let at = data.indexOf(key); at !== -1; at = data.indexOf(key, at + 1)) {
    let i = skipSpace(data, at + key.length);
    if (data.charCodeAt(i) !== 0x3a /* : */) continue;
    i = skipSpace(data, i + 1);
    if (data.charCodeAt(i) === open) return true;
  }
  return false;
}

function skipSpace(data: string, from: number): number {
  let i = from;
  for (let c = data.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = data.charCodeAt(++i));
  return i;
}

/** Characters of generated text in a raw event, as the parsed strings would count them. */
export function rawGeneratedChars(data: string): number {
  let chars = 0;
  GENERATED_TEXT.lastIndex = 0;
  for (let match = GENERATED_TEXT.exec(data); match !== null; match = GENERATED_TEXT.exec(data)) {
    chars += decodedLength(match[1]!);
  }
  return chars;
}

/** Length of a JSON string body once unescaped: `\"` is one character, `\u00e9` is one. */
function decodedLength(raw: string): number {
  let escapes = raw.indexOf('\\');
  if (escapes === -1) return raw.length;
  let length = raw.length;
  while (escapes !== -1) {
    const unicode = raw.charCodeAt(escapes + 1) === 0x75; /* u */
    length -= unicode ? 5 : 1;
    escapes = raw.indexOf('\\', escapes + (unicode ? 6 : 2));
  }
  return length;
}
