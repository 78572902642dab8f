import type { Exchange } from '../../exchange.js';
import type { WireFormat } from '../../formats/types.js';
import { createSseParser } from '../../sse/parser.js';
import { createSseSplitter } from '../../sse/splitter.js';
import type { SseEvent } from '../../sse/event.js';
import { UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import type { RelayCallbacks } from './relay.js';
import { contained, notifyChunk } from './observers.js';

/**
 * Relays an SSE stream. Two modes:
 *
 * - pass-through: every chunk is written as it arrives, then parsed for the observers (the usage
 *   tap), so parsing never delays the client;
 * - hide-injected-usage: when we added `stream_options.include_usage` for a client that did not ask,
 *   the upstream's extra usage-only event must not reach it. Chunks are cut at event boundaries, each
 *   complete event is parsed and written unless it is that event; only the bytes of an unfinished
 *   event wait for the rest of it (a client could not act on half an event anyway).
 */
export function sseCallbacks(
  exchange: Exchange,
  format: WireFormat,
  hideInjectedUsage: boolean,
  onFirstByte: () => void,
): RelayCallbacks {
  const observers = exchange.eventObservers;
  const isInjected = hideInjectedUsage ? format.isInjectedUsageEvent : undefined;
  let dropCurrent = false;
  const onEvent = (event: SseEvent): void => {
    if (observers) for (const observe of observers) contained(exchange, () => observe(event));
    if (isInjected?.(event)) dropCurrent = true;
  };
  const parser = observers || isInjected ? createSseParser(onEvent) : undefined;

  const brokenAfterHead = (reason: 'upstream_failed' | 'timeout'): string =>
    reason === 'timeout'
      ? format.streamErrorEvent(
          new UpstreamTimeoutError('upstream_idle_timeout', 'upstream stream idle timeout'),
          'upstream stream idle timeout',
        )
      : format.streamErrorEvent(
          new UpstreamError('upstream_stream_broken', 'upstream stream ended unexpectedly'),
          'upstream stream ended unexpectedly',
        );

  if (!isInjected || !parser) {
    return {
      onFirstByte,
      onChunk: (chunk) => chunk,
      afterWrite(chunk) {
        parser?.feed(chunk);
        notifyChunk(exchange, chunk);
      },
      onEnd() {
        parser?.end();
        return undefined;
      },
      onBrokenAfterHead: brokenAfterHead,
    };
  }

  const splitter = createSseSplitter();
  return {
    onFirstByte,
    onChunk(chunk) {
      const blocks = splitter.push(chunk);
      if (blocks.length === 0) return undefined;
      const kept: Buffer[] = [];
      for (const block of blocks) {
        dropCurrent = false;
        parser.feed(block);
        if (!dropCurrent) kept.push(block);
      }
      return kept.length === 1 ? kept[0] : Buffer.concat(kept);
    },
    afterWrite(chunk) {
      notifyChunk(exchange, chunk);
    },
    onEnd() {
      const rest = splitter.rest();
      if (rest.length > 0) parser.feed(rest);
      parser.end();
      return rest.length > 0 ? rest : undefined;
    },
    onBrokenAfterHead: brokenAfterHead,
  };
}
