import type { CllamaError, ErrorKind } from '../errors.js';
import type { JsonObject } from './types.js';

/** OpenAI's `error.type` values, which its SDK surfaces as `error.type`. */
const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  payload_too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'upstream_error',
  timeout: 'timeout_error',
  unavailable: 'service_unavailable_error',
  internal: 'server_error',
};

/** Anthropic's error types (https://docs.anthropic.com/en/api/errors). */
const ANTHROPIC_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  payload_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'overloaded_error',
  internal: 'api_error',
};

/** `{"error":{"message","type","code","param"}}` plus any extra top-level fields (cllama's `budget`). */
export function openaiErrorBody(error: CllamaError, message: string): JsonObject {
  return {
    error: { message, type: error.openaiType ?? OPENAI_TYPE[error.kind], code: error.code, param: null },
    ...error.extra,
  };
}

/** `{"type":"error","error":{"type","message"}}`; the stable code rides along as `error.code`. */
export function anthropicErrorBody(error: CllamaError, message: string): JsonObject {
  return {
    type: 'error',
    error: { type: ANTHROPIC_TYPE[error.kind], message, code: error.code },
    ...error.extra,
  };
}

/** An OpenAI-style in-band stream error: a `data:` error object, then `[DONE]`. */
export function openaiStreamError(error: CllamaError, message: string): string {
  return `data: ${JSON.stringify(openaiErrorBody(error, message))}\n\ndata: [DONE]\n\n`;
}

/** Anthropic's in-band stream error: an `error` event. */
export function anthropicStreamError(error: CllamaError, message: string): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error, message))}\n\n`;
}
