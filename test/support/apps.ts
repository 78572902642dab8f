import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cexpress from '@cllama/express';
import * as ckoa from '@cllama/koa';
import { type AuditRecord, createRegistry, type GatewayOptions, type Registry, silentLogger, undiciTransport } from '@cllama/core';
import { afterAll, beforeAll } from 'vitest';
import express from 'express';
import express4 from 'express4';
import Koa from 'koa';
import Koa2 from 'koa2';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.js';

/**
 * Each adapter on each supported major of its framework, and the undici transport (behind Express 5)
 * beside the default http-proxy-middleware one.
 */
export type AdapterName = 'express' | 'koa' | 'express4' | 'koa2' | 'express-undici';
export const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'express4', 'koa2', 'express-undici'];

export const isExpress = (adapter: AdapterName): adapter is 'express' | 'express4' | 'express-undici' =>
  adapter.startsWith('express');

/** Real provider keys as the proxy holds them. No agent and no log may ever see these. */
export const KEYS = Object.freeze({
  openai: 'sk-real-openai-DO-NOT-LEAK-1111',
  anthropic: 'sk-ant-real-DO-NOT-LEAK-2222',
  custom: 'custom-real-DO-NOT-LEAK-3333',
});

export const AGENT = Object.freeze({ id: 'agent-1', secret: 'agent-secret-1', token: 'agent-1:agent-secret-1' });

export interface RunningApp {
  /** Server origin plus the mount path, e.g. `http://127.0.0.1:1234/llm`. */
  readonly url: string;
  readonly records: AuditRecord[];
  readonly registry: Registry;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly upstreamBaseUrl: string;
  /** Overrides merged into the gateway options. */
  readonly gateway?: Partial<GatewayOptions>;
  /** A base URL for the `down` provider (default: a closed port). */
  readonly deadBaseUrl?: string;
}

/** The registry every end-to-end test uses: real-looking providers, all pointing at the fake. */
export function testRegistry(upstreamBaseUrl: string, deadBaseUrl = 'http://127.0.0.1:9/v1'): Registry {
  return createRegistry({
    env: false,
    providers: [
      { name: 'openai', baseUrl: upstreamBaseUrl, apiKey: KEYS.openai },
      { name: 'anthropic', baseUrl: upstreamBaseUrl, apiKey: KEYS.anthropic },
      { name: 'local', baseUrl: upstreamBaseUrl, auth: 'none', api: 'openai' },
      { name: 'custom', baseUrl: upstreamBaseUrl, auth: 'header:api-key', apiKey: KEYS.custom, api: 'openai' },
      { name: 'down', baseUrl: deadBaseUrl, apiKey: KEYS.openai, api: 'openai' },
    ],
  });
}

export function gatewayOptions(adapter: AdapterName, options: AppOptions, records: AuditRecord[]): GatewayOptions {
  const registry = testRegistry(options.upstreamBaseUrl, options.deadBaseUrl);
  return {
    identity: { resolve: { agents: { [AGENT.id]: { secret: AGENT.secret } } }, logger: silentLogger },
    route: { registry, maxBodyBytes: 256 * 1024 },
    forward: {
      firstByteTimeoutMs: 1500,
      idleTimeoutMs: 1000,
      ...(adapter === 'express-undici' ? { transport: undiciTransport() } : {}),
    },
    audit: { sink: (record) => records.push(record), logger: silentLogger },
    ...options.gateway,
  };
}

/** Starts the full gateway, mounted at `/llm`, in the chosen framework on 127.0.0.1:0. */
export async function startApp(adapter: AdapterName, options: AppOptions): Promise<RunningApp> {
  const records: AuditRecord[] = [];
  const gw = gatewayOptions(adapter, options, records);
  let server: Server;
  if (isExpress(adapter)) {
    const app = adapter === 'express4' ? express4() : express();
    app.use('/llm', cexpress.gateway(gw));
    server = http.createServer(app);
  } else {
    const app = adapter === 'koa' ? new Koa() : new Koa2();
    const pipeline = ckoa.gateway(gw);
    // Koa has no mount paths: serve the pipeline under /llm like the Express app.
    app.use(async (ctx, next) => (ctx.path.startsWith('/llm/') ? pipeline(ctx, next) : next()));
    server = http.createServer(app.callback());
  }
  return listen(server, records, gw.route.registry);
}

export async function listen(server: Server, records: AuditRecord[], registry: Registry, mount = '/llm'): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${mount}`,
    records,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `predicate` holds (audit records are written after the response completes). */
export async function eventually<T>(read: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A fake provider and the gateway in front of it, for one `describe` block. */
export interface ProxyUnderTest {
  readonly upstream: FakeUpstream;
  readonly app: RunningApp;
}

/**
 * Starts the fake provider and the gateway before the block's tests and stops both after. Read the
 * result inside tests (or later hooks), once `beforeAll` has run.
 */
export function useProxy(adapter: AdapterName, options: Omit<AppOptions, 'upstreamBaseUrl'> = {}): ProxyUnderTest {
  const state: { upstream?: FakeUpstream; app?: RunningApp } = {};
  beforeAll(async () => {
    state.upstream = await startFakeUpstream();
    state.app = await startApp(adapter, { ...options, upstreamBaseUrl: state.upstream.baseUrl });
  });
  afterAll(async () => {
    await state.app?.close();
    await state.upstream?.close();
  });
  return {
    get upstream() {
      return state.upstream!;
    },
    get app() {
      return state.app!;
    },
  };
}
