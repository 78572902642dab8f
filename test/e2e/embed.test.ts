import http, { type Server } from 'node:http';
import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import * as cexpress from '@cllama/express';
import * as ckoa from '@cllama/koa';
import { type AuditRecord, defineStage, type Exchange, type Stage, silentLogger, undiciTransport } from '@cllama/core';
import express from 'express';
import Koa from 'koa';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express4 from 'express4';
import Koa2 from 'koa2';
import { ADAPTERS, type AdapterName, AGENT, eventually, isExpress, KEYS, listen, type RunningApp, testRegistry } from '../support/apps.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';

/** A custom stage that logs when its "after" half runs and what the inner stages had filled by then. */
function probe(name: string, log: string[]): Stage {
  return defineStage({ name }, async function probeStage(ex: Exchange, next) {
    log.push(`before:${name}`);
    await next();
    log.push(`after:${name}:usage=${ex.usage?.inputTokens ?? 'none'}:finished=${ex.res.writableFinished}`);
  });
}

/**
 * An existing API that embeds cllama stages one by one, with its own body parser, its own auth
 * header check and its own routes around and between them.
 */
function buildApp(adapter: AdapterName, upstreamBaseUrl: string, records: AuditRecord[], log: string[]): Server {
  const registry = testRegistry(upstreamBaseUrl);
  const options = {
    audit: { sink: (r: AuditRecord) => records.push(r), logger: silentLogger },
    identity: { resolve: { agents: { [AGENT.id]: { secret: AGENT.secret } } }, logger: silentLogger },
    route: { registry },
  };
  if (isExpress(adapter)) {
    const app = adapter === 'express4' ? express4() : express();
    app.use((adapter === 'express4' ? express4 : express).json({ limit: '2mb' }));
    app.get('/api/status', (_req, res) => void res.json({ service: 'existing-api' }));
    app.use(
      '/llm',
      cexpress.toExpress(probe('outer', log)),
      cexpress.audit(options.audit),
      cexpress.identity(options.identity),
      // The app's own middleware between two cllama stages.
      (req, res, next) => {
        if (req.headers['x-tenant'] === 'blocked') return void res.status(403).json({ error: 'tenant blocked by the app' });
        next();
      },
      cexpress.route(options.route),
      cexpress.credentials(),
      cexpress.usage(),
      cexpress.toExpress(probe('inner', log)),
      cexpress.forward(adapter === 'express-undici' ? { transport: undiciTransport() } : {}),
    );
    return http.createServer(app);
  }
  const app = adapter === 'koa' ? new Koa() : new Koa2();
  app.use(bodyParser());
  const router = new Router();
  router.get('/api/status', (ctx) => {
    ctx.body = { service: 'existing-api' };
  });
  app.use(router.routes());
  app.use(ckoa.toKoa(probe('outer', log)));
  app.use(ckoa.audit(options.audit));
  app.use(ckoa.identity(options.identity));
  app.use(async (ctx, next) => {
    if (ctx.get('x-tenant') === 'blocked') {
      ctx.status = 403;
      ctx.body = { error: 'tenant blocked by the app' };
      return;
    }
    await next();
  });
  app.use(ckoa.route(options.route));
  app.use(ckoa.credentials());
  app.use(ckoa.usage());
  app.use(ckoa.toKoa(probe('inner', log)));
  app.use(ckoa.forward());
  return http.createServer(app.callback());
}

describe.each(ADAPTERS)('%s adapter: embedded in an existing app', (adapter) => {
  let upstream: FakeUpstream;
  let app: RunningApp;
  const log: string[] = [];
  let openai: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const records: AuditRecord[] = [];
    app = await listen(buildApp(adapter, upstream.baseUrl, records, log), records, testRegistry(upstream.baseUrl));
    openai = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: AGENT.token, maxRetries: 0 });
  });
  afterAll(async () => {
    await app.close();
    await upstream.close();
  });

  it('re-sends a body the app already parsed, and the app keeps its own routes', async () => {
    const content = `long ${'é'.repeat(5000)} text`;
    const completion = await openai.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content }] });
    expect(completion.choices[0]?.message.content).toBe('Paris.');
    const seen = upstream.received.at(-1)!;
    expect(seen.body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
    expect(Number(seen.headers['content-length'])).toBe(Buffer.byteLength(seen.rawBody));
    expect(seen.headers['authorization']).toBe(`Bearer ${KEYS.openai}`);
    const status = await fetch(app.url.replace('/llm', '/api/status'));
    expect(await status.json()).toEqual({ service: 'existing-api' });
  });

  it('keeps the onion order: an outer stage resumes only after the inner stages finished', async () => {
    log.length = 0;
    const stream = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of stream) void _;
    await eventually(() => log.length === 4);
    expect(log).toEqual([
      'before:outer',
      'before:inner',
      // The inner probe sits inside usage(), which has not settled yet; forward() has.
      'after:inner:usage=none:finished=true',
      // The outer probe sees what usage() filled in: it waited for the inner stages, not the socket.
      'after:outer:usage=19:finished=true',
    ]);
  });

  it('records a request the app itself refused between two cllama stages', async () => {
    const res = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT.token}`, 'content-type': 'application/json', 'x-tenant': 'blocked' },
      body: JSON.stringify({ model: 'openai/gpt-4o', messages: [] }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'tenant blocked by the app' });
    const record = await eventually(() => app.records.find((r) => r.status_code === 403));
    expect(record).toMatchObject({ claw_id: AGENT.id, type: 'response' });
  });
});
