import http from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import * as cexpress from '@cllama/express';
import * as ckoa from '@cllama/koa';
import type { AuditRecord, Exchange, ExchangeMessage } from '@cllama/core';
import express from 'express';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENT, eventually, listen, type RunningApp, testRegistry } from '../support/apps.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';

const CHANNELS = [
  'cllama:request:start', 'cllama:upstream:start', 'cllama:upstream:first-byte',
  'cllama:usage', 'cllama:request:end', 'cllama:error',
] as const;

// Telemetry subscribes to these channels, so they must fire in order for every request, with or
// without an audit stage in the pipeline.
describe.each(['express', 'koa'] as const)('%s: diagnostics channels', (adapter) => {
  let upstream: FakeUpstream;
  let app: RunningApp;
  const seen: Array<{ channel: string; exchange: Exchange }> = [];
  const listeners = CHANNELS.map((channel) => {
    const listener = (message: unknown): void => void seen.push({ channel, exchange: (message as ExchangeMessage).exchange });
    return { channel, listener };
  });

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const registry = testRegistry(upstream.baseUrl);
    const identity = { resolve: { agents: { [AGENT.id]: { secret: AGENT.secret } } } };
    // No audit stage: the adapter itself must start and end the exchange.
    let server: http.Server;
    if (adapter === 'express') {
      const a = express();
      a.use('/llm', cexpress.identity(identity), cexpress.route({ registry }), cexpress.credentials(), cexpress.usage(), cexpress.forward());
      server = http.createServer(a);
    } else {
      const k = new Koa();
      k.use(ckoa.identity(identity));
      k.use(ckoa.route({ registry }));
      k.use(ckoa.credentials());
      k.use(ckoa.usage());
      k.use(ckoa.forward());
      server = http.createServer(k.callback());
    }
    app = await listen(server, [] as AuditRecord[], registry, adapter === 'express' ? '/llm' : '');
    for (const { channel, listener } of listeners) subscribe(channel, listener);
  });
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(async () => {
    for (const { channel, listener } of listeners) unsubscribe(channel, listener);
    await app.close();
    await upstream.close();
  });

  const post = (body: object, token: string = AGENT.token) =>
    fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('publishes the lifecycle of a served request in order, on one exchange', async () => {
    const res = await post({ model: 'openai/gpt-4o', messages: [] });
    expect(res.status).toBe(200);
    await res.text();
    await eventually(() => seen.some((s) => s.channel === 'cllama:request:end'));
    expect(seen.map((s) => s.channel)).toEqual([
      'cllama:request:start', 'cllama:upstream:start', 'cllama:upstream:first-byte', 'cllama:usage', 'cllama:request:end',
    ]);
    const [first] = seen;
    expect(seen.every((s) => s.exchange === first!.exchange)).toBe(true);
    expect(first!.exchange.outcome).toEqual({ status: 200 });
    expect(first!.exchange.usage?.inputTokens).toBe(14);
  });

  it('publishes cllama:error and the refusal outcome for a refused request', async () => {
    const res = await post({ model: 'openai/gpt-4o', messages: [] }, 'agent-1:wrong');
    expect(res.status).toBe(401);
    await eventually(() => seen.some((s) => s.channel === 'cllama:request:end'));
    expect(seen.map((s) => s.channel)).toEqual(['cllama:request:start', 'cllama:error', 'cllama:request:end']);
    expect(seen[0]!.exchange.outcome).toMatchObject({ status: 401, errorCode: 'invalid_agent_credentials' });
  });
});
