import type { AuthKind, TargetSpec } from '../types.js';
import { agentToken } from '../servers/pipeline.js';

/** Where and how the load client sends one target's requests. */
export interface Endpoint {
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Headers a client of this target sends: a provider key, an agent token, or Portkey's routing headers. */
function authHeaders(auth: AuthKind, upstreamOrigin: string, agent: number): Record<string, string> {
  switch (auth) {
    case 'provider-key':
      return { authorization: 'Bearer sk-bench-client-key' };
    case 'agent-token':
      return { authorization: `Bearer ${agentToken(agent)}` };
    case 'portkey':
      return {
        authorization: 'Bearer sk-bench-client-key',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstreamOrigin}/v1`,
      };
  }
}

export function endpointFor(target: TargetSpec, origin: string, upstreamOrigin: string, agent = 0): Endpoint {
  return {
    origin,
    path: `${target.mount}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', ...authHeaders(target.auth, upstreamOrigin, agent) },
  };
}
