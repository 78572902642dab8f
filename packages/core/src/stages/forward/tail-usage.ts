/**
 * Recovers `{ usage, model }` from the last bytes of a JSON response too large to keep whole. The
 * providers write `usage` after the payload (OpenAI chat and embeddings, Anthropic, Responses), so
 * the last `"usage"` key's object is in the tail. Returns an object shaped like the full body's top
 * level, so the formats' body readers work on it unchanged.
 */
export function usageFromTail(tail: string): { usage: unknown } | undefined {
  const key = tail.lastIndexOf('"usage"');
  if (key === -1) return undefined;
  const open = tail.indexOf('{', key);
  if (open === -1) return undefined;
  const between = tail.slice(key + 7, open);
  if (!/^\s*:\s*$/.test(between)) return undefined;
  const close = matchingBrace(tail, open);
  if (close === -1) return undefined;
  try {
    return { usage: JSON.parse(tail.slice(open, close + 1)) };
  } catch {
    return undefined;
  }
}

/** Index of the `}` closing the object that opens at `open`, skipping braces inside strings. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */ && --depth === 0) return i;
  }
  return -1;
}
