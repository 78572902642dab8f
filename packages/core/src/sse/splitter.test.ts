import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseSplitter } from './splitter.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../test/support/fixtures.js';
const SSE_FIXTURES = readdirSync(FIXTURES).filter((f) => f.endsWith('.sse'));

function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Every block, then what is left, as latin1 strings (one char per byte, so nothing is re-encoded). */
function run(chunks: readonly Buffer[]): { blocks: string[]; rest: string } {
  const splitter = createSseSplitter();
  const blocks = chunks.flatMap((c) => splitter.push(c)).map((b) => b.toString('latin1'));
  return { blocks, rest: splitter.rest().toString('latin1') };
}

const s = (text: string): Buffer => Buffer.from(text, 'latin1');
/** Every terminator as `\n`, so that a blank line is `\n\n` (or a leading `\n`). */
const lf = (text: string): string => text.replace(/\r\n|\r/g, '\n');
/** One blank line, and it is at the end: a lone terminator, or lines ended by a blank line. */
const isBlock = (text: string): boolean => {
  const t = lf(text);
  return t === '\n' || (t.endsWith('\n\n') && !t.startsWith('\n') && !t.slice(0, -1).includes('\n\n'));
};

describe('createSseSplitter', () => {
  it('cuts after each blank line, keeping the terminator bytes', () => {
    expect(run([s('data: a\n\ndata: b\r\n\r\nevent: x\rdata: c\r\rdata: d')])).toEqual({
      blocks: ['data: a\n\n', 'data: b\r\n\r\n', 'event: x\rdata: c\r\r'],
      rest: 'data: d',
    });
  });

  it('treats comment blocks and keep-alive blank lines as blocks', () => {
    expect(run([s('\n\n: OPENROUTER PROCESSING\n\ndata: x\n\n')]).blocks).toEqual([
      '\n',
      '\n',
      ': OPENROUTER PROCESSING\n\n',
      'data: x\n\n',
    ]);
  });

  it('reads a CR at the end of a chunk and an LF at the start of the next as one terminator', () => {
    expect(run([s('data: a\r\n\r'), s('\ndata: b\r\n\r\n')]).blocks).toEqual(['data: a\r\n\r\n', 'data: b\r\n\r\n']);
    expect(run([s('data: a\r'), s('\n\r'), s('\n')]).blocks).toEqual(['data: a\r\n\r\n']);
  });

  it('holds a block ended by a final CR until the next byte decides', () => {
    const splitter = createSseSplitter();
    expect(splitter.push(s('data: a\r\r'))).toEqual([]);
    expect(splitter.rest().toString('latin1')).toBe('data: a\r\r');
    expect(splitter.push(s('data: b')).map((b) => b.toString('latin1'))).toEqual(['data: a\r\r']);
    expect(splitter.rest().toString('latin1')).toBe('data: b');
  });

  for (const name of SSE_FIXTURES) {
    it(`splits ${name} into the same blocks however the bytes arrive`, () => {
      const bytes = readFileSync(join(FIXTURES, name));
      const whole = run([bytes]);
      expect(whole.blocks.join('') + whole.rest).toBe(bytes.toString('latin1'));
      expect(whole.rest).toBe('');
      expect(run([...bytes].map((b) => Buffer.from([b])))).toEqual(whole);
      fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(run(splitAt(bytes, cuts))).toEqual(whole);
      }), {
        numRuns: 200,
      });
    });
  }

  // Streams built from SSE's own alphabet: fields, comments, every terminator, blank keep-alives.
  const lineArb = fc.constantFrom('data: {"a":1}', 'event: x', ': ping', '', 'data:é', 'id: 3');
  const endArb = fc.constantFrom('\n', '\r\n', '\r');
  /** A random SSE stream and cut points for it. */
  const streamArb = fc.tuple(
    fc.array(fc.tuple(lineArb, endArb), { maxLength: 30 }).map((lines) => lines.map(([l, e]) => l + e).join('')),
    fc.array(fc.nat(), { maxLength: 20 }),
  );

  it('returns the input byte for byte and the same boundaries for any stream and any split', () => {
    fc.assert(
      fc.property(streamArb, ([text, cuts]) => {
        const bytes = Buffer.from(text, 'utf8');
        const whole = run([bytes]);
        const split = run(splitAt(bytes, cuts));
        expect(split.blocks.join('') + split.rest).toBe(bytes.toString('latin1'));
        expect(split).toEqual(whole);
        expect(whole.blocks.filter((b) => !isBlock(b))).toEqual([]);
        // Only a block whose last `\r` may yet be followed by `\n` is held back whole.
        if (isBlock(whole.rest)) expect(whole.rest.endsWith('\r')).toBe(true);
        else expect(lf(whole.rest).includes('\n\n') || lf(whole.rest).startsWith('\n')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
