import type { ProviderApi } from '../../formats/types.js';
import type { Secret } from '../../secret.js';

/** How the real key is presented upstream. */
export type AuthScheme =
  | { readonly kind: 'bearer' }
  | { readonly kind: 'x-api-key' }
  | { readonly kind: 'none' }
  | { readonly kind: 'header'; readonly name: string };

export type KeyState = 'ready' | 'cooldown' | 'dead' | 'disabled';

export interface ProviderKey {
  readonly id: string;
  readonly secret: Secret;
  readonly state: KeyState;
  readonly label?: string;
}

/** One upstream provider as the registry holds it. */
export interface ProviderConfig {
  /** Lower-case registry name: the `provider` in `provider/model`. */
  readonly name: string;
  /** Base URL including the API version path, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: URL;
  readonly auth: AuthScheme;
  readonly api: ProviderApi;
  /** Keys in priority order; the first `ready` one (or `activeKeyId`) is used. */
  readonly keys: readonly ProviderKey[];
  readonly activeKeyId?: string;
  /** The provider id in the price database, when it differs from `name` (`xai` → `x-ai`). */
  readonly pricingProvider: string;
  /** Models to advertise on `GET /v1/models` (optional). */
  readonly models: readonly string[];
  /** Where this entry came from: `file`, `env` or `code`. */
  readonly source: 'file' | 'env' | 'code';
}

/** The `route` slot: where this request goes, filled by `route()`. */
export interface RouteState {
  readonly provider: ProviderConfig;
  /** The model string the client sent. */
  readonly requestedModel: string;
  /** The model name the upstream receives. */
  readonly upstreamModel: string;
  /** The full upstream URL, built from the registry's base URL and the format's endpoint only. */
  readonly url: URL;
}
