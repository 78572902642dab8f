import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import { contextDirResolver } from './context-dir.js';

interface Line {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('contextDirResolver', () => {
  let base: string;
  let root: string;
  let lines: Line[];

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'cllama-ctx-'));
    root = join(base, 'context');
    await mkdir(root);
    lines = [];
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  const writeAgent = async (id: string, content: string, dir = root): Promise<string> => {
    await mkdir(join(dir, id), { recursive: true });
    const file = join(dir, id, 'metadata.json');
    await writeFile(file, content);
    return file;
  };

  it('reads <root>/<agent>/metadata.json', async () => {
    await writeAgent('tiverton', JSON.stringify({ token: 'tiverton:abc', pod: 'ops', budget: { limit_usd: 1 } }));
    const record = await contextDirResolver({ root })('tiverton');
    expect(record?.agent).toMatchObject({ id: 'tiverton', pod: 'ops', budget: { limit_usd: 1 } });
    expect(record?.secret.reveal()).toBe('abc');
  });

  it('sees edits on the next call (it does not cache; the stage does)', async () => {
    await writeAgent('a', JSON.stringify({ token: 'a:one' }));
    const resolve = contextDirResolver({ root });
    expect((await resolve('a'))?.secret.reveal()).toBe('one');
    await writeAgent('a', JSON.stringify({ token: 'a:two' }));
    expect((await resolve('a'))?.secret.reveal()).toBe('two');
  });

  it('treats a missing directory or file as an unknown agent', async () => {
    await mkdir(join(root, 'empty'));
    const resolve = contextDirResolver({ root });
    expect(await resolve('nobody')).toBeUndefined();
    expect(await resolve('empty')).toBeUndefined();
    expect(await contextDirResolver({ root: join(base, 'no-such-root') })('x')).toBeUndefined();
  });

  it('never leaves the root, even when the id would point at real metadata', async () => {
    await writeAgent('outside', JSON.stringify({ token: 'outside:abc' }), base);
    const resolve = contextDirResolver({ root });
    expect(await resolve('../outside')).toBeUndefined();
    expect(await resolve('..')).toBeUndefined();
  });

  it('warns and treats unparsable JSON as unknown, naming the file but not the token', async () => {
    const file = await writeAgent('broken', '{"token": "broken:TOPSECRET", ');
    const record = await contextDirResolver({ root, logger: recordingLogger(lines) })('broken');
    expect(record).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { file, agentId: 'broken' } });
    expect(JSON.stringify(lines)).not.toContain('TOPSECRET');
  });

  it('fails closed on a mistyped budget rather than dropping the cap', async () => {
    await writeAgent('typo', JSON.stringify({ token: 'typo:TOPSECRET', budget: { limit_usd: '5' } }));
    expect(await contextDirResolver({ root, logger: recordingLogger(lines) })('typo')).toBeUndefined();
    expect(lines[0]?.fields?.['reason']).toContain('budget.limit_usd');
    expect(JSON.stringify(lines)).not.toContain('TOPSECRET');
  });

  it('throws on I/O errors other than absence, so the stage can answer 503', async () => {
    await mkdir(join(root, 'loop'));
    await symlink(join(root, 'loop', 'metadata.json'), join(root, 'loop', 'metadata.json'));
    await expect(contextDirResolver({ root })('loop')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('refuses an empty root at construction', () => {
    expect(() => contextDirResolver({ root: '' })).toThrow(ConfigurationError);
    expect(() => contextDirResolver({} as { root: string })).toThrow(ConfigurationError);
  });
});
