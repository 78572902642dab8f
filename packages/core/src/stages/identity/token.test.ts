import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAgentToken, parseBearer, presentedCredentials } from './token.js';

describe('parseBearer', () => {
  it.each([
    ['Bearer tiverton:abc', 'tiverton', 'abc'],
    ['bearer tiverton:abc', 'tiverton', 'abc'],
    ['BEARER   tiverton:a:b:c  ', 'tiverton', 'a:b:c'],
    ['  Bearer\tid:s p a c e  ', 'id', 's p a c e'],
  ])('parses %j', (header, agentId, secret) => {
    expect(parseBearer(header)).toEqual({ agentId, secret });
  });

  it.each(['', 'Bearer', 'Bearer ', 'Basic dGl2OmFiYw==', 'Bearer :abc', 'Bearer id:', 'Bearer id', 'Bearerid:abc', 'Token id:abc'])(
    'refuses %j',
    (header) => {
      expect(parseBearer(header)).toBeUndefined();
    },
  );

  const id = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/[:\s]/.test(s));
  const secret = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s !== '');

  it('round-trips any id and secret, splitting on the first colon', () => {
    fc.assert(
      fc.property(id, secret, fc.constantFrom('Bearer', 'bearer', 'BeArEr'), fc.constantFrom(' ', '  ', '\t'), (i, s, scheme, ws) => {
        expect(parseBearer(`${scheme}${ws}${i}:${s}`)).toEqual({ agentId: i, secret: s });
      }),
    );
  });

  it('never throws, and anything it returns came from the input', () => {
    const nearly = fc
        .tuple(fc.constantFrom('Bearer', 'bearer', 'Basic', ''), fc.string({ unit: fc.constantFrom(' ', '\t', ':', 'a', '\u00a0'), maxLength: 30 }))
        .map(([scheme, rest]) => scheme + rest);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), nearly), (header) => {
        const parsed = parseBearer(header);
        if (parsed === undefined) return;
        expect(parsed.agentId).not.toBe('');
        expect(parsed.agentId).not.toContain(':');
        expect(parsed.secret).not.toBe('');
        expect(header).toContain(`${parsed.agentId}:${parsed.secret}`);
        expect(header.trim().slice(0, 6).toLowerCase()).toBe('bearer');
      }),
    );
  });
});

describe('parseAgentToken', () => {
  it('splits on the first colon and trims the token', () => {
    expect(parseAgentToken('  a:b:c ')).toEqual({ agentId: 'a', secret: 'b:c' });
    expect(parseAgentToken('ab')).toBeUndefined();
    expect(parseAgentToken(':b')).toBeUndefined();
    expect(parseAgentToken('a:')).toBeUndefined();
  });
});

describe('presentedCredentials', () => {
  it('reads Authorization on every path', () => {
    expect(presentedCredentials({ authorization: 'Bearer a:b' }, false)).toEqual({ agentId: 'a', secret: 'b' });
  });

  it('reads x-api-key only where allowed and only without Authorization', () => {
    expect(presentedCredentials({ 'x-api-key': 'a:b' }, false)).toBeUndefined();
    expect(presentedCredentials({ 'x-api-key': 'a:b' }, true)).toEqual({ agentId: 'a', secret: 'b' });
    expect(presentedCredentials({ authorization: '  ', 'x-api-key': 'a:b' }, true)).toEqual({ agentId: 'a', secret: 'b' });
    // A present but broken Authorization is not rescued by x-api-key: the caller meant Authorization.
    expect(presentedCredentials({ authorization: 'Basic xyz', 'x-api-key': 'a:b' }, true)).toBeUndefined();
    expect(presentedCredentials({ authorization: 'Bearer c:d', 'x-api-key': 'a:b' }, true)).toEqual({ agentId: 'c', secret: 'd' });
  });

  it('refuses a header that arrived as several values', () => {
    expect(presentedCredentials({ 'x-api-key': ['a:b', 'c:d'] }, true)).toBeUndefined();
    expect(presentedCredentials({}, true)).toBeUndefined();
  });
});
