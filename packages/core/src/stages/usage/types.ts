import type { UsageReading } from '../../formats/types.js';

/** Where a usage figure came from. `estimate` means the stream was cut before the provider reported. */
export type UsageSource = 'json' | 'sse' | 'estimate';

/** The `usage` slot, filled by `usage()` once the response is complete. */
export interface UsageState extends UsageReading {
  readonly source: UsageSource;
}

export type PricingStatus = 'priced' | 'unpriced';

/** The `cost` slot. `usd` is absent when unpriced: unknown is never reported as $0. */
export interface CostState {
  readonly usd: number | undefined;
  readonly pricingStatus: PricingStatus;
  /** `table` (price database or override) or `reported` (the provider's own figure). */
  readonly source?: 'table' | 'reported';
  /** Why a request is unpriced: `unknown_model` or `no_usage`. */
  readonly reason?: 'unknown_model' | 'no_usage';
}
