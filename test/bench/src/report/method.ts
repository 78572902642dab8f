// The method, printed with the numbers (CONVENTIONS.md, Benchmarks): a figure without the way it was
// taken cannot be compared with anything.
import os from 'node:os';
import type { RunProfile } from '../options.js';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly loadAverage: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
    date: new Date().toISOString(),
  };
}

export function methodLines(p: RunProfile): string[] {
  return [
    `- **Processes.** The fake upstream, each target and the load generator run in separate Node processes on 127.0.0.1 (one process per target, all started once and kept for the whole run). The machine has few cores, so the generator, the proxy and the upstream compete for CPU: absolute numbers are low and noisy; the ratios and differences are the figures to read.`,
    `- **Rounds.** ${p.rounds} rounds; in each, every target is measured once, in forward order in even rounds and reverse order in odd ones. Every comparison (target − direct, target − its bare passthrough, target ÷ passthrough) is made within a round, then the median over rounds is reported with the range \`[min … max]\` as the spread.`,
    `- **Per target and round:** ${p.warmupMs} ms warm-up at 8 connections; then sequential requests on one keep-alive connection (undici \`Client\`, latency from \`process.hrtime\`, µs resolution) for ${p.latencyMs} ms or ${p.latencyMaxRequests} requests: p50/p99 and requests/s at 1 connection; then ${p.loadMs} ms at ${p.connections} connections (undici \`Pool\`, closed loop): requests/s, and the target process's own CPU time (\`process.cpuUsage()\` read over IPC before and after; \`/proc/<pid>/stat\` for Portkey) divided by the requests served; then ${p.streams} SSE streams one after another.`,
    `- **Requests.** The same ~300-byte OpenAI chat body for every target (\`model: "openai/gpt-4o-mini"\`), POST \`/v1/chat/completions\` (\`/llm/v1/...\` in Express and Koa). The upstream answers a ~600-byte chat completion with \`content-length\`, without delay. Bare passthroughs get \`Authorization: Bearer <key>\`; the pipeline gets an agent token; Portkey gets its routing headers.`,
    `- **Streams.** The upstream sends ${p.streamChunks} content events and a finish event ${p.streamIntervalMs} ms apart, each stamped with its send time (\`x_sent_at\`, epoch ms from \`performance.timeOrigin + performance.now()\`), plus the usage chunk when the request set \`stream_options.include_usage\` (the pipeline sets it and hides it from a client that did not ask; the benchmark client does not ask). TTFB is request start to first body byte. Per-event delay is the client's arrival time minus the stamp; a constant clock offset between the two processes cancels in the comparison with direct. "Coalesced" counts events that arrived in the same read as the previous one although they were sent ${p.streamIntervalMs} ms apart; direct shows some too (timers on a busy machine fire late, in bursts), so it is context, not a verdict. Then ${p.gapStreams} stream(s) per round with events ${p.gapMs} ms apart: an event that arrives more than ${p.gapMs / 2} ms after its stamp was held back until later bytes came (noise here is a few ms), so "held back" is counted there.`,
    `- **Targets.** *direct*: the fake upstream itself. *node-pipe*: \`http.createServer\` + \`http.request\` + \`pipe\`, the floor of one Node hop. *hpm*: http-proxy-middleware 3.0.10 with its defaults and a keep-alive agent, plain and inside Express 5 / Koa 3. *pipeline*: \`@cllama/express\` / \`@cllama/koa\` \`gateway()\`: identity (static agent map), route (registry from code), credentials, usage tap, forward (the default http-proxy-middleware transport, keep-alive; *pipeline-undici-* use \`undiciTransport()\` instead), audit to a JSON-lines file. *portkey*: \`@portkey-ai/gateway\` 1.15.2 as its CLI runs it (\`--headless\`), provider \`openai\` with \`x-portkey-custom-host\` pointing at the fake upstream.`,
    `- **Long stream (RSS).** One SSE stream of ~${p.bigStreamMiB} MiB (16 KiB events, no delay, upstream honouring back-pressure) through the pipeline process and the bare passthrough, read as fast as the client can. RSS and heap are read inside the target after a forced full GC (\`--expose-gc\`) before and after; RSS is also sampled every 20 ms during the stream without GC (peak). A tenth-size stream runs first so first-use allocations are not counted; a second full stream runs after, to tell retention (grows again) from a high-water mark (does not).`,
    `- **Per-agent state.** Two fresh pipeline processes (Express) serve the same number of requests (500 + ${p.agents}): one has a single agent, the other ${p.agents} agents in its static map and gets one request from each. The difference in heap + external memory after GC is the state kept for those agents (the static map and the identity cache), and is what is judged; the RSS difference is shown too, but identical processes differ by several MiB of RSS here.`,
    `- **CPU in-process, no sockets.** In a separate process, the full \`gateway()\` stage runs on real \`IncomingMessage\`/\`ServerResponse\` objects bound to an in-memory socket that discards output, with \`forward()\`'s transport replaced by one answering from memory; a bare relay (read body, write head, pipe the answer) runs on the same objects. Both alternate over three passes of ${p.inprocIterations} sequential exchanges (a quarter as many streams); CPU is \`process.cpuUsage()\` over the pass divided by exchanges, median pass. The difference is the stages' own cost, transport excluded.`,
  ];
}
