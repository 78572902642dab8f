import type { IncomingHttpHeaders } from 'node:http';

/** What the caller presented: `<agent-id>:<secret>`, split on the first colon. */
export interface PresentedCredentials {
  readonly agentId: string;
  readonly secret: string;
}

/**
 * Splits an agent token `<agent-id>:<secret>` on the FIRST colon, so the secret may itself contain
 * colons. The token is trimmed first; both parts must be non-empty. The agent id is not validated
 * here (see `isValidAgentId`).
 */
export function parseAgentToken(token: string): PresentedCredentials | undefined {
  const trimmed = token.trim();
  const colon = trimmed.indexOf(':');
  if (colon <= 0 || colon === trimmed.length - 1) return undefined;
  return { agentId: trimmed.slice(0, colon), secret: trimmed.slice(colon + 1) };
}

/**
 * Parses an `Authorization` value of the form `Bearer <agent-id>:<secret>`. The scheme is matched
 * case-insensitively (RFC 9110 §11.1) and separated from the token by whitespace.
 */
export function parseBearer(value: string): PresentedCredentials | undefined {
  const trimmed = value.trim();
  const match = /^(\S+)\s+(\S[\s\S]*)$/.exec(trimmed);
  if (match === null || match[1]!.toLowerCase() !== 'bearer') return undefined;
  return parseAgentToken(match[2]!);
}

/**
 * Finds the agent's credentials in the request headers.
 *
 * `Authorization: Bearer` is accepted on every path. When `acceptApiKey` is set (the Anthropic path,
 * whose SDK sends its key as `x-api-key`) and `Authorization` is absent or blank, `x-api-key:
 * <agent-id>:<secret>` is accepted too. A header repeated with different values is refused rather
 * than guessed at.
 */
export function presentedCredentials(
  headers: IncomingHttpHeaders,
  acceptApiKey: boolean,
): PresentedCredentials | undefined {
  const authorization = single(headers['authorization']);
  if (authorization === null) return undefined;
  if (authorization !== undefined && authorization.trim() !== '') return parseBearer(authorization);
  if (!acceptApiKey) return undefined;
  const apiKey = single(headers['x-api-key']);
  if (apiKey === null || apiKey === undefined) return undefined;
  return parseAgentToken(apiKey);
}

/** One header value; `null` when it arrived as several values (ambiguous). */
function single(value: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : null;
  return value;
}
