import { compose } from './compose.js';
import { ConfigurationError } from './errors.js';
import type { Stage } from './stage.js';
import { audit, type AuditOptions } from './stages/audit/audit.js';
import { credentials, type CredentialsOptions } from './stages/credentials/credentials.js';
import { forward, type ForwardOptions } from './stages/forward/forward.js';
import { identity, type IdentityOptions } from './stages/identity/identity.js';
import { route, type RouteOptions } from './stages/route/route.js';
import { usage, type UsageOptions } from './stages/usage/usage.js';

export interface GatewayOptions {
  readonly identity: IdentityOptions;
  readonly route: RouteOptions;
  readonly credentials?: CredentialsOptions;
  readonly usage?: UsageOptions;
  readonly forward?: ForwardOptions;
  readonly audit?: AuditOptions;
  /** Your own stages: they run after the credential swap, before the usage tap and `forward()`. */
  readonly stages?: readonly Stage[];
}

/**
 * The whole governed passthrough in onion order: audit → identity → route → credentials → your
 * stages → usage → forward. Audit comes first so that refusals by every later stage are recorded.
 */
export function gatewayStages(options: GatewayOptions): Stage[] {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('gateway() needs options: { identity: {...}, route: {...} }');
  }
  return [
    audit(options.audit),
    identity(options.identity),
    route(options.route),
    credentials(options.credentials),
    ...(options.stages ?? []),
    usage(options.usage),
    forward(options.forward),
  ];
}

/**
 * One stage holding the full pipeline (see `gatewayStages`).
 *
 * @example
 * const pipeline = gateway({
 *   identity: { resolve: { contextDir: '/claw/context' } },
 *   route: { registry: createRegistry({ file: '/claw/auth/providers.json' }) },
 * });
 */
export function gateway(options: GatewayOptions): Stage {
  return compose(gatewayStages(options), 'gateway');
}
