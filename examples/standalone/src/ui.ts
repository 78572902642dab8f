import { createHash, timingSafeEqual } from 'node:crypto';
import type { CostLedger } from '@cllama/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/**
 * The UI port: a small dashboard and cllama's `GET /costs/api`. With `CLLAMA_UI_TOKEN` set, every
 * route needs `Authorization: Bearer <token>` (compared in constant time).
 */
export function uiApp(costs: CostLedger, token: string | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  if (token !== undefined) app.use(requireToken(token));
  app.get('/costs/api', (_req, res) => {
    res.type('application/json; charset=utf-8').send(JSON.stringify(costs.snapshot(), null, 2));
  });
  app.get('/', (_req, res) => {
    res.type('html').send(dashboard(costs));
  });
  app.use((_req, res) => void res.status(404).type('text/plain').send('not found'));
  return app;
}

function requireToken(token: string) {
  const expected = createHash('sha256').update(token).digest();
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (timingSafeEqual(createHash('sha256').update(presented).digest(), expected)) return next();
    res.status(401).type('text/plain').send('unauthorized');
  };
}

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function dashboard(costs: CostLedger): string {
  const snapshot = costs.snapshot();
  const rows = Object.entries(snapshot.agents).flatMap(([agent, a]) =>
    a.models.map((m) =>
      `<tr><td>${escape(agent)}</td><td>${escape(m.provider)}/${escape(m.model)}</td><td>${m.requests}</td>` +
      `<td>${m.input_tokens}</td><td>${m.output_tokens}</td><td>${m.cost_usd.toFixed(6)}</td><td>${m.pricing_status}</td></tr>`),
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>cllama</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body><h1>cllama</h1>
<p>${snapshot.total_requests} requests · $${snapshot.total_cost_usd.toFixed(6)} · ${snapshot.unpriced_requests} unpriced</p>
<table><tr><th>agent</th><th>model</th><th>requests</th><th>tokens in</th><th>tokens out</th><th>cost USD</th><th>pricing</th></tr>
${rows.join('\n') || '<tr><td colspan="7">no traffic yet</td></tr>'}</table>
<p><a href="/costs/api">/costs/api</a></p></body></html>`;
}
