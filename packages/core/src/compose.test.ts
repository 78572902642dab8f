import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from './compose.js';
import { ConfigurationError, InternalError } from './errors.js';
import { Exchange } from './exchange.js';
import { defineStage, runStage, type Stage } from './stage.js';

const noop = (name: string, requires: string[] = []): Stage =>
  defineStage({ name, requires }, async function stage(_ex, next) {
    await next();
  });

describe('compose()', () => {
  let server: http.Server;
  let exchanges: Exchange[] = [];
  let url = '';

  beforeAll(async () => {
    // Real requests and responses: each request parks its exchange until the test ends it.
    server = http.createServer((req, res) => exchanges.push(new Exchange(req, res)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  async function exchange(): Promise<Exchange> {
    exchanges = [];
    void fetch(url, { method: 'POST', body: '{}' }).catch(() => {});
    for (let i = 0; i < 200 && exchanges.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    return exchanges[0]!;
  }

  it('refuses, when built, a stage placed before a stage it requires', () => {
    expect(() => compose([noop('route', ['identity']), noop('identity')])).toThrow(ConfigurationError);
    expect(() => compose([noop('route', ['identity']), noop('identity')])).toThrow(/route\(\) needs identity\(\) before it/);
  });

  it('lets a requirement no stage provides come from outside, and checks it per request', async () => {
    const pipeline = compose([noop('route', ['identity'])]);
    expect(pipeline.meta.requires).toEqual(['identity']);
    const ex = await exchange();
    await expect(runStage(pipeline, ex, async () => {})).rejects.toThrow(/needs identity\(\) to run before it/);
    ex.res.end();
  });

  it('runs stages in onion order', async () => {
    const log: string[] = [];
    const stage = (name: string) =>
      defineStage({ name }, async function logged(_ex, next) {
        log.push(`in:${name}`);
        await next();
        log.push(`out:${name}`);
      });
    const ex = await exchange();
    await compose([stage('a'), stage('b'), stage('c')])(ex, async () => {
      log.push('downstream');
    });
    expect(log).toEqual(['in:a', 'in:b', 'in:c', 'downstream', 'out:c', 'out:b', 'out:a']);
    ex.res.end();
  });

  it('rejects next() called twice', async () => {
    const twice = defineStage({ name: 'twice' }, async function twice(_ex, next) {
      await next();
      await next();
    });
    const ex = await exchange();
    await expect(compose([twice, noop('inner')])(ex, async () => {})).rejects.toThrow(/next\(\) called multiple times/);
    ex.res.end();
  });

  it('rejects a stage that resolves before its downstream finished', async () => {
    const careless = defineStage({ name: 'careless' }, async function careless(_ex, next) {
      void next();
    });
    const slow = defineStage({ name: 'slow' }, async function slow() {
      await new Promise((r) => setTimeout(r, 20));
    });
    const ex = await exchange();
    const failure = await compose([careless, slow])(ex, async () => {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InternalError);
    expect((failure as InternalError).code).toBe('stage_contract_violation');
    ex.res.end();
  });

  it('propagates a downstream error outward through every stage', async () => {
    const seen: string[] = [];
    const catcher = defineStage({ name: 'catcher' }, async function catcher(_ex, next) {
      try {
        await next();
      } catch (error) {
        seen.push((error as Error).message);
        throw error;
      }
    });
    const thrower = defineStage({ name: 'thrower' }, async function thrower() {
      throw new Error('boom');
    });
    const ex = await exchange();
    await expect(compose([catcher, thrower])(ex, async () => {})).rejects.toThrow('boom');
    expect(seen).toEqual(['boom']);
    ex.res.end();
  });

  it('refuses things that are not stages', () => {
    expect(() => compose([])).toThrow(ConfigurationError);
    expect(() => compose([(async () => {}) as unknown as Stage])).toThrow(/only stages/);
  });
});
