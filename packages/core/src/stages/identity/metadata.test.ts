import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidMetadataError, normaliseStoredToken, parseAgentMetadata } from './metadata.js';

describe('normaliseStoredToken', () => {
  it.each([
    ['tiverton:abc', 'abc'],
    ['  tiverton:abc  ', 'abc'],
    ['Bearer tiverton:abc', 'abc'],
    ['BEARER tiverton:a:b', 'a:b'],
    ['just-the-secret', 'just-the-secret'],
    ['bearer just-the-secret', 'just-the-secret'],
  ])('%j gives secret %j', (token, secret) => {
    expect(normaliseStoredToken('tiverton', token).reveal()).toBe(secret);
  });

  it.each([['other:abc'], [':abc'], ['tiverton:'], [''], ['   '], [undefined], [42]])(
    '%j never authenticates (empty secret)',
    (token) => {
      expect(normaliseStoredToken('tiverton', token).isEmpty).toBe(true);
    },
  );
});

describe('parseAgentMetadata', () => {
  const full = {
    token: 'tiverton:s3cret',
    pod: 'crypto-ops',
    service: 'trader',
    type: 'openclaw',
    timezone: 'Europe/Paris',
    budget: { limit_usd: 5.5, max_requests: 100, window: 'daily', behavior: 'hard_stop' },
    model_policy: { mode: 'restrict', allowed: [{ slot: 'primary', ref: 'openai/gpt-4o' }, { ref: ' anthropic/claude ' }] },
    policy_exempt: 'TRUE',
    labels: { team: 'ops', count: 3, nested: { a: 1 } },
    extra: { ignored: true },
  };

  it('reads every field cllama uses and ignores the rest', () => {
    const record = parseAgentMetadata('tiverton', full);
    expect(record.secret.reveal()).toBe('s3cret');
    expect(record.agent).toEqual({
      id: 'tiverton',
      pod: 'crypto-ops',
      service: 'trader',
      type: 'openclaw',
      budget: { limit_usd: 5.5, max_requests: 100, window: 'daily', behavior: 'hard_stop' },
      modelPolicy: { mode: 'restrict', allowed: [{ slot: 'primary', ref: 'openai/gpt-4o' }, { ref: 'anthropic/claude' }] },
      policyExempt: true,
      labels: { team: 'ops' },
    });
    expect(Object.isFrozen(record.agent)).toBe(true);
    expect(Object.isFrozen(record.agent.modelPolicy?.allowed)).toBe(true);
  });

  it('keeps the token out of the agent and out of printed output', () => {
    const record = parseAgentMetadata('tiverton', full);
    expect(JSON.stringify(record)).not.toContain('s3cret');
    expect(inspect(record, { depth: 5 })).not.toContain('s3cret');
  });

  it('treats null and missing fields as absent', () => {
    const record = parseAgentMetadata('a', { pod: null, budget: null, model_policy: null, labels: null });
    expect(record.agent).toEqual({ id: 'a', policyExempt: false, labels: {} });
    expect(record.secret.isEmpty).toBe(true);
  });

  it.each([
    [true, true],
    [false, false],
    ['true', true],
    [' True ', true],
    ['yes', false],
    [1, false],
  ])('policy_exempt %j → %j', (value, exempt) => {
    expect(parseAgentMetadata('a', { policy_exempt: value }).agent.policyExempt).toBe(exempt);
  });

  it.each([
    [{ token: 7 }, 'token'],
    [{ pod: 1 }, 'pod'],
    [{ budget: 'lots' }, 'budget'],
    [{ budget: { limit_usd: '5' } }, 'budget.limit_usd'],
    [{ budget: { max_requests: -1 } }, 'budget.max_requests'],
    [{ model_policy: { allowed: 'openai/gpt-4o' } }, 'model_policy.allowed'],
    [{ model_policy: { allowed: [{ slot: 'primary' }] } }, 'model_policy.allowed[0].ref'],
  ])('refuses the mistyped field in %j (fails closed)', (json, field) => {
    expect(() => parseAgentMetadata('a', json)).toThrow(InvalidMetadataError);
    expect(() => parseAgentMetadata('a', json)).toThrow(`"${field}"`);
  });

  it('refuses a document that is not an object', () => {
    expect(() => parseAgentMetadata('a', ['x'])).toThrow(InvalidMetadataError);
  });

  it('keeps a label named __proto__ as a plain label', () => {
    const record = parseAgentMetadata('a', JSON.parse('{"labels":{"__proto__":"x","b":"y"}}'));
    expect(Object.getPrototypeOf(record.agent.labels)).toBe(Object.prototype);
    expect(Object.keys(record.agent.labels).sort()).toEqual(['__proto__', 'b']);
  });
});
