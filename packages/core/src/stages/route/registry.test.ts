import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../errors.js';
import { createRegistry, type ProviderInput } from './registry.js';

describe('createRegistry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cllama-registry-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const writeProviders = async (json: unknown): Promise<string> => {
    const file = join(dir, 'providers.json');
    await writeFile(file, JSON.stringify(json));
    return file;
  };

  it('fills known providers\' defaults', () => {
    const r = createRegistry({
      providers: ['openai', 'anthropic', 'openrouter', 'xai', 'google', 'ollama', 'vercel'].map((name) => ({ name, apiKey: 'k' })),
      env: false,
    });
    const row = (name: string) => {
      const p = r.get(name)!;
      return [p.baseUrl.href, p.auth, p.api, p.pricingProvider];
    };
    expect(row('openai')).toEqual(['https://api.openai.com/v1', { kind: 'bearer' }, 'openai', 'openai']);
    expect(row('anthropic')).toEqual(['https://api.anthropic.com/v1', { kind: 'x-api-key' }, 'anthropic', 'anthropic']);
    expect(row('openrouter')).toEqual(['https://openrouter.ai/api/v1', { kind: 'bearer' }, 'openai', 'openrouter']);
    expect(row('xai')).toEqual(['https://api.x.ai/v1', { kind: 'bearer' }, 'openai', 'x-ai']);
    expect(row('google')).toEqual(['https://generativelanguage.googleapis.com/v1beta/openai', { kind: 'bearer' }, 'openai', 'google']);
    expect(row('ollama')).toEqual(['http://ollama:11434/v1', { kind: 'none' }, 'openai', 'ollama']);
    expect(row('vercel')).toEqual(['https://ai-gateway.vercel.sh/v1', { kind: 'bearer' }, 'openai', 'vercel']);
  });

  it('reads keys and base URLs from the environment', () => {
    const r = createRegistry({
      env: {
        OPENAI_API_KEY: 'sk-0',
        OPENAI_API_KEY_2: 'sk-2',
        OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
        GEMINI_API_KEY: 'g-1',
        GOOGLE_API_KEY: 'g-1',
        XAI_BASE_URL: 'http://ignored/v1',
        OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1',
        AI_GATEWAY_API_KEY_1: 'v-1',
      },
    });
    expect(r.list().map((p) => p.name)).toEqual(['google', 'ollama', 'openai', 'vercel']);
    const openai = r.get('openai')!;
    expect(openai.baseUrl.href).toBe('http://127.0.0.1:9999/v1');
    expect(openai.keys.map((k) => [k.id, k.secret.reveal()])).toEqual([
      ['env:OPENAI_API_KEY', 'sk-0'],
      ['env:OPENAI_API_KEY_2', 'sk-2'],
    ]);
    expect(openai.source).toBe('env');
    expect(r.get('google')!.keys.map((k) => k.id)).toEqual(['env:GEMINI_API_KEY']);
    expect(r.get('ollama')!.keys).toEqual([]);
    expect(r.get('vercel')!.keys.map((k) => k.id)).toEqual(['env:AI_GATEWAY_API_KEY_1']);
  });

  it('uses code over the file over the environment, the file hiding env base URLs', async () => {
    const file = await writeProviders({
      providers: {
        openai: { base_url: 'https://file.example/v1', api_key: 'sk-file' },
        openrouter: { api_key: 'or-file' },
      },
    });
    const r = createRegistry({
      providers: { OpenRouter: { baseUrl: 'https://code.example/api/v1', apiKey: 'or-code' } },
      file,
      env: { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: 'https://env.example/v1', ANTHROPIC_API_KEY: 'a-env' },
    });
    expect(r.get('openai')).toMatchObject({ source: 'file' });
    expect(r.get('openai')!.baseUrl.host).toBe('file.example');
    expect(r.get('openai')!.keys.map((k) => k.secret.reveal())).toEqual(['sk-file']);
    expect(r.get('openrouter')).toMatchObject({ source: 'code' });
    expect(r.get('openrouter')!.keys.map((k) => k.secret.reveal())).toEqual(['or-code']);
    expect(r.get('anthropic')).toMatchObject({ source: 'env' });
  });

  it('lets a keyless higher entry take the keys of a lower source', async () => {
    const file = await writeProviders({ providers: { openai: { base_url: 'https://my-gateway.example/v1' } } });
    const r = createRegistry({ file, env: { OPENAI_API_KEY: 'sk-env' } });
    const openai = r.get('openai')!;
    expect([openai.source, openai.baseUrl.host, openai.keys[0]?.id]).toEqual(['file', 'my-gateway.example', 'env:OPENAI_API_KEY']);
  });

  it('reads the file without ever writing it', async () => {
    const file = await writeProviders({ version: 2, providers: { openai: { keys: [{ id: 'k', secret: 'sk', state: 'cooldown' }] } } });
    const before = await stat(file);
    const digest = createHash('sha256').update(await readFile(file)).digest('hex');
    const r = createRegistry({ file, env: { OPENAI_API_KEY: 'sk-env' } });
    expect(r.get('openai')!.keys.map((k) => k.state)).toEqual(['ready']);
    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(digest);
  });

  it('supports keyless, custom-header and unknown providers from code', () => {
    const r = createRegistry({
      providers: [
        { name: 'local', baseUrl: 'http://127.0.0.1:8000/v1/', auth: 'none', models: ['llama3'] },
        { name: 'azure', baseUrl: new URL('https://x.openai.azure.com/openai/v1'), auth: 'Header:API-Key', apiKey: 'az', pricingProvider: 'azure' },
      ],
      env: false,
    });
    expect(r.get('LOCAL')).toMatchObject({ auth: { kind: 'none' }, keys: [], models: ['llama3'], pricingProvider: 'local' });
    expect(r.get('azure')).toMatchObject({ auth: { kind: 'header', name: 'api-key' }, pricingProvider: 'azure' });
    expect(r.get('azure')!.keys[0]?.id).toBe('code:azure');
  });

  it('is frozen and never prints a key', () => {
    const r = createRegistry({ providers: [{ name: 'openai', apiKey: 'sk-TOPSECRET' }], env: false });
    expect(Object.isFrozen(r)).toBe(true);
    const p = r.get('openai')!;
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.keys)).toBe(true);
    expect(JSON.stringify(r.list())).not.toContain('TOPSECRET');
    expect(inspect(r.list(), { depth: 10 })).not.toContain('TOPSECRET');
    r.list().pop();
    expect(r.list()).toHaveLength(1);
  });

  it('answers undefined for unknown names and inherited properties', () => {
    const r = createRegistry({ env: false });
    expect(r.get('constructor')).toBeUndefined();
    expect(r.list()).toEqual([]);
  });

  it.each<[string, ProviderInput, string]>([
    ['a bad name', { name: 'Open AI', apiKey: 'k' }, 'provider name'],
    ['an unknown provider without base URL', { name: 'mine', apiKey: 'k' }, 'base URL is required'],
    ['a non-http base URL', { name: 'mine', baseUrl: 'ftp://x/v1' }, 'http(s)'],
    ['a base URL with credentials', { name: 'mine', baseUrl: 'https://u:p@x/v1' }, 'credentials'],
    ['a base URL with a query', { name: 'mine', baseUrl: 'https://x/v1?key=1' }, 'query'],
    ['an unknown auth', { name: 'openai', auth: 'basic', apiKey: 'k' }, 'auth must be'],
    ['a reserved auth header', { name: 'openai', auth: 'header:host', apiKey: 'k' }, 'header'],
    ['an unknown api', { name: 'openai', api: 'gemini' as 'openai' }, 'api must be'],
    ['an empty key', { name: 'openai', apiKey: '  ' }, 'no secret'],
    ['apiKey and keys', { name: 'openai', apiKey: 'k', keys: [{ secret: 'k' }] }, 'not both'],
    ['a bad key state', { name: 'openai', keys: [{ secret: 'k', state: 'sleepy' as 'ready' }] }, 'state'],
    ['duplicate key ids', { name: 'openai', keys: [{ id: 'a', secret: 'k' }, { id: 'a', secret: 'l' }] }, 'twice'],
    ['bad models', { name: 'openai', models: [''] }, 'models'],
  ])('refuses %s, naming the provider', (_name, input, message) => {
    const build = () => createRegistry({ providers: [input], env: false });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(message);
  });

  it('never quotes a key or a bad URL in its errors', () => {
    const attempts: (() => unknown)[] = [
      () => createRegistry({ providers: [{ name: 'mine', baseUrl: 'sk-TOPSECRET', apiKey: 'sk-TOPSECRET' }], env: false }),
      () => createRegistry({ env: { OPENAI_API_KEY: 'sk-TOPSECRET', OPENAI_BASE_URL: 'not a url sk-TOPSECRET' } }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(ConfigurationError);
      try {
        attempt();
      } catch (error) {
        expect(String(error)).toContain('provider "');
        expect(String(error)).not.toContain('TOPSECRET');
      }
    }
  });

  it('refuses duplicates within one source and a missing file', async () => {
    expect(() => createRegistry({ providers: [{ name: 'openai' }, { name: 'OpenAI' }], env: false })).toThrow('twice');
    expect(() => createRegistry({ file: join(dir, 'nope.json') })).toThrow(/cannot be read \(ENOENT\)/);
  });
});
