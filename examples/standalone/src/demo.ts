import { randomBytes } from 'node:crypto';
import type { ProviderInput, StaticAgent } from '@cllama/core';
import { MOCK_MODELS, type MockProvider, startMockProvider } from './mock-provider.js';

/** The demo a fresh clone serves: one agent with a fresh secret and the built-in echo provider. */
export interface Demo {
  readonly agentId: string;
  readonly token: string;
  readonly agents: Record<string, StaticAgent>;
  readonly provider: ProviderInput;
  readonly mock: MockProvider;
}

export async function startDemo(): Promise<Demo> {
  const mock = await startMockProvider();
  const agentId = 'demo';
  const secret = randomBytes(24).toString('hex');
  return {
    agentId,
    token: `${agentId}:${secret}`,
    agents: { [agentId]: { secret, service: 'demo' } },
    provider: { name: 'mock', baseUrl: mock.baseUrl, auth: 'none', api: 'openai', models: [...MOCK_MODELS] },
    mock,
  };
}

/** A `curl` line that works against the demo as it is running. */
export function demoCurl(apiUrl: string, token: string): string {
  const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello cllama' }] });
  return `curl -s ${apiUrl}/v1/chat/completions -H 'Authorization: Bearer ${token}' ` +
    `-H 'Content-Type: application/json' -d '${body}'`;
}
