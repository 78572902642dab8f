// The foundation pipeline as a user assembles it: identity from a static agent map, a registry from
// code pointing at the fake upstream, the usage tap, and audit records appended to a file.
import http, { type Server } from 'node:http';
import { join } from 'node:path';
import * as cexpress from '@cllama/express';
import * as ckoa from '@cllama/koa';
import { createRegistry, fileSink, type GatewayOptions, type StaticAgent } from '@cllama/core';
import express from 'express';
import Koa from 'koa';
import type { BuildContext } from '../types.js';

/** Agent `i` presents `Bearer agent-<i>:secret-<i>`. */
export function agentToken(i: number): string {
  return `agent-${i}:secret-${i}`;
}

function agentMap(count: number): Record<string, StaticAgent> {
  const agents: Record<string, StaticAgent> = {};
  for (let i = 0; i < count; i++) agents[`agent-${i}`] = { secret: `secret-${i}` };
  return agents;
}

/**
 * Gateway options for a benchmark target. `extra` is merged last: a later stage joins the benchmark
 * as `(ctx) => pipelineExpressServer(ctx, { stages: [budget({...})] })`.
 */
export function benchGatewayOptions(ctx: BuildContext, extra: Partial<GatewayOptions> = {}): GatewayOptions {
  const registry = createRegistry({
    env: false,
    providers: [{ name: 'openai', baseUrl: `${ctx.upstreamOrigin}/v1`, apiKey: 'sk-bench-upstream-key' }],
  });
  return {
    identity: { resolve: { agents: agentMap(ctx.agentCount) } },
    route: { registry },
    audit: { sink: fileSink(join(ctx.workDir, `audit-${process.pid}.jsonl`)) },
    ...extra,
  };
}

export function pipelineExpressServer(ctx: BuildContext, extra?: Partial<GatewayOptions>): Server {
  const app = express();
  app.use('/llm', cexpress.gateway(benchGatewayOptions(ctx, extra)));
  return http.createServer(app);
}

export function pipelineKoaServer(ctx: BuildContext, extra?: Partial<GatewayOptions>): Server {
  const app = new Koa();
  const pipeline = ckoa.gateway(benchGatewayOptions(ctx, extra));
  // Koa has no mount paths: serve the pipeline under /llm like the Express app (test/support/apps.ts).
  app.use(async function mountLlm(koaCtx, next) {
    return koaCtx.path.startsWith('/llm/') ? pipeline(koaCtx, next) : next();
  });
  return http.createServer(app.callback());
}
