export interface SseSplitter {
  /**
   * Takes the next chunk and returns the event blocks it completed, each byte-identical to the input
   * and ending with its terminating blank line. Bytes of an unfinished block are kept for later.
   * A block that lies within one chunk is a view of that chunk, not a copy.
   */
  push(chunk: Buffer): Buffer[];
  /** The bytes of the unfinished block (not removed): what is left to flush when the stream ends. */
  rest(): Buffer;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Cuts a byte stream into raw SSE event blocks without decoding or re-encoding anything, so the relay
 * can drop one event (the usage-only chunk it asked OpenAI to add) and pass every other byte through
 * unchanged. A block ends with a blank line; lines end with `\r\n`, `\n` or `\r`. A comment-only
 * block or a lone keep-alive blank line is a block too. The concatenation of every returned block
 * and `rest()` is always exactly the input.
 *
 * A blank line ended by `\r` at the very end of a chunk is held until the next byte shows whether a
 * `\n` belongs to it; otherwise that `\n` would be read as one more (empty) block.
 *
 * @example
 * const splitter = createSseSplitter();
 * for (const block of splitter.push(chunk)) if (!isInjected(block)) res.write(block);
 * res.end(splitter.rest());
 */
export function createSseSplitter(): SseSplitter {
  /** Bytes of the current block from earlier chunks. */
  let carry: Buffer[] = [];
  /** True while the current line has no content yet: a terminator now makes a blank line. */
  let atLineStart = true;
  /** The previous byte was a `\r`, so a `\n` now is the second half of the same terminator. */
  let afterCr = false;
  /** That `\r` ended a blank line: the block ends after it, or after the `\n` if one follows. */
  let blockEndsAfterCr = false;

  function take(chunk: Buffer, start: number, end: number): Buffer {
    const part = chunk.subarray(start, end);
    if (carry.length === 0) return part;
    const block = Buffer.concat([...carry, part]);
    carry = [];
    return block;
  }

  return {
    push(chunk: Buffer): Buffer[] {
      const blocks: Buffer[] = [];
      let start = 0;
      // Positions of the next `\n` and `\r`, found with indexOf (memchr) so that line content is
      // skipped at native speed instead of byte by byte.
      let nextLf = -1;
      let nextCr = -1;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (afterCr) {
          afterCr = false;
          if (byte === LF) {
            if (blockEndsAfterCr) {
              blockEndsAfterCr = false;
              blocks.push(take(chunk, start, i + 1));
              start = i + 1;
            }
            continue;
          }
          if (blockEndsAfterCr) {
            blockEndsAfterCr = false;
            blocks.push(take(chunk, start, i));
            start = i;
          }
        }
        if (byte === LF) {
          if (atLineStart) {
            blocks.push(take(chunk, start, i + 1));
            start = i + 1;
          }
          atLineStart = true;
        } else if (byte === CR) {
          afterCr = true;
          blockEndsAfterCr = atLineStart;
          atLineStart = true;
        } else {
          atLineStart = false;
          if (nextLf < i) nextLf = indexOrEnd(chunk, LF, i);
          if (nextCr < i) nextCr = indexOrEnd(chunk, CR, i);
          i = Math.min(nextLf, nextCr) - 1;
        }
      }
      if (start < chunk.length) carry.push(chunk.subarray(start));
      return blocks;
    },
    rest(): Buffer {
      return carry.length === 1 ? carry[0]! : Buffer.concat(carry);
    },
  };
}

function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}
