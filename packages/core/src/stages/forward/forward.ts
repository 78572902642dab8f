import type { ServerResponse } from 'node:http';
import { publish } from '../../diagnostics.js';
import { ConfigurationError, InternalError, UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { responseHeadersFrom } from '../../http/headers.js';
import { defineStage, type Stage } from '../../stage.js';
import { bodyCallbacks } from './body-callbacks.js';
import { relayBuffered } from './buffered.js';
import { httpProxyMiddlewareTransport } from './hpm-transport.js';
import { relay } from './relay.js';
import { sseCallbacks } from './sse-callbacks.js';
import type { Transport, UpstreamResponse } from './transport.js';

export interface ForwardOptions {
  /** How requests reach the upstream. Default: `httpProxyMiddlewareTransport()`. */
  readonly transport?: Transport;
  /** Time allowed from dispatch to the first body byte. Default 300 000 ms (reasoning models think long). */
  readonly firstByteTimeoutMs?: number;
  /** Longest gap between two chunks of a body. Default 120 000 ms. */
  readonly idleTimeoutMs?: number;
  /** How much of a JSON body is kept whole for the usage tap; past it only the tail. Default 4 MiB. */
  readonly maxCaptureBytes?: number;
  /** Largest body buffered for `onResponse` hooks. Default 16 MiB. */
  readonly maxBufferedBytes?: number;
}

const CLIENT_GONE = new Error('client disconnected');
const TIMED_OUT = new Error('upstream first-byte timeout');

/**
 * The innermost stage: sends the request to the upstream the registry chose, with the headers
 * `credentials()` built, and relays the response to the client chunk by chunk. It resolves only
 * when the last byte is written or the client is gone, so code after `await next()` in outer stages
 * runs once the response is complete.
 *
 * - OpenAI streaming chat: sets `stream_options.include_usage` and hides the extra usage event from
 *   clients that did not ask for it.
 * - Upstream statuses and bodies (4xx, 5xx) are passed through unchanged.
 * - Transport failure → 502 `upstream_unavailable`; no first byte in time → 504 `upstream_timeout`;
 *   once a stream started, failures and idle timeouts end it with the format's in-band error event.
 * - A client that disconnects aborts the upstream request.
 *
 * @example
 * app.use('/llm', identity({ resolve }), route({ registry }), credentials(), forward({ idleTimeoutMs: 60_000 }));
 */
export function forward(options: ForwardOptions = {}): Stage {
  const {
    transport = httpProxyMiddlewareTransport(),
    firstByteTimeoutMs = 300_000,
    idleTimeoutMs = 120_000,
    maxCaptureBytes = 4 * 1024 * 1024,
    maxBufferedBytes = 16 * 1024 * 1024,
  } = options;
  for (const [name, value] of Object.entries({ firstByteTimeoutMs, idleTimeoutMs, maxCaptureBytes, maxBufferedBytes })) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigurationError(`forward(): ${name} must be a positive number, got ${String(value)}`);
    }
  }

  return defineStage({ name: 'forward', requires: ['credentials'] }, async function forward(ex: Exchange) {
    const { route, credentials } = ex;
    const format = ex.request.format;
    if (!route || !credentials || !format) {
      throw new InternalError('pipeline_misconfigured', 'forward() ran without a route and credentials');
    }
    const body = await ex.readBody();
    const hideInjectedUsage = ex.request.stream && format.requestStreamUsage !== undefined
      ? format.requestStreamUsage(body)
      : false;
    if (hideInjectedUsage) ex.markBodyChanged();

    const dispatched = ex.clock.now();
    ex.timings.dispatched = dispatched;
    publish('upstreamStart', ex);
    const upstream = await dispatch(ex, transport, firstByteTimeoutMs);
    if (upstream === undefined) return; // the client left before the upstream answered

    const contentType = String(upstream.headers['content-type'] ?? '');
    const isSse = contentType.includes('text/event-stream');
    const headers = responseHeadersFrom(upstream.headers, { dropContentLength: isSse && hideInjectedUsage });
    headers['x-cllama-request-id'] = ex.id;
    ex.response = { status: upstream.status, streamed: isSse, completion: 'complete' };
    const onFirstByte = (): void => {
      const now = ex.clock.now();
      ex.timings.firstUpstreamByte = now;
      ex.timings.firstDownstreamByte = now;
      publish('upstreamFirstByte', ex);
    };
    const remaining = Math.max(1, dispatched + firstByteTimeoutMs - ex.clock.now());
    const encoding = headerValue(upstream.headers['content-encoding']);

    if (!isSse && ex.responseHooks && upstream.status >= 200 && upstream.status < 300) {
      await relayBuffered(ex, upstream.body, ex.res, {
        status: upstream.status, headers, firstByteTimeoutMs: remaining, idleTimeoutMs,
        maxBytes: maxBufferedBytes, contentEncoding: encoding,
      }, onFirstByte);
    } else {
      const callbacks = isSse
        ? sseCallbacks(ex, format, hideInjectedUsage, onFirstByte)
        : bodyCallbacks(ex, encoding, maxCaptureBytes, onFirstByte);
      const result = await relay(upstream.body, ex.res, {
        status: upstream.status, headers, firstByteTimeoutMs: remaining, idleTimeoutMs,
      }, callbacks);
      ex.response.completion = result.completion;
      if (!result.headSent && result.completion === 'timeout') {
        throw new UpstreamTimeoutError('upstream_timeout', `upstream sent no body within ${firstByteTimeoutMs} ms`);
      }
      if (!result.headSent && result.completion === 'upstream_failed') {
        throw new UpstreamError('upstream_stream_broken', 'upstream response ended before its first byte');
      }
    }
    await settled(ex.res);
    ex.timings.finished = ex.clock.now();
  });
}

/** Sends the request; maps transport failures to 502/504; `undefined` when the client left first. */
async function dispatch(ex: Exchange, transport: Transport, timeoutMs: number): Promise<UpstreamResponse | undefined> {
  if (ex.res.destroyed || ex.req.socket?.destroyed === true) {
    // The client left while earlier stages were working: nothing to send, nobody to answer.
    ex.response = { status: 499, streamed: false, completion: 'client_aborted' };
    return undefined;
  }
  let abortedBy: Error | undefined;
  const request = { url: ex.route!.url, method: 'POST', headers: ex.credentials!.headers, body: ex.upstreamBody() };
  const inflight = transport.dispatch(ex, request);
  const abort = (reason: Error): void => {
    abortedBy ??= reason;
    inflight.abort(reason);
  };
  const onClientGone = (): void => {
    if (!ex.res.writableFinished) abort(CLIENT_GONE);
  };
  ex.res.on('close', onClientGone);
  const timer = setTimeout(abort, timeoutMs, TIMED_OUT);
  try {
    return await inflight.response;
  } catch (error) {
    if (abortedBy === CLIENT_GONE) {
      ex.response = { status: 499, streamed: false, completion: 'client_aborted' };
      return undefined;
    }
    if (abortedBy === TIMED_OUT) {
      throw new UpstreamTimeoutError('upstream_timeout', `upstream did not respond within ${timeoutMs} ms`);
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'transport error';
    throw new UpstreamError('upstream_unavailable', `upstream ${ex.route!.provider.name} unreachable (${code})`, { cause: error });
  } finally {
    clearTimeout(timer);
    ex.res.off('close', onClientGone);
  }
}

/** Resolves once the response is flushed or the connection is gone. */
function settled(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      resolve();
    };
    res.on('finish', done);
    res.on('close', done);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
