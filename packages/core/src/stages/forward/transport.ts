import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Exchange } from '../../exchange.js';

/** The request `forward()` sends upstream: URL from the registry, headers from `credentials()`. */
export interface UpstreamRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The upstream's answer once its status line and headers arrived; the body is still streaming. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Readable;
}

/** One request on its way. */
export interface InFlight {
  /** Settles when the status line and headers arrived, or rejects on a transport failure or abort. */
  readonly response: Promise<UpstreamResponse>;
  /**
   * Tears the upstream request down, before or after the response arrived (client gone, timeout).
   * A handle rather than an `AbortSignal`: creating a signal costs microseconds on every request,
   * and aborts are rare.
   */
  abort(reason: Error): void;
}

/**
 * How bytes reach the provider. `forward()` owns everything else (timeouts, relaying, taps, error
 * mapping), so a transport only sends one request and hands back the response stream.
 */
export interface Transport {
  readonly name: string;
  dispatch(exchange: Exchange, request: UpstreamRequest): InFlight;
  /** Closes idle keep-alive sockets. */
  close(): Promise<void>;
}
