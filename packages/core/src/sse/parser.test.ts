import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../formats/index.js';
import type { WireFormat } from '../formats/types.js';
import type { SseEvent } from './event.js';
import { createSseParser } from './parser.js';
import { createSseSplitter } from './splitter.js';

import { FIXTURE_DIR as FIXTURES } from '../../../../test/support/fixtures.js';
const SSE_FIXTURES = readdirSync(FIXTURES).filter((f) => f.endsWith('.sse'));
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** The wire format each fixture is in. */
function formatOf(name: string): WireFormat {
  if (name.startsWith('anthropic')) return FORMATS.anthropic;
  if (name.includes('responses')) return FORMATS.responses;
  return FORMATS.openai;
}

interface Plain {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

function parse(chunks: readonly Buffer[]): Plain[] {
  const events: Plain[] = [];
  const parser = createSseParser((e: SseEvent) => events.push({ event: e.event, data: e.data, id: e.id }));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return events;
}

function tap(format: WireFormat, chunks: readonly Buffer[]): unknown {
  const reader = format.createStreamReader();
  const parser = createSseParser((e) => reader.readEvent(e));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  const { outputChars, error, responseModel, finishReasons } = reader;
  return { usage: reader.usage(), outputChars, error, responseModel, finishReasons };
}

/** Cuts `bytes` at the given offsets (in any order, duplicates allowed). */
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

const bytesOneByOne = (bytes: Buffer): Buffer[] => [...bytes].map((b) => Buffer.from([b]));
const cutsArb = fc.array(fc.nat(), { maxLength: 40 });
const withCrOnly = (bytes: Buffer): Buffer => Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');

describe('createSseParser', () => {
  it('ignores comments and dispatches every data event of the fixtures', () => {
    const events = parse([fixture('openrouter-chat-stream-cost.sse')]);
    expect(events.map((e) => e.data.slice(0, 8))).toEqual(['{"id":"g', '{"id":"g', '{"id":"g', '[DONE]']);
    const anthropic = parse([fixture('anthropic-messages-stream-tool-cache.sse')]);
    expect(anthropic[0]?.event).toBe('message_start');
    expect(anthropic).toHaveLength(13);
  });

  for (const name of SSE_FIXTURES) {
    it(`gives the same events and usage for ${name} however it is split`, () => {
      const bytes = fixture(name);
      const format = formatOf(name);
      const events = parse([bytes]);
      const reading = tap(format, [bytes]);
      expect(events.length).toBeGreaterThan(0);
      expect(parse(bytesOneByOne(bytes))).toEqual(events);
      expect(tap(format, bytesOneByOne(bytes))).toEqual(reading);
      fc.assert(
        fc.property(cutsArb, (cuts) => {
          const chunks = splitAt(bytes, cuts);
          expect(parse(chunks)).toEqual(events);
          expect(tap(format, chunks)).toEqual(reading);
        }),
        { numRuns: 200 },
      );
    });

    it(`reads ${name} the same with CR-only line endings`, () => {
      const bytes = fixture(name);
      const crOnly = withCrOnly(bytes);
      expect(parse([crOnly])).toEqual(parse([bytes]));
      fc.assert(
        fc.property(cutsArb, (cuts) => {
          expect(parse(splitAt(crOnly, cuts))).toEqual(parse([bytes]));
        }),
        {
        numRuns: 100,
      });
    });

    it(`dispatches each splitter block of ${name} before feed() returns`, () => {
      for (const bytes of [fixture(name), withCrOnly(fixture(name))]) {
        const splitter = createSseSplitter();
        const blocks = [...splitter.push(bytes), splitter.push(Buffer.from('\n\n'))].flat();
        let dispatched = 0;
        const parser = createSseParser(() => dispatched++);
        for (const block of blocks) {
          const before = dispatched;
          parser.feed(block);
          const hasData = /^data/m.test(block.toString('utf8').replace(/\r/g, '\n'));
          expect(dispatched - before).toBe(hasData ? 1 : 0);
        }
      }
    });
  }

  it('decodes multi-byte UTF-8 split anywhere, including inside a character', () => {
    const text = 'Grüße 👋🏽 世界 — ok';
    const bytes = Buffer.from(`event: t\ndata: {"t":"${text}"}\n\ndata: é\r\n\r\n`, 'utf8');
    const expected = [
      { event: 't', data: `{"t":"${text}"}`, id: undefined },
      { event: undefined, data: 'é', id: undefined },
    ];
    expect(parse(bytesOneByOne(bytes))).toEqual(expected);
    fc.assert(
      fc.property(cutsArb, (cuts) => {
        expect(parse(splitAt(bytes, cuts))).toEqual(expected);
      }),
    );
  });

  it('joins multi-line data and keeps ids', () => {
    expect(parse([Buffer.from('id: 7\ndata: a\ndata: b\nretry: 10\n\n')])).toEqual([{ event: undefined, data: 'a\nb', id: '7' }]);
  });

  it('delivers a last event that lacked its blank line when the stream ends', () => {
    expect(parse([Buffer.from('data: {"a":1}\n\ndata: {"b":2}')])).toEqual([
      { event: undefined, data: '{"a":1}', id: undefined },
      { event: undefined, data: '{"b":2}', id: undefined },
    ]);
  });

  it('drops an over-long event and carries on with the next ones', () => {
    const events: string[] = [];
    const parser = createSseParser((e) => events.push(e.data), { maxEventChars: 1000 });
    parser.feed(Buffer.from('data: {"x":"'));
    for (let i = 0; i < 10; i++) parser.feed(Buffer.from('y'.repeat(500)));
    parser.feed(Buffer.from('"}\n\ndata: {"ok":true}\n\n'));
    parser.end();
    expect(events).toEqual(['{"ok":true}']);
  });

  // Streams built from SSE's own alphabet, as the relay may meet them.
  const lineArb = fc.constantFrom('data: {"a":1}', 'data: 👋🏽', 'event: x', ': ping', '', 'id: 3', 'data', 'retry: 5');
  const streamArb = fc.tuple(
    fc
      .array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 30 })
      .map((lines) => Buffer.from(lines.map(([line, end]) => line + end).join(''), 'utf8')),
    cutsArb,
  );

  it('gives the same events for any stream however it is split', () => {
    fc.assert(
      fc.property(streamArb, ([bytes, cuts]) => {
        expect(parse(splitAt(bytes, cuts))).toEqual(parse([bytes]));
      }),
      { numRuns: 500 },
    );
  });

  it('dispatches the event of each splitter block within that feed() for any stream', () => {
    fc.assert(
      fc.property(streamArb, ([bytes, cuts]) => {
        const splitter = createSseSplitter();
        const blocks = splitAt(bytes, cuts).flatMap((chunk) => splitter.push(chunk));
        const perBlock: number[] = [];
        let dispatched = 0;
        const parser = createSseParser(() => dispatched++);
        for (const block of blocks) {
          const before = dispatched;
          parser.feed(block);
          perBlock.push(dispatched - before);
        }
        const expected = blocks.map((b) => (/^data(?::|$)/m.test(b.toString('utf8').replace(/\r\n?/g, '\n')) ? 1 : 0));
        expect(perBlock).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
