import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainOpenaiDelta, rawGeneratedChars } from './raw-delta.js';

describe('raw delta reading', () => {
  it('counts the same characters a full parse would, whatever the text holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (content, args) => {
        const chunk = {
          id: 'c', model: 'm', choices: [{ index: 0, delta: { content, tool_calls: [{ index: 0, function: { arguments: args } }] }, finish_reason: null }],
        };
        expect(rawGeneratedChars(JSON.stringify(chunk))).toBe(content.length + args.length);
      }),
      { numRuns: 500 },
    );
  });

  it('counts Anthropic text, tool-input and thinking deltas', () => {
    for (const delta of [{ type: 'text_delta', text: 'héllo "x"' }, { type: 'input_json_delta', partial_json: '{"a":1}' }, { type: 'thinking_delta', thinking: 'hm\n' }]) {
      const value = Object.values(delta)[1]!;
      expect(rawGeneratedChars(JSON.stringify({ type: 'content_block_delta', index: 0, delta }))).toBe(value.length);
    }
  });

  it('sends usage, finish reasons and errors to the full parse, even when text mentions them', () => {
    expect(isPlainOpenaiDelta('{"choices":[{"delta":{"content":"the \\"usage\\": {} field"},"finish_reason":null}]}')).toBe(true);
    expect(isPlainOpenaiDelta('{"choices":[],"usage":{"prompt_tokens":1}}')).toBe(false);
    expect(isPlainOpenaiDelta('{"choices":[{"delta":{},"finish_reason":"stop"}]}')).toBe(false);
    expect(isPlainOpenaiDelta('{"error":{"message":"x"}}')).toBe(false);
    expect(isPlainOpenaiDelta('{"choices":[{"delta":{"content":"x"}}],"usage":null}')).toBe(true);
  });
});
