import { ConfigurationError } from '../../../errors.js';
import { Secret } from '../../../secret.js';
import { isValidAgentId } from '../agent-id.js';
import { agentFromMetadata, InvalidMetadataError, isObject } from '../metadata.js';
import type { AgentBudgetSpec, AgentRecord, AgentResolver } from '../types.js';

/** One allowed model in a static entry, as in `metadata.json`. */
export interface StaticAllowedModel {
  readonly ref: string;
  readonly slot?: string;
}

/**
 * One agent in a static map. The field names are those of cllama's `metadata.json` (snake_case), so
 * an entry can be pasted from a context dir; `modelPolicy` and `policyExempt` are accepted as
 * camelCase aliases. `secret` is the bare secret (the part after `<agent-id>:`), not a token.
 */
export interface StaticAgent {
  readonly secret: string | Secret;
  readonly pod?: string;
  readonly service?: string;
  readonly type?: string;
  readonly budget?: AgentBudgetSpec;
  readonly model_policy?: { readonly mode?: string; readonly allowed?: readonly StaticAllowedModel[] };
  readonly modelPolicy?: { readonly mode?: string; readonly allowed?: readonly StaticAllowedModel[] };
  readonly policy_exempt?: boolean | string;
  readonly policyExempt?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

const ALIASES = [
  ['modelPolicy', 'model_policy'],
  ['policyExempt', 'policy_exempt'],
] as const;

/**
 * Resolves agents from a fixed map of agent id → entry, checked and frozen when it is built: a bad
 * id, an empty secret or a mistyped field throws `ConfigurationError` here rather than on a request.
 *
 * @example
 * const resolve = staticMapResolver({
 *   'report-bot': { secret: process.env.REPORT_BOT_SECRET ?? 'dev-only', budget: { limit_usd: 5, window: 'daily' } },
 * });
 * await resolve('report-bot'); // { agent: { id: 'report-bot', ... }, secret: Secret }
 */
export function staticMapResolver(agents: Readonly<Record<string, StaticAgent>>): AgentResolver {
  if (!isObject(agents)) throw new ConfigurationError('staticMapResolver: `agents` must be an object');
  // A Map, not the object: a lookup of `constructor` or `__proto__` must not find Object's members.
  const table = new Map<string, AgentRecord>();
  for (const [id, entry] of Object.entries(agents)) table.set(id, recordFor(id, entry));

  return async function resolveFromStaticMap(agentId: string): Promise<AgentRecord | undefined> {
    return table.get(agentId);
  };
}

function recordFor(id: string, entry: StaticAgent): AgentRecord {
  if (!isValidAgentId(id)) {
    throw new ConfigurationError(`staticMapResolver: agent id "${id}" must match [A-Za-z0-9._-]{1,128} without ".."`);
  }
  if (!isObject(entry)) throw new ConfigurationError(`staticMapResolver: agent "${id}" must be an object`);
  const raw: unknown = entry.secret;
  const secret = raw instanceof Secret ? raw : typeof raw === 'string' ? new Secret(raw) : undefined;
  if (secret === undefined || secret.isEmpty) {
    throw new ConfigurationError(`staticMapResolver: agent "${id}" needs a non-empty \`secret\``);
  }
  const fields: Record<string, unknown> = { ...entry };
  for (const [camel, snake] of ALIASES) {
    if (fields[camel] === undefined) continue;
    if (fields[snake] !== undefined) {
      throw new ConfigurationError(`staticMapResolver: agent "${id}" sets both ${camel} and ${snake}`);
    }
    fields[snake] = fields[camel];
  }
  try {
    return Object.freeze({ agent: agentFromMetadata(id, fields), secret });
  } catch (error) {
    if (error instanceof InvalidMetadataError) {
      throw new ConfigurationError(`staticMapResolver: agent "${id}": ${error.message}`, { cause: error });
    }
    throw error;
  }
}
