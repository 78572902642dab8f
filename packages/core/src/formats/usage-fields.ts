import type { BodyReading, JsonObject, UsageReading } from './types.js';

/*
 * Field readers shared by the wire formats. Provider payloads are untrusted JSON: every reader
 * checks the type it gets and answers `undefined` rather than throwing, because a usage tap that
 * throws mid-stream would cost more than a missing figure.
 */

/** A `UsageReading` being assembled, field by field, across events. */
export type UsageDraft = { -readonly [K in keyof UsageReading]?: number };

/** Non-negative decimal numbers as some OpenAI-compatible servers send them: `"12"`, `"0.5"`. */
const NUMERIC_STRING = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A count or amount that may arrive as a JSON number or a numeric string. Negatives, NaN,
 * infinities, `null` and anything else give `undefined`: a bad figure is treated as unreported.
 *
 * @example
 * readCount(12) // 12
 * readCount('12') // 12
 * readCount(-1) // undefined
 */
export function readCount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && value.length <= 32 && NUMERIC_STRING.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Sets `draft[key]` when `value` is a valid count; leaves the earlier value otherwise (latest non-null wins). */
export function setCount(draft: UsageDraft, key: keyof UsageDraft, value: unknown): void {
  const n = readCount(value);
  if (n !== undefined) draft[key] = n;
}

/** The reading, or `undefined` when no field was ever reported (unknown is not zero). */
export function finishDraft(draft: UsageDraft): UsageReading | undefined {
  for (const key in draft) if (draft[key as keyof UsageDraft] !== undefined) return { ...draft };
  return undefined;
}

/** `value` when it is a plain JSON object (not `null`, not an array). */
export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** `value` when it is a non-empty string. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Length of `value` when it is a string, else 0: the unit of `outputChars`. */
export function charsOf(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** Error messages are upstream text: keep them short enough for a log line or an audit field. */
const MAX_ERROR_CHARS = 200;

/**
 * A one-line description of an in-band error object (`{type, code, message}` in OpenAI's and
 * Anthropic's shapes): `overloaded_error: Overloaded`. `undefined` when `value` is not an error.
 */
export function describeError(value: unknown): string | undefined {
  const error = asObject(value);
  if (error === undefined) {
    const text = asString(value);
    return text === undefined ? undefined : text.slice(0, MAX_ERROR_CHARS);
  }
  const code = error['code'];
  const kind = asString(error['type']) ?? asString(code) ?? (typeof code === 'number' ? String(code) : undefined);
  const message = asString(error['message']);
  const line = kind !== undefined && message !== undefined ? `${kind}: ${message}` : (kind ?? message ?? 'error');
  return line.slice(0, MAX_ERROR_CHARS);
}

/** Collects finish reasons by choice index and lists them in index order. */
export class FinishReasons {
  readonly #byIndex = new Map<number, string>();

  set(index: unknown, reason: unknown): void {
    const r = asString(reason);
    if (r === undefined) return;
    this.#byIndex.set(typeof index === 'number' && Number.isInteger(index) ? index : 0, r);
  }

  list(): readonly string[] {
    if (this.#byIndex.size === 0) return [];
    return [...this.#byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
}

/** What a body that is not JSON, or not the format's shape, tells us: nothing. */
export const EMPTY_BODY_READING: BodyReading = Object.freeze({
  usage: undefined,
  responseModel: undefined,
  finishReasons: Object.freeze([]),
});
