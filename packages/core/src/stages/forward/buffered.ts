import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { notifyBody } from './observers.js';
import { decodeBody } from './decode.js';

export interface BufferedOptions {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly firstByteTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxBytes: number;
  readonly contentEncoding: string | undefined;
}

/**
 * The path taken when a stage registered `onResponse` hooks (response gates and amendments): the
 * JSON body is read whole, handed to each hook in order (a hook may throw a `CllamaError` to refuse it
 * or return a replacement), and only then sent. Streams never come here.
 */
export async function relayBuffered(
  exchange: Exchange,
  body: Readable,
  res: ServerResponse,
  options: BufferedOptions,
  onFirstByte: () => void,
): Promise<void> {
  const bytes = await readAll(body, options, onFirstByte);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBody(bytes, options.contentEncoding).toString('utf8'));
  } catch {
    throw new UpstreamError('upstream_invalid_json', 'upstream sent a response that is not JSON');
  }
  for (const hook of exchange.responseHooks ?? []) {
    const replacement = await hook({ exchange, status: options.status, body: parsed });
    if (replacement !== undefined) parsed = replacement;
  }
  notifyBody(exchange, parsed);
  const out = Buffer.from(JSON.stringify(parsed), 'utf8');
  const headers = { ...options.headers, 'content-length': out.length };
  delete headers['content-encoding'];
  res.writeHead(options.status, headers);
  res.end(out);
}

function readAll(body: Readable, options: BufferedOptions, onFirstByte: () => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let started = false;
    const fail = (error: Error): void => {
      clearTimeout(timer);
      body.destroy();
      reject(error);
    };
    const onTimeout = (): void =>
      fail(new UpstreamTimeoutError('upstream_timeout', 'upstream did not finish the response in time'));
    let timer = setTimeout(onTimeout, options.firstByteTimeoutMs);
    body.on('data', (chunk: Buffer) => {
      if (!started) {
        started = true;
        onFirstByte();
        clearTimeout(timer);
        timer = setTimeout(onTimeout, options.idleTimeoutMs);
      } else {
        timer.refresh();
      }
      size += chunk.length;
      if (size > options.maxBytes) {
        fail(new UpstreamError('upstream_response_too_large', `upstream response exceeds ${options.maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => {
      clearTimeout(timer);
      if (!started) onFirstByte();
      resolve(Buffer.concat(chunks, size));
    });
    body.on('error', () => fail(new UpstreamError('upstream_stream_broken', 'upstream response ended unexpectedly')));
  });
}
