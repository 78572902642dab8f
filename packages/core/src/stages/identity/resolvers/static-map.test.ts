import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../errors.js';
import { Secret } from '../../../secret.js';
import { type StaticAgent, staticMapResolver } from './static-map.js';

describe('staticMapResolver', () => {
  it('resolves entries written with metadata.json field names', async () => {
    const resolve = staticMapResolver({
      bot: {
        secret: 'abc',
        pod: 'p',
        budget: { limit_usd: 2, window: 'daily' },
        model_policy: { allowed: [{ slot: 'primary', ref: 'openai/gpt-4o' }] },
        policy_exempt: 'true',
        labels: { team: 'x' },
      },
    });
    const record = await resolve('bot');
    expect(record?.secret.reveal()).toBe('abc');
    expect(record?.agent).toEqual({
      id: 'bot',
      pod: 'p',
      budget: { limit_usd: 2, window: 'daily' },
      modelPolicy: { allowed: [{ slot: 'primary', ref: 'openai/gpt-4o' }] },
      policyExempt: true,
      labels: { team: 'x' },
    });
  });

  it('accepts camelCase aliases and a Secret', async () => {
    const resolve = staticMapResolver({
      bot: { secret: new Secret('abc'), policyExempt: true, modelPolicy: { allowed: [{ ref: 'openai/gpt-4o' }] } },
    });
    const record = await resolve('bot');
    expect(record?.agent.policyExempt).toBe(true);
    expect(record?.agent.modelPolicy?.allowed).toEqual([{ ref: 'openai/gpt-4o' }]);
  });

  it('does not find Object.prototype members or unknown ids', async () => {
    const resolve = staticMapResolver({ bot: { secret: 'abc' } });
    expect(await resolve('constructor')).toBeUndefined();
    expect(await resolve('toString')).toBeUndefined();
    expect(await resolve('other')).toBeUndefined();
  });

  it('is not affected by later changes to the input object', async () => {
    const agents: Record<string, StaticAgent> = { bot: { secret: 'abc' } };
    const resolve = staticMapResolver(agents);
    agents['bot'] = { secret: 'changed' };
    agents['new'] = { secret: 'x' };
    expect((await resolve('bot'))?.secret.reveal()).toBe('abc');
    expect(await resolve('new')).toBeUndefined();
  });

  it.each<[string, Record<string, StaticAgent>]>([
    ['bad id', { '../x': { secret: 'a' } }],
    ['empty secret', { bot: { secret: '' } }],
    ['missing secret', { bot: {} as StaticAgent }],
    ['both spellings', { bot: { secret: 'a', policyExempt: true, policy_exempt: true } }],
    ['mistyped budget', { bot: { secret: 'a', budget: { limit_usd: 'five' as unknown as number } } }],
  ])('refuses %s at construction', (_name, agents) => {
    expect(() => staticMapResolver(agents)).toThrow(ConfigurationError);
  });

  it('names the agent but not the secret in its errors', () => {
    try {
      staticMapResolver({ bot: { secret: 'TOPSECRET', pod: 3 as unknown as string } });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('"bot"');
      expect(String(error)).not.toContain('TOPSECRET');
    }
  });
});
