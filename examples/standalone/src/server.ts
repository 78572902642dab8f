import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  audit, type AuditSink, compose, costLedger, createPriceBook, createRegistry, credentials, fileSink, forward, identity,
  jsonLogger, type Logger, models, route, stdoutSink, undiciTransport, usage,
} from '@cllama/core';
import { toExpress } from '@cllama/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ListenAddress, StandaloneConfig } from './config.js';
import { type Demo, startDemo } from './demo.js';
import { uiApp } from './ui.js';

export interface RunningGateway {
  readonly apiUrl: string;
  readonly uiUrl: string;
  readonly demo: Demo | undefined;
  close(): Promise<void>;
}

const DEMO_PRICES = { 'mock/echo*': { input_mtok: 1, output_mtok: 2 } };
const LLM_ROUTES = ['/v1/chat/completions', '/v1/messages', '/v1/embeddings', '/v1/responses'];

/**
 * The cllama-compatible gateway: the API port serves the governed LLM routes, `/v1/models` and
 * `/health`; the UI port serves the dashboard and `/costs/api`. Built from the public stages only.
 */
export async function startGateway(config: StandaloneConfig, options: { logger?: Logger; auditSinks?: AuditSink[] } = {}): Promise<RunningGateway> {
  const logger = options.logger ?? jsonLogger();
  const demo = config.demo ? await startDemo() : undefined;
  const registry = createRegistry({
    file: config.providersFile,
    env: process.env,
    providers: demo ? [demo.provider] : [],
  });
  const costs = costLedger();
  const sinks: AuditSink[] = options.auditSinks ?? [stdoutSink()];
  if (config.auditFile) sinks.push(fileSink(config.auditFile));
  sinks.push(costs);

  const auditStage = audit({ sink: sinks, logger });
  const identityStage = identity({
    resolve: demo ? { agents: demo.agents } : { contextDir: config.contextRoot! },
    logger,
  });
  const governed = compose([
    auditStage, identityStage,
    route({ registry, fallbackProvider: registry.get('openrouter') ? 'openrouter' : undefined }),
    credentials(),
    // The demo's mock models get a made-up price so the dashboard shows what priced traffic looks like.
    usage({ logger, prices: demo ? createPriceBook({ overrides: DEMO_PRICES }) : undefined }),
    // undici's pool: the transport that meets the overhead targets in docs/benchmarks.md.
    forward({ transport: undiciTransport(), firstByteTimeoutMs: config.firstByteTimeoutMs, idleTimeoutMs: config.idleTimeoutMs }),
  ], 'gateway');

  const api = express();
  api.disable('x-powered-by');
  api.get('/health', (_req, res) => void res.json({ ok: true }));
  api.get('/v1/models', toExpress(compose([identityStage, models({ registry })])));
  api.post(LLM_ROUTES, toExpress(governed));
  api.use((req, res) => void res.status(404).json({ error: { message: `no route for ${req.method} ${req.path}`, type: 'not_found_error', code: 'unknown_endpoint', param: null } }));
  api.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error('unhandled error', { path: req.path, error: String(error) });
    if (!res.headersSent) res.status(500).json({ error: { message: 'internal error', type: 'server_error', code: 'internal_error', param: null } });
  });

  const apiServer = await listen(http.createServer(api), config.listen);
  const uiServer = await listen(http.createServer(uiApp(costs, config.uiToken)), config.ui);
  return {
    apiUrl: urlOf(apiServer),
    uiUrl: urlOf(uiServer),
    demo,
    async close() {
      await Promise.all([closeServer(apiServer), closeServer(uiServer)]);
      await Promise.all(sinks.map((s) => s.close?.()));
      await demo?.mock.close();
    },
  };
}

function listen(server: Server, address: ListenAddress): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function urlOf(server: Server): string {
  const { address, port, family } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : family === 'IPv6' ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // Let in-flight streams finish for up to 10 s, as cllama does, then cut what is left.
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    server.closeIdleConnections();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
