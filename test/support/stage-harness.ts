import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
// Relative imports, not '@cllama/core': the unit tests that use this stay independent of the package index.
import { Exchange } from '../../packages/core/src/exchange.js';
import { renderError } from '../../packages/core/src/http/render-error.js';
import type { Stage } from '../../packages/core/src/stage.js';

/** The request to send through a stage. */
export interface StageRequest {
  /** Default `POST`. */
  readonly method?: string;
  readonly path: string;
  /** Sent JSON-encoded; left out, the request has no body. */
  readonly body?: unknown;
  /** Sent as given: an array value becomes one header line per item. */
  readonly headers?: OutgoingHttpHeaders;
}

/** What came back, and the exchange the stage saw. */
export interface StageReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** `text` parsed, when the response is JSON (as `renderError` answers); `undefined` otherwise. */
  readonly body: Record<string, unknown> | undefined;
  readonly exchange: Exchange;
}

/**
 * Sends one real HTTP request through `stage`, on a server listening on port 0 for this request only.
 * A request the stage lets through ends 204 in the innermost `next`; a refusal is rendered by
 * `renderError`, as the adapters do.
 *
 * The client is node:http, not fetch: undici refuses `connection`, `keep-alive` and `expect` headers,
 * joins repeated values into one line and adds headers of its own, while header-stripping stages must be
 * tested with hostile and duplicate header lines on the wire exactly as sent.
 *
 * @example
 * const reply = await sendThrough(identity(options), { path: '/v1/chat/completions', body: {}, headers });
 * reply.status; // 204, or 401 with reply.body.error
 */
export async function sendThrough(stage: Stage, { method = 'POST', path, body, headers = {} }: StageRequest): Promise<StageReply> {
  let exchange: Exchange | undefined;
  const server = createServer((req, res) => {
    const ex = new Exchange(req, res);
    exchange = ex;
    stage(ex, async () => {
      res.statusCode = 204;
      res.end();
    }).catch((error: unknown) => renderError(ex, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const reply = await new Promise<Omit<StageReply, 'exchange'>>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => {
          const json = text !== '' && (res.headers['content-type'] ?? '').includes('json');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body: json ? (JSON.parse(text) as Record<string, unknown>) : undefined,
          });
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    if (exchange === undefined) throw new Error(`the request to ${path} never reached the stage`);
    return { ...reply, exchange };
  } finally {
    server.close();
  }
}
