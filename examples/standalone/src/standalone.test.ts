import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditRecord } from '@cllama/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../../test/support/fake-upstream.js';
import { readConfig, StartupError } from './config.js';
import { type RunningGateway, startGateway } from './server.js';

const ephemeral = { LISTEN_ADDR: '127.0.0.1:0', UI_ADDR: '127.0.0.1:0' };

describe('standalone gateway: demo mode', () => {
  let gateway: RunningGateway;
  const records: AuditRecord[] = [];

  beforeAll(async () => {
    const config = readConfig({ ...ephemeral, CLAW_CONTEXT_ROOT: '', CLAW_AUTH_DIR: '' });
    expect(config.demo).toBe(true);
    gateway = await startGateway(config, { auditSinks: [{ write: (r) => void records.push(r) }] });
  });
  afterAll(() => gateway.close());

  it('answers /health like cllama', async () => {
    const res = await fetch(`${gateway.apiUrl}/health`);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('serves the demo agent through the mock provider, priced, with the SDK', async () => {
    const openai = new OpenAI({ baseURL: `${gateway.apiUrl}/v1`, apiKey: gateway.demo!.token, maxRetries: 0 });
    const reply = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello cllama' }] });
    expect(reply.choices[0]?.message.content).toBe('echo: hello cllama');
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['mock/echo', 'mock/echo-mini']);
    const costs = (await (await fetch(`${gateway.uiUrl}/costs/api`)).json()) as { agents: Record<string, { models: Array<{ pricing_status: string; requests: number }> }> };
    expect(costs.agents['demo']?.models[0]).toMatchObject({ requests: 1, pricing_status: 'priced' });
    expect(records.at(-1)).toMatchObject({ claw_id: 'demo', status_code: 200, pricing_status: 'priced' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${gateway.apiUrl}/v1/nothing`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_endpoint');
  });
});

describe('standalone gateway: cllama context dir and providers.json', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  const records: AuditRecord[] = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const root = mkdtempSync(join(tmpdir(), 'cllama-ctx-'));
    mkdirSync(join(root, 'context', 'tiverton'), { recursive: true });
    mkdirSync(join(root, 'auth'));
    writeFileSync(join(root, 'context', 'tiverton', 'metadata.json'), JSON.stringify({ token: 'tiverton:abc123', pod: 'desk', service: 'tiverton' }));
    writeFileSync(join(root, 'auth', 'providers.json'), JSON.stringify({
      providers: { openai: { base_url: upstream.baseUrl, api_key: 'sk-file-key', auth: 'bearer' } },
    }));
    const config = readConfig({ ...ephemeral, CLAW_CONTEXT_ROOT: join(root, 'context'), CLAW_AUTH_DIR: join(root, 'auth'), CLLAMA_UI_TOKEN: 'ui-token' });
    expect(config.demo).toBe(false);
    gateway = await startGateway(config, { auditSinks: [{ write: (r) => void records.push(r) }] });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('authenticates a context-dir agent and swaps in the key from providers.json', async () => {
    const openai = new OpenAI({ baseURL: `${gateway.apiUrl}/v1`, apiKey: 'tiverton:abc123', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(upstream.received.at(-1)?.headers['authorization']).toBe('Bearer sk-file-key');
    expect(records.at(-1)).toMatchObject({ claw_id: 'tiverton', pod: 'desk', tokens_in: 14 });
  });

  it('protects the UI with CLLAMA_UI_TOKEN', async () => {
    expect((await fetch(`${gateway.uiUrl}/costs/api`)).status).toBe(401);
    const res = await fetch(`${gateway.uiUrl}/costs/api`, { headers: { authorization: 'Bearer ui-token' } });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await res.json()) as { total_requests: number }).total_requests).toBeGreaterThanOrEqual(1);
  });
});

describe('standalone gateway: configuration errors', () => {
  it('refuses a CLAW_CONTEXT_ROOT that does not exist instead of starting a demo', () => {
    expect(() => readConfig({ CLAW_CONTEXT_ROOT: '/nonexistent/ctx' })).toThrow(StartupError);
  });
  it('refuses a malformed listen address', () => {
    expect(() => readConfig({ LISTEN_ADDR: 'eighty' })).toThrow(/LISTEN_ADDR/);
  });
});

describe('npm start (the built gateway)', () => {
  it('starts the demo on a clean configuration and prints a curl line that works', async () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env['PATH'], ...ephemeral, CLAW_CONTEXT_ROOT: '', CLAW_AUTH_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      const curl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no curl line; stderr: ${stderr}`)), 10_000);
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          const line = /curl -s (\S+) -H 'Authorization: ([^']+)' -H '([^']+)' -d '([^']+)'/.exec(stderr);
          if (line) {
            clearTimeout(timer);
            resolve(line[0]);
          }
        });
      });
      const [, url, auth, , body] = /curl -s (\S+) -H 'Authorization: ([^']+)' -H '([^']+)' -d '([^']+)'/.exec(curl)!;
      const res = await fetch(url!, { method: 'POST', headers: { authorization: auth!, 'content-type': 'application/json' }, body: body! });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('echo: hello cllama');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
