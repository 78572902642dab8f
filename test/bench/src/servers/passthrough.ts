// The bare passthroughs the pipeline is measured against: what a team runs before it has any
// governance. All use a keep-alive upstream agent, as the pipeline's transport does, so the
// comparison is about the work per request, not about connection setup.
import http, { type Server } from 'node:http';
import express from 'express';
import Koa from 'koa';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { BuildContext } from '../types.js';

/** The floor of one Node hop: `node:http` in, `node:http` out, both bodies piped. */
export function rawPipeServer(ctx: BuildContext): Server {
  const agent = new http.Agent({ keepAlive: true });
  const upstream = new URL(ctx.upstreamOrigin);
  return http.createServer(function rawPipe(req, res) {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
}

/** http-proxy-middleware with its defaults (logger, error page), as teams mount it today. */
function bareProxy(ctx: BuildContext, pathRewrite?: Record<string, string>): ReturnType<typeof createProxyMiddleware> {
  return createProxyMiddleware({
    target: ctx.upstreamOrigin,
    changeOrigin: true,
    agent: new http.Agent({ keepAlive: true }),
    ...(pathRewrite ? { pathRewrite } : {}),
  });
}

export function hpmPlainServer(ctx: BuildContext): Server {
  const proxy = bareProxy(ctx);
  return http.createServer(function hpmPlain(req, res) {
    void proxy(req, res, () => {
      res.writeHead(404);
      res.end();
    });
  });
}

export function hpmExpressServer(ctx: BuildContext): Server {
  const app = express();
  // Express strips the mount path from req.url, which is what the proxy forwards.
  app.use('/llm', bareProxy(ctx));
  return http.createServer(app);
}

export function hpmKoaServer(ctx: BuildContext): Server {
  const app = new Koa();
  const proxy = bareProxy(ctx, { '^/llm': '' });
  // Koa has no mount paths; the same prefix check the pipeline's Koa app uses (test/support/apps.ts).
  app.use(async function hpmKoa(koaCtx, next) {
    if (!koaCtx.path.startsWith('/llm/')) return next();
    // The proxy writes the Node response itself; Koa must not answer on top of it.
    koaCtx.respond = false;
    await new Promise<void>((resolve) => {
      koaCtx.res.once('close', resolve);
      void proxy(koaCtx.req, koaCtx.res, () => resolve());
    });
  });
  return http.createServer(app.callback());
}
