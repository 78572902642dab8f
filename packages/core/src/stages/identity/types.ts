import type { Secret } from '../../secret.js';

/** The budget an agent's metadata declares (cllama's `metadata.json` `budget`, snake_case kept). */
export interface AgentBudgetSpec {
  readonly limit_usd?: number;
  readonly max_requests?: number;
  readonly window?: string;
  readonly behavior?: string;
}

/** One model an agent may use, with the slot it fills (`primary`, `fallback`, …). */
export interface AllowedModel {
  readonly ref: string;
  readonly slot?: string;
}

export interface ModelPolicy {
  readonly mode?: string;
  readonly allowed: readonly AllowedModel[];
}

/** The `agent` slot: who is calling, filled by `identity()`. */
export interface IdentityState {
  readonly id: string;
  readonly pod?: string;
  readonly service?: string;
  readonly type?: string;
  readonly budget?: AgentBudgetSpec;
  readonly modelPolicy?: ModelPolicy;
  readonly policyExempt: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/** What a resolver knows about an agent: its identity and the secret it must present. */
export interface AgentRecord {
  readonly agent: IdentityState;
  readonly secret: Secret;
}

/**
 * Looks an agent up by id. Returns `undefined` for an unknown agent. The id has already been
 * validated (`[A-Za-z0-9._-]`, no `..`), so a resolver may use it in a path.
 */
export type AgentResolver = (agentId: string) => Promise<AgentRecord | undefined>;
