import type { Exchange } from '../../exchange.js';
import { publishError } from '../../diagnostics.js';

/*
 * Observers are other stages' code (and users' own). A throwing observer must not break the relay
 * or the client's response, so each call is contained and the failure published on `cllama:error`.
 */

/** Hands a relayed chunk to the raw-byte observers. */
export function notifyChunk(exchange: Exchange, chunk: Buffer): void {
  const observers = exchange.chunkObservers;
  if (observers) for (const observe of observers) contained(exchange, () => observe(chunk));
}

/** Hands a complete JSON body to the body observers. */
export function notifyBody(exchange: Exchange, body: unknown): void {
  const observers = exchange.bodyObservers;
  if (observers) for (const observe of observers) contained(exchange, () => observe(body));
}

export function contained(exchange: Exchange, call: () => void): void {
  try {
    call();
  } catch (error) {
    publishError(exchange, error);
  }
}
