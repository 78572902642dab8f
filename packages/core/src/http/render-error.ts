import type { ServerResponse } from 'node:http';
import { type CllamaError, toCllamaError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import { openaiErrorBody } from '../formats/errors.js';

/** What a client sees instead of an unexposed message: nothing about the internals. */
const GENERIC_MESSAGE: Record<CllamaError['kind'], string> = {
  invalid_request: 'invalid request',
  authentication: 'authentication failed',
  permission: 'permission denied',
  not_found: 'not found',
  payload_too_large: 'request body too large',
  rate_limit: 'rate limited',
  upstream: 'upstream request failed',
  timeout: 'upstream timed out',
  unavailable: 'service unavailable',
  internal: 'internal error',
};

export function clientMessage(error: CllamaError): string {
  return error.expose ? error.message : GENERIC_MESSAGE[error.kind];
}

/**
 * Sends `error` to the client in the wire format of the request: OpenAI's error JSON on OpenAI paths,
 * Anthropic's on `/v1/messages`, so the official SDKs raise their typed errors. Once a stream has
 * started the status line is gone, so the error goes in-band as the format's SSE error event.
 *
 * Returns the error as rendered, for the audit record.
 */
export function renderError(exchange: Exchange, thrown: unknown): CllamaError {
  const error = toCllamaError(thrown);
  const { res } = exchange;
  const format = exchange.request.format;
  const message = clientMessage(error);
  if (res.headersSent) {
    endStreamWithError(res, () => format?.streamErrorEvent(error, message));
    return error;
  }
  const body = JSON.stringify(format ? format.errorBody(error, message) : openaiErrorBody(error, message));
  res.statusCode = error.status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('x-cllama-request-id', exchange.id);
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  if (error.status === 413) {
    // The rest of an oversized body was never read; the connection cannot be reused.
    res.setHeader('connection', 'close');
    res.once('finish', () => exchange.req.destroy());
  }
  res.end(body);
  return error;
}

function endStreamWithError(res: ServerResponse, event: () => string | undefined): void {
  if (res.writableEnded || res.destroyed) return;
  const text = event();
  if (text === undefined) {
    res.destroy();
    return;
  }
  res.end(text);
}
