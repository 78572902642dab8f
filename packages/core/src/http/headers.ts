import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Upstream response headers that describe the proxy's own account, not the answer: the provider's
 * organisation and project ids, and cookies set for the key holder. Agents are untrusted and get none.
 */
const ACCOUNT_HEADERS = new Set(['set-cookie', 'openai-organization', 'openai-project', 'anthropic-organization-id']);

/**
 * Copies upstream response headers for the client: drops hop-by-hop headers, the account headers
 * above, and those the relay recomputes (`content-length`, since a filtered stream changes it).
 */
export function responseHeadersFrom(
  upstream: IncomingHttpHeaders,
  options: { dropContentLength: boolean },
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const listed = connectionListed(upstream['connection']);
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || ACCOUNT_HEADERS.has(name) || listed?.has(name)) continue;
    if (options.dropContentLength && name === 'content-length') continue;
    out[name] = value;
  }
  return out;
}

/** Header names a `Connection` header marks as hop-by-hop for this message. */
export function connectionListed(value: string | string[] | undefined): Set<string> | undefined {
  // The common values name no header: skip the split on the hot path.
  if (value === undefined || value === 'keep-alive' || value === 'close') return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  return names.length === 0 ? undefined : new Set(names);
}
