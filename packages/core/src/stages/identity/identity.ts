import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import { AuthenticationError, ConfigurationError, ServiceUnavailableError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { jsonLogger, type Logger } from '../../logger.js';
import { Secret } from '../../secret.js';
import { defineStage, type Next, type Stage } from '../../stage.js';
import { isValidAgentId } from './agent-id.js';
import { contextDirResolver } from './resolvers/context-dir.js';
import { type StaticAgent, staticMapResolver } from './resolvers/static-map.js';
import { presentedCredentials } from './token.js';
import type { AgentRecord, AgentResolver } from './types.js';

/** Where agents come from: your own function, a cllama context dir, or a fixed map. */
export type IdentitySource =
  | AgentResolver
  | { readonly contextDir: string }
  | { readonly agents: Readonly<Record<string, StaticAgent>> };

export interface IdentityOptions {
  readonly resolve: IdentitySource;
  /** How long a lookup (including "unknown agent") is reused. `0` disables the cache. Default 5000. */
  readonly cacheTtlMs?: number;
  /** Most agents cached at once. Default 10000. */
  readonly cacheMax?: number;
  /** Default: JSON lines on stderr. */
  readonly logger?: Logger;
  /** Time source for the cache TTL (tests). Default: `performance`. */
  readonly clock?: Clock;
}

/** Stable codes, so clients and dashboards can match on them. */
const MALFORMED = 'invalid_bearer_token';
const REJECTED = 'invalid_agent_credentials';

/**
 * Verifies the calling agent and fills `ex.agent`.
 *
 * The agent presents `Authorization: Bearer <agent-id>:<secret>`; on the Anthropic path
 * `x-api-key: <agent-id>:<secret>` is accepted when `Authorization` is absent. Missing or malformed
 * credentials, and ids outside `[A-Za-z0-9._-]{1,128}` or containing `..`, get 401
 * `invalid_bearer_token` before any resolver runs. An unknown agent and a wrong secret get the same
 * 401 `invalid_agent_credentials` with the same message and similar timing, so agent ids cannot be
 * enumerated. A resolver that throws gives 503 `identity_unavailable`.
 *
 * Lookups are cached (defaults: 5 s TTL, 10 000 agents), unknown agents included, so context-dir edits
 * take effect within the TTL and guessing ids cannot hammer the disk.
 *
 * @example
 * import { compose, identity } from '@cllama/core';
 * const pipeline = compose([
 *   identity({ resolve: { agents: { demo: { secret: 'demo-secret' } } }, cacheTtlMs: 5000 }),
 *   // route(...), credentials(), forward()
 * ]);
 */
export function identity(options: IdentityOptions): Stage {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError(
      'identity() needs options: { resolve: fn | { contextDir } | { agents } } ' +
        '(for cllama, { resolve: { contextDir: process.env.CLAW_CONTEXT_ROOT } })',
    );
  }
  const { resolve, cacheTtlMs = 5000, cacheMax = 10_000, logger = jsonLogger(), clock } = options;
  if (!Number.isInteger(cacheTtlMs) || cacheTtlMs < 0) {
    throw new ConfigurationError('identity(): cacheTtlMs must be a non-negative integer');
  }
  if (!Number.isInteger(cacheMax) || cacheMax < 1) {
    throw new ConfigurationError('identity(): cacheMax must be a positive integer');
  }
  const lookup = cached(toResolver(resolve, logger), cacheTtlMs, cacheMax, clock);
  // Hashed and compared when the agent is unknown, so that path costs the same as a wrong secret.
  const dummySecret = new Secret(randomBytes(32).toString('hex'));

  return defineStage({ name: 'identity' }, async function identity(ex: Exchange, next: Next): Promise<void> {
    const presented = presentedCredentials(ex.request.headers, ex.request.format?.name === 'anthropic');
    if (presented === undefined || !isValidAgentId(presented.agentId)) {
      throw new AuthenticationError(MALFORMED, 'invalid bearer token');
    }
    let record: AgentRecord | undefined;
    try {
      record = await lookup(presented.agentId);
    } catch (error) {
      logger.error('agent resolver failed', { agentId: presented.agentId, error: describe(error) });
      throw new ServiceUnavailableError('identity_unavailable', 'agent identity is temporarily unavailable');
    }
    const presentedDigest = digest(presented.secret);
    // Hashing first makes the comparison length-independent: timingSafeEqual needs equal lengths,
    // and comparing raw lengths would leak the stored secret's length.
    const stored = (record === undefined ? dummySecret : record.secret).sha256();
    const equal = timingSafeEqual(presentedDigest, stored);
    // `isEmpty` is redundant with the parser (presented secrets are never empty) but states the rule:
    // an agent without a stored secret can never authenticate.
    if (record === undefined || !equal || record.secret.isEmpty || record.agent.id !== presented.agentId) {
      if (record !== undefined && record.agent.id !== presented.agentId) {
        logger.warn('agent resolver returned a record for another id', { agentId: presented.agentId });
      }
      throw new AuthenticationError(REJECTED, 'invalid agent credentials');
    }
    ex.agent = record.agent;
    await next();
  });
}

function toResolver(source: IdentitySource | undefined, logger: Logger): AgentResolver {
  if (typeof source === 'function') return source;
  if (source !== null && typeof source === 'object') {
    if ('contextDir' in source && 'agents' in source) {
      throw new ConfigurationError('identity(): `resolve` takes either { contextDir } or { agents }, not both');
    }
    if ('contextDir' in source) return contextDirResolver({ root: source.contextDir, logger });
    if ('agents' in source) return staticMapResolver(source.agents);
  }
  throw new ConfigurationError('identity(): `resolve` must be a function, { contextDir: string } or { agents: {...} }');
}

/**
 * Caches each lookup's promise: concurrent requests for one agent share one resolver call, "unknown"
 * is cached like any answer, and a failed lookup is dropped so the next request retries.
 */
function cached(resolve: AgentResolver, ttl: number, max: number, clock: Clock | undefined): AgentResolver {
  if (ttl === 0) return resolve;
  const cache = new LRUCache<string, Promise<AgentRecord | undefined>>({
    max,
    ttl,
    // lru-cache treats a start time of 0 as "no TTL", so a test clock starting at 0 is shifted.
    ...(clock === undefined ? {} : { perf: { now: () => clock.now() + 1 } }),
  });
  return (agentId) => {
    const hit = cache.get(agentId);
    if (hit !== undefined) return hit;
    const pending = Promise.resolve().then(() => resolve(agentId));
    cache.set(agentId, pending);
    pending.catch(() => {
      if (cache.peek(agentId) === pending) cache.delete(agentId);
    });
    return pending;
  };
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
