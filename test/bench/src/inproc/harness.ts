// Socket-free request plumbing for the in-process CPU measurement: a real IncomingMessage and
// ServerResponse (Node's own parser-side objects and header serialiser) on an in-memory socket that
// discards what is written, and a transport that answers from memory. What remains to measure is
// the stage pipeline's own work plus Node's response serialisation, which the bare variant also pays.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex, Readable } from 'node:stream';
import type { Transport, UpstreamResponse } from '@cllama/core';
import { chatCompletionBody, DONE_EVENT, deltaEvent, finishEvent, usageEvent } from '../upstream/wire.js';

/** A socket that accepts every write at once and never produces data. */
function discardSocket(): Socket {
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  return socket as unknown as Socket;
}

export interface FakeExchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
}

/** A request with its body already queued, and a response bound to a discarding socket. */
export function fakeExchange(path: string, headers: IncomingHttpHeaders, body: Buffer): FakeExchange {
  const socket = discardSocket();
  const req = new http.IncomingMessage(socket);
  req.method = 'POST';
  req.url = path;
  req.headers = { ...headers, 'content-length': String(body.length) };
  // What the HTTP parser sets once the body is in: without it, destroying the request after reading
  // it (as `for await` does) counts as an abort and takes the socket down with it.
  req.complete = true;
  req.push(body);
  req.push(null);
  const res = new http.ServerResponse(req);
  res.assignSocket(socket);
  return { req, res };
}

export function finished(res: http.ServerResponse): Promise<void> {
  if (res.writableFinished) return Promise.resolve();
  return new Promise((resolve) => res.once('finish', () => resolve()));
}

const MODEL = 'gpt-4o-mini-2024-07-18';

/** The responses the memory transport replays: the same bytes the fake upstream sends. */
export function cannedResponses(chunks: number): { json: Buffer; sse: Buffer[]; sseWithUsage: Buffer[] } {
  const sse: Buffer[] = [];
  for (let i = 0; i < chunks; i++) sse.push(Buffer.from(deltaEvent(MODEL, 'x'.repeat(32), 1e12)));
  sse.push(Buffer.from(finishEvent(MODEL, 1e12)));
  const done = Buffer.from(DONE_EVENT);
  return { json: chatCompletionBody(MODEL), sse: [...sse, done], sseWithUsage: [...sse, Buffer.from(usageEvent(MODEL)), done] };
}

/** The upstream answer for a request body, as a fresh stream. */
export function replay(canned: ReturnType<typeof cannedResponses>, stream: boolean, includeUsage: boolean): UpstreamResponse {
  if (!stream) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(canned.json.length) },
      body: Readable.from([canned.json], { objectMode: false }),
    };
  }
  const events = includeUsage ? canned.sseWithUsage : canned.sse;
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: Readable.from(events, { objectMode: false }) };
}

/** `forward()`'s transport replaced by memory: no socket, no http-proxy. */
export function memoryTransport(canned: ReturnType<typeof cannedResponses>): Transport {
  return {
    name: 'memory',
    dispatch(_exchange, request) {
      const stream = request.body.includes('"stream":true');
      // forward() sets include_usage on streams; the fake then sends the usage event, like OpenAI.
      const includeUsage = request.body.includes('"include_usage":true');
      return { response: Promise.resolve(replay(canned, stream, includeUsage)), abort() {} };
    },
    async close() {},
  };
}
