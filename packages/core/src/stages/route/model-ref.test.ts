import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../errors.js';
import { canonicalRef, compileRoutes, splitModelRef } from './model-ref.js';

describe('splitModelRef', () => {
  it.each([
    ['openai/gpt-4o', 'openai', 'gpt-4o'],
    ['OpenRouter/anthropic/claude-sonnet-4', 'openrouter', 'anthropic/claude-sonnet-4'],
    ['  vercel/anthropic/Claude-4.6 ', 'vercel', 'anthropic/Claude-4.6'],
  ])('%j → %s + %s', (ref, provider, model) => {
    expect(splitModelRef(ref)).toEqual({ provider, model });
  });

  it.each(['gpt-4o', '/gpt-4o', 'openai/', '', '  '])('refuses %j', (ref) => {
    expect(splitModelRef(ref)).toBeUndefined();
  });

  it('splits on the first slash for any provider and model', () => {
    const provider = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !s.includes('/') && s.trim() === s && s !== '');
    const model = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s !== '');
    fc.assert(
      fc.property(provider, model, (p, m) => {
        expect(splitModelRef(`${p}/${m}`)).toEqual({ provider: p.toLowerCase(), model: m });
      }),
    );
  });

  it('canonicalRef lower-cases only the provider', () => {
    expect(canonicalRef(' OpenAI/GPT-4o ')).toBe('openai/GPT-4o');
    expect(canonicalRef('Fast')).toBe('Fast');
  });
});

/** An independent, obviously-correct matcher over segment arrays: the oracle for the property test. */
function oracle(pattern: string[], model: string[]): boolean {
  if (pattern.length === 0) return model.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') {
    for (let take = 1; take <= model.length; take += 1) if (oracle(rest, model.slice(take))) return true;
    return false;
  }
  if (model.length === 0) return false;
  return (head === '*' || head === model[0]) && oracle(rest, model.slice(1));
}

describe('compileRoutes', () => {
  const match = compileRoutes([{ match: 'kimi/*', provider: 'OpenRouter', model: 'moonshotai/{1}' }]);

  it('matches by whole segment', () => {
    expect(match('kimi/kimi-k2')).toEqual({ provider: 'openrouter', model: 'moonshotai/kimi-k2', route: 'kimi/*' });
    expect(match('KIMI/kimi-k2')?.model).toBe('moonshotai/kimi-k2');
    expect(match('kimi-evil/x')).toBeUndefined();
    expect(match('kimi')).toBeUndefined();
    expect(match('kimi/')).toBeUndefined();
    expect(match('kimi/a/b')).toBeUndefined();
    expect(match('evil/kimi/x')).toBeUndefined();
  });

  it('matches ** across one or more segments and fills templates', () => {
    const m = compileRoutes([
      { match: 'fast', provider: 'openai', model: 'gpt-4o-mini' },
      { match: 'or/**', provider: 'openrouter', model: '{1}' },
      { match: 'x/*/**', provider: 'p', model: '{2}@{1} ({0})' },
      { match: 'same/*', provider: 'p' },
    ]);
    expect(m('fast')).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(m('fast/x')).toBeUndefined();
    expect(m('or/anthropic/claude-sonnet-4')).toMatchObject({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4' });
    expect(m('or')).toBeUndefined();
    expect(m('x/a/b/c')?.model).toBe('b/c@a (x/a/b/c)');
    expect(m('Same/Thing')?.model).toBe('same/Thing');
  });

  it('treats regex characters in literals literally', () => {
    const m = compileRoutes([{ match: 'a.b/c+d', provider: 'p' }]);
    expect(m('a.b/c+d')).toBeDefined();
    expect(m('axb/cd')).toBeUndefined();
  });

  it.each([
    [{ match: 'gpt-*', provider: 'p' }, 'whole segments'],
    [{ match: 'a//b', provider: 'p' }, 'empty segment'],
    [{ match: '**/x/**', provider: 'p' }, 'only once'],
    [{ match: 'a/*', provider: 'p', model: '{2}' }, 'does not name a wildcard'],
    [{ match: 'a/*', provider: 'p', model: '{x}' }, 'does not name a wildcard'],
    [{ match: 'a/*', provider: 'p', model: 'b/{1' }, 'unbalanced'],
    [{ match: '', provider: 'p' }, 'match'],
    [{ match: 'a', provider: '' }, 'provider'],
  ])('refuses %j at compile time', (route, message) => {
    expect(() => compileRoutes([route])).toThrow(ConfigurationError);
    expect(() => compileRoutes([route])).toThrow(message);
  });

  it('agrees with a plain segment matcher on random patterns and models', () => {
    const seg = fc.constantFrom('a', 'b', 'kimi', 'kimi-evil', 'x.y');
    const patternSeg = fc.oneof(seg, fc.constant('*'));
    const pattern = fc
      .tuple(fc.array(patternSeg, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(4)))
      .map(([segs, at]) => (at === null ? segs : [...segs.slice(0, at), '**', ...segs.slice(at)]));
    const model = fc.array(fc.oneof(seg, fc.constant('')), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(pattern, model, (p, m) => {
        const matcher = compileRoutes([{ match: p.join('/'), provider: 'p' }]);
        const expected = !m.includes('') && oracle(p, m);
        expect(matcher(m.join('/')) !== undefined).toBe(expected);
      }),
    );
  });

  it('never lets a literal first segment match a longer name (kimi/* vs kimi-evil)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,8}$/), fc.stringMatching(/^[a-z0-9.-]{1,8}$/), fc.stringMatching(/^[a-z0-9]{1,8}$/), (name, suffix, rest) => {
        const matcher = compileRoutes([{ match: `${name}/*`, provider: 'p' }]);
        expect(matcher(`${name}${suffix}/${rest}`)).toBeUndefined();
        expect(matcher(`${name}/${rest}`)).toBeDefined();
      }),
    );
  });
});
