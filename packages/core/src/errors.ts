/**
 * The error hierarchy. A stage that refuses a request throws one of these; the adapter renders it in
 * the caller's wire format (see `http/render-error.ts`). `code` is stable and documented: clients and
 * dashboards match on it. Only `expose`d messages reach the client; the rest become a generic line.
 *
 * Messages must never contain a provider key: build them from names and ids, not from headers or
 * configuration values.
 */

/** Error classes map onto the wire formats' error types. */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'payload_too_large'
  | 'rate_limit'
  | 'upstream'
  | 'timeout'
  | 'unavailable'
  | 'internal';

export interface CllamaErrorOptions {
  /** Extra top-level JSON fields (the budget object on a 429, for instance). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Response headers to send with the error (`Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the OpenAI `error.type` (cllama sends `budget_exceeded` there). */
  readonly openaiType?: string;
  readonly cause?: unknown;
}

export class CllamaError extends Error {
  readonly status: number;
  readonly code: string;
  readonly kind: ErrorKind;
  readonly expose: boolean;
  readonly extra: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly openaiType: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    kind: ErrorKind,
    expose = true,
    options: CllamaErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.kind = kind;
    this.expose = expose;
    this.extra = options.extra;
    this.headers = options.headers;
    this.openaiType = options.openaiType;
  }
}

/** 400: the request cannot be understood or routed. */
export class InvalidRequestError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(400, code, message, 'invalid_request', true, options);
  }
}

/** 401: missing, malformed, unknown or wrong agent credentials. */
export class AuthenticationError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(401, code, message, 'authentication', true, options);
  }
}

/** 403: the agent is known but may not do this. */
export class PermissionDeniedError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(403, code, message, 'permission', true, options);
  }
}

/** 404: an endpoint the proxy does not serve. */
export class NotFoundError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(404, code, message, 'not_found', true, options);
  }
}

/** 413: the request body is over the configured cap. */
export class PayloadTooLargeError extends CllamaError {
  constructor(limitBytes: number, options?: CllamaErrorOptions) {
    super(413, 'body_too_large', `request body exceeds ${limitBytes} bytes`, 'payload_too_large', true, options);
  }
}

/** 429: a budget or rate limit refused the request. */
export class RateLimitError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(429, code, message, 'rate_limit', true, options);
  }
}

/** 502: the upstream could not be reached or broke the protocol. */
export class UpstreamError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(502, code, message, 'upstream', true, options);
  }
}

/** 504: the upstream did not answer in time. */
export class UpstreamTimeoutError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(504, code, message, 'timeout', true, options);
  }
}

/** 503: a dependency the proxy needs (a store, an evaluator) is down and the stage fails closed. */
export class ServiceUnavailableError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(503, code, message, 'unavailable', true, options);
  }
}

/** 500: a bug or a misassembled pipeline. The message is logged, never sent. */
export class InternalError extends CllamaError {
  constructor(code: string, message: string, options?: CllamaErrorOptions) {
    super(500, code, message, 'internal', false, options);
  }
}

/**
 * Thrown when a factory gets bad options or a pipeline is assembled in the wrong order. It is raised
 * where the app is built, so it is a programmer's error, not a client's.
 */
export class ConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** Turns anything thrown inside a stage into a `CllamaError`, hiding what is not meant for clients. */
export function toCllamaError(error: unknown): CllamaError {
  if (error instanceof CllamaError) return error;
  if (error instanceof ConfigurationError) {
    return new InternalError('pipeline_misconfigured', error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError('internal_error', message, { cause: error });
}
