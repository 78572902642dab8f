import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FinishReasons, type UsageDraft, describeError, finishDraft, readCount, setCount } from './usage-fields.js';

describe('readCount', () => {
  it('accepts non-negative finite numbers as they are', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (n) => readCount(n) === n));
  });

  it('reads numeric strings as the number they spell', () => {
    fc.assert(fc.property(fc.nat(), (n) => readCount(String(n)) === n));
    expect(readCount('0.000126')).toBe(0.000126);
    expect(readCount('1.26e-4')).toBe(0.000126);
  });

  it('ignores negatives, NaN, infinities, null and junk', () => {
    for (const bad of [-1, -0.5, NaN, Infinity, null, undefined, '', ' 1', '-3', '1e999', '12abc', {}, [], true]) {
      expect(readCount(bad)).toBeUndefined();
    }
    fc.assert(fc.property(fc.double({ max: -Number.MIN_VALUE }), (n) => readCount(n) === undefined));
  });
});

describe('usage drafts', () => {
  it('keeps the latest valid value per field and is undefined when nothing was reported', () => {
    const draft: UsageDraft = {};
    expect(finishDraft(draft)).toBeUndefined();
    setCount(draft, 'inputTokens', null);
    expect(finishDraft(draft)).toBeUndefined();
    setCount(draft, 'inputTokens', 3);
    setCount(draft, 'inputTokens', 'nope');
    expect(finishDraft(draft)).toEqual({ inputTokens: 3 });
  });
});

describe('describeError', () => {
  it('joins type or code with the message, and bounds its length', () => {
    expect(describeError({ type: 'overloaded_error', message: 'Overloaded' })).toBe('overloaded_error: Overloaded');
    expect(describeError({ code: 500, message: 'x' })).toBe('500: x');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(null)).toBeUndefined();
    expect(describeError({ message: 'y'.repeat(1000) })?.length).toBe(200);
  });
});

describe('FinishReasons', () => {
  it('lists reasons by choice index whatever the arrival order', () => {
    const reasons = new FinishReasons();
    reasons.set(2, 'length');
    reasons.set(0, 'stop');
    reasons.set(1, null);
    reasons.set(1e9, 'stop'); // a huge index must not allocate a huge array
    expect(reasons.list()).toEqual(['stop', 'length', 'stop']);
  });
});
