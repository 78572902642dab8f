import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';
import type { Exchange } from '../../exchange.js';
import type { InFlight, Transport, UpstreamRequest, UpstreamResponse } from './transport.js';

export interface UndiciTransportOptions {
  /** Most sockets per upstream origin. Default: no limit. */
  readonly connections?: number;
  /** How long an idle keep-alive socket is kept. Default 30 000 ms. */
  readonly keepAliveTimeoutMs?: number;
}

/**
 * A transport on undici's connection pool: the same contract as the default transport, with less
 * work per request (no per-request proxy options, no header copy-then-strip, a parser written for
 * clients). Offered side by side with `httpProxyMiddlewareTransport()`; `npm run bench` measures both.
 *
 * @example
 * forward({ transport: undiciTransport({ connections: 128 }) })
 */
export function undiciTransport(options: UndiciTransportOptions = {}): Transport {
  const { connections, keepAliveTimeoutMs = 30_000 } = options;
  const agent = new Agent({
    connections: connections ?? null,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Timeouts are forward()'s job (first byte, idle gap); undici's own would fire first and differently.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return Object.freeze({
    name: 'undici',
    dispatch(_exchange: Exchange, request: UpstreamRequest): InFlight {
      // undici accepts an EventEmitter as the abort signal: far cheaper to make than an AbortSignal.
      const signal = new EventEmitter();
      return { response: send(agent, request, signal), abort: () => void signal.emit('abort') };
    },
    close: () => agent.close(),
  });
}

async function send(agent: Agent, request: UpstreamRequest, signal: EventEmitter): Promise<UpstreamResponse> {
  const { host: _host, ...headers } = request.headers;
  const response = await agent.request({
    origin: request.url.origin,
    path: request.url.pathname + request.url.search,
    method: 'POST',
    headers: { ...headers, 'content-length': String(request.body.length) },
    body: request.body,
    signal,
  });
  return { status: response.statusCode, headers: response.headers as IncomingHttpHeaders, body: response.body };
}
