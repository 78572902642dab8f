import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StageReply, sendThrough } from '../../../../../test/support/stage-harness.js';
import { ConfigurationError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { Secret } from '../../secret.js';
import type { Stage } from '../../stage.js';
import { identity } from './identity.js';
import type { AgentRecord, AgentResolver } from './types.js';

/** Every identity request is the same POST with an empty JSON body; only the path and headers vary. */
const send = (stage: Stage, path: string, headers: OutgoingHttpHeaders = {}): Promise<StageReply> => sendThrough(stage, { path, body: {}, headers });

interface Line {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}
function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A resolver over a fixed table that counts its calls: the collaborator, not the thing under test. */
function countingResolver(table: Record<string, string>): AgentResolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (id: string): Promise<AgentRecord | undefined> => {
    calls.push(id);
    const secret = table[id];
    return secret === undefined ? undefined : { agent: { id, policyExempt: false, labels: {} }, secret: new Secret(secret) };
  };
  return Object.assign(fn, { calls });
}

const CHAT = '/v1/chat/completions';
const MESSAGES = '/v1/messages';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const code = (reply: StageReply) => (reply.body?.['error'] as { code?: string } | undefined)?.code;

describe('identity()', () => {
  const quiet: Logger = recordingLogger([]);
  const stage = identity({ resolve: { agents: { bot: { secret: 's3:cr:et', pod: 'ops' } } }, logger: quiet });

  it('fills ex.agent and runs the next stage for valid credentials', async () => {
    const reply = await send(stage, CHAT, bearer('bot:s3:cr:et'));
    expect(reply.status).toBe(204);
    expect(reply.exchange.agent).toMatchObject({ id: 'bot', pod: 'ops' });
  });

  it.each<[string, OutgoingHttpHeaders]>([
    ['no header', {}],
    ['wrong scheme', { authorization: 'Basic Ym90OnMzY3JldA==' }],
    ['no colon', bearer('bot')],
    ['empty secret', bearer('bot:')],
    ['empty id', bearer(':s3:cr:et')],
    ['x-api-key off the anthropic path', { 'x-api-key': 'bot:s3:cr:et' }],
  ])('answers 401 invalid_bearer_token for %s', async (_name, headers) => {
    const reply = await send(stage, CHAT, headers);
    expect(reply.status).toBe(401);
    expect(code(reply)).toBe('invalid_bearer_token');
    expect(reply.exchange.agent).toBeUndefined();
  });

  it.each(['..', '.', '../etc', 'a..b', 'a/b', 'x'.repeat(129)])(
    'refuses agent id %j before calling the resolver',
    async (id) => {
      const resolver = countingResolver({});
      const reply = await send(identity({ resolve: resolver, logger: quiet }), CHAT, bearer(`${id}:secret`));
      expect(reply.status).toBe(401);
      expect(code(reply)).toBe('invalid_bearer_token');
      expect(resolver.calls).toEqual([]);
    },
  );

  it('gives an unknown agent and a wrong secret the same answer (no enumeration)', async () => {
    const unknown = await send(stage, CHAT, bearer('nobody:s3:cr:et'));
    const wrong = await send(stage, CHAT, bearer('bot:guess'));
    const longer = await send(stage, CHAT, bearer('bot:s3:cr:et-and-more'));
    for (const reply of [unknown, wrong, longer]) {
      expect(reply.status).toBe(401);
      expect(code(reply)).toBe('invalid_agent_credentials');
    }
    expect(unknown.body).toEqual(wrong.body);
    expect((unknown.body?.['error'] as { message: string }).message).toBe('invalid agent credentials');
  });

  it('accepts x-api-key on the anthropic path and answers in the anthropic error shape', async () => {
    expect((await send(stage, MESSAGES, { 'x-api-key': 'bot:s3:cr:et' })).status).toBe(204);
    expect((await send(stage, MESSAGES, bearer('bot:s3:cr:et'))).status).toBe(204);
    const bad = await send(stage, MESSAGES, { 'x-api-key': 'bot:nope' });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'invalid_agent_credentials' } });
  });

  it('never authenticates an agent whose stored secret is empty', async () => {
    const resolve: AgentResolver = async (id) => ({ agent: { id, policyExempt: false, labels: {} }, secret: new Secret('') });
    const reply = await send(identity({ resolve, logger: quiet }), CHAT, bearer('bot:anything'));
    expect(code(reply)).toBe('invalid_agent_credentials');
  });

  it('refuses a record the resolver returned for another agent id', async () => {
    const resolve: AgentResolver = async () => ({ agent: { id: 'admin', policyExempt: false, labels: {} }, secret: new Secret('x') });
    const reply = await send(identity({ resolve, logger: quiet }), CHAT, bearer('bot:x'));
    expect(code(reply)).toBe('invalid_agent_credentials');
  });

  it('answers 503 when the resolver throws, logging without the secret', async () => {
    const lines: Line[] = [];
    const resolve: AgentResolver = async () => {
      throw new Error('disk on fire');
    };
    const reply = await send(identity({ resolve, logger: recordingLogger(lines) }), CHAT, bearer('bot:TOPSECRET'));
    expect(reply.status).toBe(503);
    expect(code(reply)).toBe('identity_unavailable');
    expect(JSON.stringify(reply.body)).not.toContain('TOPSECRET');
    expect(lines).toMatchObject([{ level: 'error', fields: { agentId: 'bot', error: 'Error: disk on fire' } }]);
    expect(JSON.stringify(lines)).not.toContain('TOPSECRET');
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const resolve: AgentResolver = async (id) => {
      if (fail) throw new Error('transient');
      return { agent: { id, policyExempt: false, labels: {} }, secret: new Secret('x') };
    };
    const s = identity({ resolve, logger: quiet });
    expect((await send(s, CHAT, bearer('bot:x'))).status).toBe(503);
    fail = false;
    expect((await send(s, CHAT, bearer('bot:x'))).status).toBe(204);
  });

  describe('cache', () => {
    it('reuses lookups, unknown agents included, until the TTL passes', async () => {
      let now = 1_000_000;
      const resolver = countingResolver({ bot: 'x' });
      const s = identity({ resolve: resolver, cacheTtlMs: 5000, logger: quiet, clock: { now: () => now } });
      await send(s, CHAT, bearer('bot:x'));
      await send(s, CHAT, bearer('bot:wrong'));
      await send(s, CHAT, bearer('ghost:x'));
      await send(s, CHAT, bearer('ghost:y'));
      expect(resolver.calls).toEqual(['bot', 'ghost']);
      now += 5001;
      await send(s, CHAT, bearer('bot:x'));
      await send(s, CHAT, bearer('ghost:x'));
      expect(resolver.calls).toEqual(['bot', 'ghost', 'bot', 'ghost']);
    });

    it('shares one lookup between concurrent requests', async () => {
      const resolver = countingResolver({ bot: 'x' });
      const s = identity({ resolve: resolver, logger: quiet });
      const replies = await Promise.all(Array.from({ length: 5 }, () => send(s, CHAT, bearer('bot:x'))));
      expect(replies.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
      expect(resolver.calls).toEqual(['bot']);
    });

    it('calls the resolver every time with cacheTtlMs 0', async () => {
      const resolver = countingResolver({ bot: 'x' });
      const s = identity({ resolve: resolver, cacheTtlMs: 0, logger: quiet });
      await send(s, CHAT, bearer('bot:x'));
      await send(s, CHAT, bearer('bot:x'));
      expect(resolver.calls).toEqual(['bot', 'bot']);
    });

    it('evicts beyond cacheMax', async () => {
      const resolver = countingResolver({ a: 'x', b: 'x' });
      const s = identity({ resolve: resolver, cacheMax: 1, logger: quiet });
      await send(s, CHAT, bearer('a:x'));
      await send(s, CHAT, bearer('b:x'));
      await send(s, CHAT, bearer('a:x'));
      expect(resolver.calls).toEqual(['a', 'b', 'a']);
    });
  });

  describe('with a context dir', () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'cllama-identity-'));
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('picks up an edited token within the TTL', async () => {
      await mkdir(join(root, 'tiverton'));
      const file = join(root, 'tiverton', 'metadata.json');
      await writeFile(file, JSON.stringify({ token: 'tiverton:old', service: 'trader' }));
      let now = 0;
      const s = identity({ resolve: { contextDir: root }, cacheTtlMs: 1000, logger: quiet, clock: { now: () => now } });
      const first = await send(s, CHAT, bearer('tiverton:old'));
      expect(first.status).toBe(204);
      expect(first.exchange.agent?.service).toBe('trader');
      await writeFile(file, JSON.stringify({ token: 'Bearer tiverton:new' }));
      expect((await send(s, CHAT, bearer('tiverton:old'))).status).toBe(204);
      now += 1001;
      expect((await send(s, CHAT, bearer('tiverton:old'))).status).toBe(401);
      expect((await send(s, CHAT, bearer('tiverton:new'))).status).toBe(204);
    });
  });

  describe('options', () => {
    it.each<[string, unknown]>([
      ['no options', undefined],
      ['no resolve', {}],
      ['a bad resolve', { resolve: 'dir' }],
      ['both sources', { resolve: { contextDir: '/x', agents: {} } }],
      ['an empty context dir', { resolve: { contextDir: '' } }],
      ['a negative TTL', { resolve: { agents: {} }, cacheTtlMs: -1 }],
      ['a fractional TTL', { resolve: { agents: {} }, cacheTtlMs: 1.5 }],
      ['cacheMax 0', { resolve: { agents: {} }, cacheMax: 0 }],
    ])('throws ConfigurationError for %s', (_name, options) => {
      expect(() => identity(options as Parameters<typeof identity>[0])).toThrow(ConfigurationError);
    });

    it('names itself', () => {
      expect(stage.meta).toMatchObject({ name: 'identity', requires: [] });
      expect(stage.name).toBe('identity');
    });
  });
});
