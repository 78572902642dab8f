// Child-process entry: CPU µs per request of the stage pipeline, in-process, no sockets. Runs the
// full gateway() stage (audit to a file, identity, route, credentials, usage, forward with an
// in-memory transport) and a bare relay on the same fake request/response objects; the difference
// is what the stages cost. Sends `{ result: InprocFigures }` to the runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Exchange, gateway, runStage, type Stage } from '@cllama/core';
import { benchGatewayOptions } from '../servers/pipeline.js';
import { median } from '../stats.js';
import { chatRequestBody } from '../upstream/wire.js';
import { cannedResponses, fakeExchange, finished, memoryTransport, replay } from './harness.js';

export interface InprocVariant {
  readonly cpuUs: number;
  readonly wallUs: number;
}

export interface InprocFigures {
  readonly iterations: number;
  readonly json: { readonly pipeline: InprocVariant; readonly bare: InprocVariant };
  readonly sse: { readonly pipeline: InprocVariant; readonly bare: InprocVariant };
}

type RunOne = (body: Buffer, stream: boolean) => Promise<void>;

const canned = cannedResponses(20);
const headers = { 'content-type': 'application/json', authorization: 'Bearer agent-0:secret-0', host: 'bench' };

function pipelineRunner(stage: Stage): RunOne {
  return async function viaPipeline(body) {
    const { req, res } = fakeExchange('/v1/chat/completions', headers, body);
    await runStage(stage, new Exchange(req, res), async () => {});
  };
}

/** What a passthrough does without governance: read the body, get the answer, pipe it back. */
async function viaBareRelay(body: Buffer, stream: boolean): Promise<void> {
  const { req, res } = fakeExchange('/v1/chat/completions', headers, body);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const upstream = replay(canned, stream, false);
  res.writeHead(upstream.status, upstream.headers);
  upstream.body.pipe(res);
  await finished(res);
}

async function measure(run: RunOne, body: Buffer, stream: boolean, iterations: number): Promise<InprocVariant> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await run(body, stream);
  const wallUs = ((performance.now() - t0) * 1000) / iterations;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / iterations, wallUs };
}

/** Interleaves the two variants over three passes and keeps each one's median pass. */
async function compare(pipeline: RunOne, body: Buffer, stream: boolean, iterations: number): Promise<{ pipeline: InprocVariant; bare: InprocVariant }> {
  const p: InprocVariant[] = [];
  const b: InprocVariant[] = [];
  await measure(pipeline, body, stream, Math.min(2000, iterations));
  await measure(viaBareRelay, body, stream, Math.min(2000, iterations));
  for (let pass = 0; pass < 3; pass++) {
    p.push(await measure(pipeline, body, stream, iterations));
    b.push(await measure(viaBareRelay, body, stream, iterations));
  }
  const pick = (vs: InprocVariant[]): InprocVariant => ({ cpuUs: median(vs.map((v) => v.cpuUs)), wallUs: median(vs.map((v) => v.wallUs)) });
  return { pipeline: pick(p), bare: pick(b) };
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 10_000);
  const workDir = mkdtempSync(join(tmpdir(), 'cllama-bench-inproc-'));
  try {
    const options = benchGatewayOptions({ upstreamOrigin: 'http://127.0.0.1:9', workDir, agentCount: 1 });
    const stage = gateway({ ...options, forward: { transport: memoryTransport(canned) } });
    const pipeline = pipelineRunner(stage);
    const json = await compare(pipeline, chatRequestBody(false), false, iterations);
    const sse = await compare(pipeline, chatRequestBody(true), true, Math.ceil(iterations / 4));
    const result: InprocFigures = { iterations, json, sse };
    process.send?.({ result });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
