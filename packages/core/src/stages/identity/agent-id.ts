/**
 * Agent ids name a directory under the context root, so they are validated before any resolver call
 * or path join: a id like `../../etc` must never reach `path.join`.
 */

/** Letters, digits, `.`, `_`, `-`; 1 to 128 characters. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * True when `id` is safe to use as one path segment: it matches {@link AGENT_ID_PATTERN} and is not
 * `.`, and contains no `..` anywhere (so neither `..` nor `a..b` can be read as a parent step by any
 * resolver that splits or normalises the id).
 */
export function isValidAgentId(id: string): boolean {
  return AGENT_ID_PATTERN.test(id) && id !== '.' && !id.includes('..');
}
