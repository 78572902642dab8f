import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../errors.js';
import { Secret } from '../../secret.js';
import { parseProvidersFile } from './providers-file.js';

const secretOf = (s: string | Secret | undefined) => (s instanceof Secret ? s.reveal() : s);

describe('parseProvidersFile', () => {
  it('reads v1: api_key becomes one key with cllama\'s seed id', () => {
    const [openai, ollama] = parseProvidersFile(
      JSON.stringify({
        providers: {
          openai: { base_url: 'https://proxy.example/v1', api_key: 'sk-one', auth: 'bearer', api_format: 'openai' },
          ollama: { base_url: 'http://127.0.0.1:11434/v1', auth: 'none', api_key: '' },
        },
      }),
    );
    expect(openai).toMatchObject({ name: 'openai', baseUrl: 'https://proxy.example/v1', auth: 'bearer', api: 'openai' });
    expect(openai?.keys).toHaveLength(1);
    expect(openai?.keys?.[0]?.id).toBe('seed:OPENAI_API_KEY');
    expect(secretOf(openai?.keys?.[0]?.secret)).toBe('sk-one');
    expect(ollama).toMatchObject({ name: 'ollama', auth: 'none' });
    expect(ollama?.keys).toBeUndefined();
  });

  it('reads v2 key pools, counting a cooldown key as ready', () => {
    const [p] = parseProvidersFile(
      JSON.stringify({
        version: 2,
        providers: {
          anthropic: {
            auth: 'x-api-key',
            api_format: 'anthropic',
            active_key_id: 'b',
            source: 'runtime',
            keys: [
              { id: 'a', label: 'first', secret: 'sk-a', source: 'seed', state: 'dead', last_error_code: 401 },
              { id: 'b', secret: 'sk-b', state: 'cooldown', cooldown_until: '2026-01-01T00:00:00Z' },
              { id: 'c', secret: 'sk-c' },
            ],
            pricing_provider: 'anthropic',
            models: ['claude-sonnet-4'],
          },
        },
      }),
    );
    expect(p).toMatchObject({ name: 'anthropic', activeKeyId: 'b', pricingProvider: 'anthropic', models: ['claude-sonnet-4'] });
    expect(p?.keys?.map((k) => [k.id, k.state, k.label])).toEqual([
      ['a', 'dead', 'first'],
      ['b', 'ready', undefined],
      ['c', undefined, undefined],
    ]);
  });

  it('treats empty strings as unset, as the reference writes them', () => {
    const [p] = parseProvidersFile('{"version":2,"providers":{"openai":{"base_url":"","auth":"","active_key_id":"","keys":[]}}}');
    expect(p).toMatchObject({ name: 'openai', baseUrl: undefined, auth: undefined, activeKeyId: undefined, keys: [] });
  });

  it('gives an empty list for a file without providers', () => {
    expect(parseProvidersFile('{}')).toEqual([]);
  });

  it.each([
    ['not json', '{"providers": {"openai": {"api_key": "sk-LEAK"'],
    ['an array', '[]'],
    ['version 3', '{"version":3,"providers":{}}'],
    ['providers as array', '{"providers":[]}'],
    ['a provider as string', '{"providers":{"openai":"sk-LEAK"}}'],
    ['a numeric base_url', '{"providers":{"openai":{"base_url":5}}}'],
    ['keys as object', '{"version":2,"providers":{"openai":{"keys":{"id":"a"}}}}'],
    ['models with numbers', '{"providers":{"openai":{"models":[1]}}}'],
  ])('refuses %s without quoting the file', (_name, text) => {
    expect(() => parseProvidersFile(text)).toThrow(ConfigurationError);
    try {
      parseProvidersFile(text);
    } catch (error) {
      expect(String(error)).not.toContain('LEAK');
    }
  });
});
