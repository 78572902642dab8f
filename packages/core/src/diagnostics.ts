import diagnosticsChannel from 'node:diagnostics_channel';
import type { Exchange } from './exchange.js';

/**
 * Core publishes; telemetry subscribes. Each channel carries `{ exchange }` (plus `error` on
 * `cllama:error`). Publishing is skipped when nobody listens, so without subscribers this costs one
 * property read per event.
 *
 * @example
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('cllama:request:end', ({ exchange }) => console.log(exchange.outcome?.status));
 */
export const channels = Object.freeze({
  requestStart: diagnosticsChannel.channel('cllama:request:start'),
  upstreamStart: diagnosticsChannel.channel('cllama:upstream:start'),
  upstreamFirstByte: diagnosticsChannel.channel('cllama:upstream:first-byte'),
  usage: diagnosticsChannel.channel('cllama:usage'),
  requestEnd: diagnosticsChannel.channel('cllama:request:end'),
  error: diagnosticsChannel.channel('cllama:error'),
});

export type ChannelName = keyof typeof channels;

export interface ExchangeMessage {
  readonly exchange: Exchange;
}

export interface ErrorMessage extends ExchangeMessage {
  readonly error: unknown;
}

export function publish(name: Exclude<ChannelName, 'error'>, exchange: Exchange): void {
  const channel = channels[name];
  if (channel.hasSubscribers) channel.publish({ exchange } satisfies ExchangeMessage);
}

export function publishError(exchange: Exchange, error: unknown): void {
  if (channels.error.hasSubscribers) channels.error.publish({ exchange, error } satisfies ErrorMessage);
}
