import type { IncomingMessage } from 'node:http';
import { InternalError, InvalidRequestError, PayloadTooLargeError } from '../errors.js';
import type { JsonObject } from '../formats/types.js';

/** 16 MiB: room for several base64 images in a chat request, far below what would hurt the process. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A request body the proxy has read and parsed once. */
export interface ParsedBody {
  readonly json: JsonObject;
  /** The bytes as received, when we read them ourselves; re-sent as they are if nothing changes. */
  readonly raw: Buffer | undefined;
  readonly bytes: number;
}

/** A body some earlier middleware already parsed (`express.json()`, `@koa/bodyparser`). */
export interface PreParsedBody {
  readonly parsed: unknown;
  readonly raw?: Buffer | string | undefined;
}

/**
 * Reads and parses the JSON body once, refusing more than `maxBytes` before buffering it all: a
 * declared `Content-Length` over the cap is refused without reading a byte, and a chunked body is cut
 * off as soon as it passes the cap.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
  preParsed: PreParsedBody | undefined,
): Promise<ParsedBody> {
  if (preParsed !== undefined) return fromPreParsed(preParsed, maxBytes);
  if (req.readableEnded) {
    throw new InternalError(
      'body_already_consumed',
      'the request body was read by another middleware that did not leave a parsed body; ' +
        'mount cllama stages before it, or use a JSON body parser',
    );
  }
  const raw = await readRaw(req, maxBytes);
  return { json: parseObject(raw.toString('utf8')), raw, bytes: raw.length };
}

function fromPreParsed(pre: PreParsedBody, maxBytes: number): ParsedBody {
  const { parsed, raw } = pre;
  const rawBuffer = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  if (Buffer.isBuffer(parsed) || typeof parsed === 'string') {
    // express.raw() / express.text() leave bytes or text: parse them as we would have.
    const text = typeof parsed === 'string' ? parsed : parsed.toString('utf8');
    const bytes = Buffer.byteLength(text);
    if (bytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
    return { json: parseObject(text), raw: Buffer.from(text, 'utf8'), bytes };
  }
  if (!isJsonObject(parsed)) {
    throw new InvalidRequestError('invalid_body', 'request body must be a JSON object');
  }
  const bytes = rawBuffer?.length ?? Buffer.byteLength(JSON.stringify(parsed));
  if (bytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return { json: parsed, raw: rawBuffer, bytes };
}

function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new PayloadTooLargeError(maxBytes));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop reading; the adapter answers 413 with `Connection: close` so the rest is never read.
        req.pause();
        reject(new PayloadTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new InvalidRequestError('body_unreadable', 'failed to read request body', { cause: error }));
    };
    const onClose = (): void => {
      if (req.readableEnded) return;
      cleanup();
      reject(new InvalidRequestError('body_unreadable', 'request body ended early'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function parseObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('invalid_json', 'request body is not valid JSON');
  }
  if (!isJsonObject(value)) {
    throw new InvalidRequestError('invalid_body', 'request body must be a JSON object');
  }
  return value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
