import { describe, expect, it } from 'vitest';
import { fill } from './fill.ts';

describe('fill', () => {
  it('puts each value in place of its {name}, as often as it stands', () => {
    expect(fill('{a} and {b}, {a} again', { a: 'x', b: 2 })).toBe('x and 2, x again');
  });

  it('leaves a placeholder with no value as it is', () => {
    expect(fill('line {line} of {po}', { line: 3 })).toBe('line 3 of {po}');
  });

  it('takes values literally: no $ patterns, no filling of what a value contains', () => {
    expect(fill('document {number} ({receivedAt})', { number: "$& {receivedAt} $'", receivedAt: 'today' })).toBe("document $& {receivedAt} $' (today)");
  });

  it('does not read names off the prototype', () => {
    expect(fill('{toString} {constructor}', {})).toBe('{toString} {constructor}');
  });
});
