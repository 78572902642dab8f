import type { Exchange } from '../../exchange.js';
import type { RelayCallbacks } from './relay.js';
import { notifyBody, notifyChunk } from './observers.js';
import { usageFromTail } from './tail-usage.js';
import { decodeBody } from './decode.js';

/** Bytes of the end of an oversized body kept for the usage tap: usage sits at the end of the JSON. */
const TAIL_BYTES = 64 * 1024;

/**
 * Relays a non-streamed body chunk by chunk. When body observers are registered it keeps a copy
 * for them, bounded: up to `maxCaptureBytes` whole, and past that only the last 64 KiB, from which
 * the `usage` object is still recovered (providers put it at the end). Memory stays bounded however
 * large the response (embeddings can run to megabytes).
 */
export function bodyCallbacks(
  exchange: Exchange,
  contentEncoding: string | undefined,
  maxCaptureBytes: number,
  onFirstByte: () => void,
): RelayCallbacks {
  const capture = exchange.bodyObservers !== undefined;
  let chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;

  return {
    onFirstByte,
    onChunk: (chunk) => chunk,
    afterWrite(chunk) {
      notifyChunk(exchange, chunk);
      if (!capture) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size > maxCaptureBytes) {
        truncated = true;
        const all = Buffer.concat(chunks);
        chunks = [all.subarray(Math.max(0, all.length - TAIL_BYTES))];
      }
    },
    onEnd() {
      if (capture) notifyBody(exchange, decodeCaptured(chunks, truncated, contentEncoding));
      return undefined;
    },
    onBrokenAfterHead: () => undefined,
  };
}

function decodeCaptured(chunks: Buffer[], truncated: boolean, encoding: string | undefined): unknown {
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (truncated) {
    // A compressed tail cannot be decoded on its own; the usage is lost, not guessed.
    if (encoding !== undefined && encoding !== 'identity') return undefined;
    return usageFromTail(bytes.toString('utf8'));
  }
  try {
    return JSON.parse(decodeBody(bytes, encoding).toString('utf8'));
  } catch {
    return undefined;
  }
}
