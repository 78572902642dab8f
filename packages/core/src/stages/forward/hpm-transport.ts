import http from 'node:http';
import https from 'node:https';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { createProxyMiddleware, proxyEventsPlugin, type RequestHandler } from 'http-proxy-middleware';
import type { Exchange } from '../../exchange.js';
import type { InFlight, Transport, UpstreamRequest, UpstreamResponse } from './transport.js';

export interface HpmTransportOptions {
  /** Keep-alive agents for http and https upstreams. Defaults: keep-alive, no socket cap. */
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
}

/** Per-request state the proxy's event handlers find on the request. */
interface Pending {
  readonly request: UpstreamRequest;
  readonly originalUrl: string | undefined;
  resolve(response: UpstreamResponse): void;
  reject(error: Error): void;
  proxyReq?: ClientRequest;
  proxyRes?: IncomingMessage;
  /** Set when aborted before the proxy created its request: that request is torn down on arrival. */
  aborted?: Error;
}

const PENDING = Symbol('cllama.hpm.pending');
type WithPending = IncomingMessage & { [PENDING]?: Pending };

/**
 * The default transport, built on `http-proxy-middleware` with `selfHandleResponse`, so `forward()`
 * relays the response itself while the usage tap reads it.
 *
 * The incoming body was already consumed by the stages; the outgoing body is written in
 * `on.proxyReq` (after the proxy stripped and we re-set every header), and the proxy's own
 * `req.pipe(proxyReq)` then ends the request. That ordering holds because the socket is assigned
 * before the pipe's deferred end runs, which is why the agents here have no socket cap.
 *
 * @example
 * forward({ transport: httpProxyMiddlewareTransport({ httpsAgent: new https.Agent({ keepAlive: true }) }) })
 */
export function httpProxyMiddlewareTransport(options: HpmTransportOptions = {}): Transport {
  const httpAgent = options.httpAgent ?? new http.Agent({ keepAlive: true });
  const httpsAgent = options.httpsAgent ?? new https.Agent({ keepAlive: true });
  // http-proxy takes one agent per proxy, so there is one proxy per protocol.
  const proxies = {
    'http:': createProxy(httpAgent),
    'https:': createProxy(httpsAgent),
  };

  return Object.freeze({
    name: 'http-proxy-middleware',
    dispatch(exchange: Exchange, request: UpstreamRequest): InFlight {
      const proxy = request.url.protocol === 'https:' ? proxies['https:'] : proxies['http:'];
      const req = exchange.req as WithPending;
      let pending!: Pending;
      const response = new Promise<UpstreamResponse>((resolve, reject) => {
        pending = { request, originalUrl: req.url, resolve, reject };
      });
      req[PENDING] = pending;
      void proxy(req, exchange.res, (error?: unknown) => {
        pending.reject(error instanceof Error ? error : new Error('proxy did not handle the request'));
      });
      return {
        response,
        abort(reason: Error): void {
          pending.aborted = reason;
          pending.proxyReq?.destroy(reason);
          pending.proxyRes?.destroy(reason);
          pending.reject(reason);
        },
      };
    },
    async close(): Promise<void> {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

function createProxy(agent: http.Agent): RequestHandler<IncomingMessage, ServerResponse> {
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    // Placeholder: `router` always supplies the real origin from the registry.
    target: 'http://upstream.invalid',
    router: (req) => pendingOf(req).request.url.origin,
    pathRewrite: (_path, req) => {
      const { url } = pendingOf(req).request;
      return url.pathname + url.search;
    },
    agent,
    changeOrigin: true,
    selfHandleResponse: true,
    // No logger, no default error page: forward() maps every failure to the caller's wire format.
    // Only the plugin that wires up `on` stays.
    ejectPlugins: true,
    plugins: [proxyEventsPlugin],
    on: {
      proxyReq(proxyReq, req) {
        const pending = pendingOf(req);
        pending.proxyReq = proxyReq;
        if (pending.aborted !== undefined) return void proxyReq.destroy(pending.aborted);
        // pathRewrite changed req.url; the app behind us should see what it saw before.
        req.url = pending.originalUrl;
        // The proxy copied every inbound header. The only ones that may leave are ours.
        for (const name of proxyReq.getHeaderNames()) proxyReq.removeHeader(name);
        const { headers, body } = pending.request;
        for (const [name, value] of Object.entries(headers)) proxyReq.setHeader(name, value);
        proxyReq.setHeader('content-length', body.length);
        proxyReq.write(body);
      },
      proxyRes(proxyRes, req) {
        const pending = pendingOf(req);
        pending.proxyRes = proxyRes;
        pending.resolve({ status: proxyRes.statusCode ?? 502, headers: proxyRes.headers, body: proxyRes });
      },
      error(error, req) {
        pendingOf(req as IncomingMessage).reject(error);
      },
    },
  });
}

function pendingOf(req: IncomingMessage): Pending {
  const pending = (req as WithPending)[PENDING];
  if (pending === undefined) throw new Error('http-proxy-middleware transport called outside forward()');
  return pending;
}
