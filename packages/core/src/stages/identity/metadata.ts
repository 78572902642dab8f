import { Secret } from '../../secret.js';
import type { AgentBudgetSpec, AgentRecord, AllowedModel, IdentityState, ModelPolicy } from './types.js';

/**
 * A `metadata.json` (or static-map entry) with a known field of the wrong type. The message names the
 * field only, never a value, so it can be logged without leaking the token.
 */
export class InvalidMetadataError extends Error {
  constructor(readonly field: string) {
    super(`metadata field "${field}" has the wrong type`);
    this.name = 'InvalidMetadataError';
  }
}

/**
 * The secret an agent must present, from a stored cllama token. cllama's rules: trim; drop an optional
 * leading `bearer ` (case-insensitive); if a colon remains, the part before it must be this agent's id
 * and the part after is the secret, otherwise the whole string is the secret.
 *
 * A missing token, an empty secret or a token minted for another agent gives an empty `Secret`, which
 * never authenticates (presented secrets are never empty).
 */
export function normaliseStoredToken(agentId: string, token: unknown): Secret {
  if (typeof token !== 'string') return new Secret('');
  const text = token.trim().replace(/^bearer\s+/i, '');
  const colon = text.indexOf(':');
  if (colon === -1) return new Secret(text);
  if (text.slice(0, colon) !== agentId) return new Secret('');
  return new Secret(text.slice(colon + 1));
}

/**
 * Turns a parsed cllama `metadata.json` into an agent record. Known fields with the wrong type make
 * the whole file invalid (as Go's decoder does in the reference): silently dropping a mistyped
 * `budget` would lift the agent's cap. `null` counts as absent; unknown keys are ignored; label values
 * that are not strings are skipped.
 */
export function parseAgentMetadata(agentId: string, json: unknown): AgentRecord {
  if (!isObject(json)) throw new InvalidMetadataError('(root)');
  return {
    agent: agentFromMetadata(agentId, json),
    secret: normaliseStoredToken(agentId, optional(json, 'token', 'string')),
  };
}

/** The identity part of a metadata object (everything but the token), frozen. */
export function agentFromMetadata(agentId: string, json: Readonly<Record<string, unknown>>): IdentityState {
  const agent: IdentityState = {
    id: agentId,
    pod: optional(json, 'pod', 'string'),
    service: optional(json, 'service', 'string'),
    type: optional(json, 'type', 'string'),
    budget: parseBudget(json['budget']),
    modelPolicy: parseModelPolicy(json['model_policy']),
    policyExempt: parsePolicyExempt(json['policy_exempt']),
    labels: parseLabels(json['labels']),
  };
  return Object.freeze(withoutUndefined(agent));
}

function parseBudget(value: unknown): AgentBudgetSpec | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new InvalidMetadataError('budget');
  const num = (key: string): number | undefined => {
    const n = optional(value, key, 'number', `budget.${key}`);
    if (n !== undefined && (!Number.isFinite(n) || n < 0)) throw new InvalidMetadataError(`budget.${key}`);
    return n;
  };
  return Object.freeze(
    withoutUndefined({
      limit_usd: num('limit_usd'),
      max_requests: num('max_requests'),
      window: optional(value, 'window', 'string', 'budget.window'),
      behavior: optional(value, 'behavior', 'string', 'budget.behavior'),
    }),
  );
}

function parseModelPolicy(value: unknown): ModelPolicy | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new InvalidMetadataError('model_policy');
  const list = value['allowed'] ?? [];
  if (!Array.isArray(list)) throw new InvalidMetadataError('model_policy.allowed');
  const allowed = list.map((entry: unknown, i): AllowedModel => {
    const field = `model_policy.allowed[${i}]`;
    if (!isObject(entry)) throw new InvalidMetadataError(field);
    const ref = entry['ref'];
    if (typeof ref !== 'string' || ref.trim() === '') throw new InvalidMetadataError(`${field}.ref`);
    const slot = optional(entry, 'slot', 'string', `${field}.slot`);
    return Object.freeze(slot === undefined ? { ref: ref.trim() } : { ref: ref.trim(), slot });
  });
  const mode = optional(value, 'mode', 'string', 'model_policy.mode');
  return Object.freeze(withoutUndefined({ mode, allowed: Object.freeze(allowed) }));
}

/** cllama accepts a boolean or the string "true" in any case; anything else means not exempt. */
function parsePolicyExempt(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

function parseLabels(value: unknown): Readonly<Record<string, string>> {
  if (!isObject(value)) return Object.freeze({});
  // fromEntries defines own properties, so a `__proto__` label stays a plain label.
  return Object.freeze(Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')));
}

type Kind = { string: string; number: number };

function optional<K extends keyof Kind>(
  obj: Readonly<Record<string, unknown>>,
  key: string,
  kind: K,
  field = key,
): Kind[K] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== kind) throw new InvalidMetadataError(field);
  return value as Kind[K];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops keys whose value is `undefined`, so frozen records print and compare cleanly. */
function withoutUndefined<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) if (obj[key] === undefined) delete obj[key];
  return obj;
}
