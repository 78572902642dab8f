// Every target the benchmark measures, one line each. A later stage joins as one more line, e.g.
//   { id: 'budget-express', label: 'pipeline + budget, Express', framework: 'express', baseline: 'hpm-express',
//     mount: '/llm', auth: 'agent-token', streams: true, pipeline: true,
//     launch: child((c) => pipelineExpressServer(c, { stages: [budget({ store })] })) },
// Ratios compare each target with `baseline`: the bare passthrough in the same framework.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { undiciTransport } from '@cllama/core';
import type { BuildContext, Launch, TargetSpec } from './types.js';
import { hpmExpressServer, hpmKoaServer, hpmPlainServer, rawPipeServer } from './servers/passthrough.js';
import { pipelineExpressServer, pipelineKoaServer } from './servers/pipeline.js';

const child = (build: (ctx: BuildContext) => Server | Promise<Server>): Launch => ({ kind: 'child', build });

export const TARGETS: readonly TargetSpec[] = [
  { id: 'direct', label: 'direct to the fake upstream', framework: 'none', baseline: 'direct', mount: '', auth: 'provider-key', streams: true, launch: { kind: 'upstream' } },
  { id: 'node-pipe', label: 'raw node:http pipe proxy', framework: 'node', baseline: 'hpm', mount: '', auth: 'provider-key', streams: true, launch: child(rawPipeServer) },
  { id: 'hpm', label: 'http-proxy-middleware, plain node:http', framework: 'node', baseline: 'hpm', mount: '', auth: 'provider-key', streams: true, launch: child(hpmPlainServer) },
  { id: 'hpm-express', label: 'http-proxy-middleware in Express 5', framework: 'express', baseline: 'hpm-express', mount: '/llm', auth: 'provider-key', streams: true, launch: child(hpmExpressServer) },
  { id: 'hpm-koa', label: 'http-proxy-middleware in Koa 3', framework: 'koa', baseline: 'hpm-koa', mount: '/llm', auth: 'provider-key', streams: true, launch: child(hpmKoaServer) },
  { id: 'pipeline-express', label: 'cllama gateway() in Express 5', framework: 'express', baseline: 'hpm-express', mount: '/llm', auth: 'agent-token', streams: true, pipeline: true, launch: child(pipelineExpressServer) },
  { id: 'pipeline-koa', label: 'cllama gateway() in Koa 3', framework: 'koa', baseline: 'hpm-koa', mount: '/llm', auth: 'agent-token', streams: true, pipeline: true, launch: child(pipelineKoaServer) },
  { id: 'pipeline-undici-express', label: 'cllama gateway(), undici transport, Express 5', framework: 'express', baseline: 'hpm-express', mount: '/llm', auth: 'agent-token', streams: true, pipeline: true, launch: child((c) => pipelineExpressServer(c, { forward: { transport: undiciTransport() } })) },
  { id: 'pipeline-undici-koa', label: 'cllama gateway(), undici transport, Koa 3', framework: 'koa', baseline: 'hpm-koa', mount: '/llm', auth: 'agent-token', streams: true, pipeline: true, launch: child((c) => pipelineKoaServer(c, { forward: { transport: undiciTransport() } })) },
  { id: 'portkey', label: 'Portkey gateway 1.15.2 (Hono)', framework: 'hono', baseline: 'direct', mount: '', auth: 'portkey', streams: false, note: 'JSON only: its streaming answers 500 "TypeError: immutable" on Node 20', launch: { kind: 'command', argv: portkeyArgv } },
];

/** Portkey's published bundle, started as its own CLI would be (`--headless`: no console UI). */
function portkeyArgv(port: number): readonly string[] {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@portkey-ai/gateway/build/start-server.js');
  return [entry, `--port=${port}`, '--headless'];
}

export function targetById(id: string): TargetSpec {
  const target = TARGETS.find((t) => t.id === id);
  if (target === undefined) throw new Error(`unknown benchmark target "${id}"`);
  return target;
}
