import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Completion } from '../../exchange.js';

/**
 * The mechanics every relay shares: write the head lazily with the first bytes, respect the
 * client's back-pressure, reset the idle timer on each chunk, and settle exactly once, however the
 * response ends (upstream done, upstream broken, idle timeout, client gone).
 */
export interface RelayCallbacks {
  /** Called once with the first chunk (or at the end, for an empty body), before it is written. */
  onFirstByte(): void;
  /** Transforms or observes a chunk; returns what to write (possibly empty). */
  onChunk(chunk: Buffer): Buffer | undefined;
  /** Runs after a chunk was written: observers that must never delay the client. */
  afterWrite(chunk: Buffer): void;
  /** Bytes to write when the upstream ends cleanly (a filter's unfinished tail). */
  onEnd(): Buffer | undefined;
  /** Bytes to end the response with when the upstream breaks after the head was sent. */
  onBrokenAfterHead(reason: 'upstream_failed' | 'timeout'): string | undefined;
}

export interface RelayOptions {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  /** Time left for the first body byte (the dispatch already used some of the budget). */
  readonly firstByteTimeoutMs: number;
  /** Longest gap allowed between two chunks once the body started. */
  readonly idleTimeoutMs: number;
}

export interface RelayResult {
  readonly completion: Completion;
  /** True if the status line reached the client (after that, failures go in-band). */
  readonly headSent: boolean;
}

export function relay(
  body: Readable,
  res: ServerResponse,
  options: RelayOptions,
  callbacks: RelayCallbacks,
): Promise<RelayResult> {
  return new Promise<RelayResult>((resolve) => {
    let settled = false;
    let headSent = false;
    const onTimeout = (): void => finish('timeout');
    // One timer: first the first-byte deadline, then, from the first chunk on, the idle gap.
    let timer = setTimeout(onTimeout, Math.max(0, options.firstByteTimeoutMs));

    const sendHead = (): void => {
      if (headSent) return;
      headSent = true;
      callbacks.onFirstByte();
      res.writeHead(options.status, options.headers);
    };

    const finish = (completion: Completion): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onBroken);
      // Destroying a body mid-way makes some streams (undici's) emit an abort error; we are done with it.
      body.on('error', ignore);
      body.off('close', onClose);
      res.off('close', onClientClose);
      res.off('drain', onDrain);
      if (completion === 'complete') {
        sendHead();
        const tail = callbacks.onEnd();
        res.end(tail);
      } else if (completion === 'client_aborted') {
        body.destroy();
      } else {
        body.destroy();
        if (headSent) {
          const text = callbacks.onBrokenAfterHead(completion);
          if (text === undefined || res.writableEnded) res.destroy();
          else res.end(text);
        }
      }
      resolve({ completion, headSent });
    };

    const onData = (chunk: Buffer): void => {
      if (headSent) {
        timer.refresh();
      } else {
        clearTimeout(timer);
        timer = setTimeout(onTimeout, options.idleTimeoutMs);
        sendHead();
      }
      const out = callbacks.onChunk(chunk);
      if (out !== undefined && out.length > 0 && !res.write(out)) {
        // The client reads slower than the upstream sends: stop reading instead of buffering.
        body.pause();
      }
      callbacks.afterWrite(chunk);
    };
    const onDrain = (): void => {
      // Time spent waiting on a slow client is not an upstream stall.
      timer.refresh();
      body.resume();
    };
    const onEnd = (): void => finish('complete');
    const onBroken = (): void => finish('upstream_failed');
    const onClose = (): void => {
      if (!body.readableEnded) finish('upstream_failed');
    };
    const onClientClose = (): void => {
      if (!res.writableFinished) finish('client_aborted');
    };

    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onBroken);
    body.on('close', onClose);
    res.on('close', onClientClose);
    res.on('drain', onDrain);
  });
}

function ignore(): void {}
