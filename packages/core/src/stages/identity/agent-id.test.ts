import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidAgentId } from './agent-id.js';

describe('isValidAgentId', () => {
  it.each(['tiverton', 'agent-1', 'A.b_c-9', 'x'.repeat(128), '.hidden', 'a.b'])('accepts %j', (id) => {
    expect(isValidAgentId(id)).toBe(true);
  });

  it.each(['', '.', '..', 'a..b', '../etc', 'a/b', 'a\\b', 'a b', 'x'.repeat(129), 'a:b', 'é', 'a\0b', '%2e%2e'])(
    'refuses %j',
    (id) => {
      expect(isValidAgentId(id)).toBe(false);
    },
  );

  it('only lets through ids that join to a direct child of the root', () => {
    const root = '/claw/context';
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab.-_/\\:0 '.split('')), maxLength: 12 }), (id) => {
        if (isValidAgentId(id)) expect(dirname(join(root, id))).toBe(root);
      }),
    );
  });
});
