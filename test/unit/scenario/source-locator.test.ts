import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SourceLocator } from '../../../harness/scenario/source-locator.js';

function locatorFor(text: string): SourceLocator {
  const lineCounter = new LineCounter();
  return new SourceLocator(parseDocument(text, { lineCounter, merge: true }), lineCounter);
}

const TEXT = `# comment line
phases:
  verify:
    window: 20s
    sustain:
requests:
  - path: /a
  - { path: /b, weight: 2 }
defaults: &d { timeout: 1s }
merged:
  <<: *d
  extra: x
`;

describe('SourceLocator', () => {
  const locator = locatorFor(TEXT);

  it('a scalar value: the value itself', () => {
    expect(locator.positionOf(['phases', 'verify', 'window'])).toEqual({ line: 4, column: 13 });
  });

  it('a key: the key itself', () => {
    expect(locator.positionOf(['phases', 'verify', 'window'], 'key')).toEqual({ line: 4, column: 5 });
  });

  it('`key:` with nothing after it: the key', () => {
    expect(locator.positionOf(['phases', 'verify', 'sustain'])).toEqual({ line: 5, column: 5 });
  });

  it('a block mapping value: its key, not the line after it', () => {
    expect(locator.positionOf(['phases', 'verify'])).toEqual({ line: 3, column: 3 });
  });

  it('a missing field: the key of the mapping it belongs in', () => {
    expect(locator.positionOf(['phases', 'verify', 'nope'])).toEqual({ line: 3, column: 3 });
    expect(locator.positionOf(['phases', 'baseline', 'duration'])).toEqual({ line: 2, column: 1 });
  });

  it('list items and flow mappings', () => {
    expect(locator.positionOf(['requests', 0, 'path'])).toEqual({ line: 7, column: 11 });
    expect(locator.positionOf(['requests', 1, 'weight'])).toEqual({ line: 8, column: 25 });
    expect(locator.positionOf(['requests', 1, 'method'])).toEqual({ line: 8, column: 5 });
    expect(locator.positionOf(['requests', 5])).toEqual({ line: 6, column: 1 });
  });

  it('a field merged in with <<: where it is written', () => {
    expect(locator.positionOf(['merged', 'timeout'])).toEqual({ line: 9, column: 25 });
    expect(locator.positionOf(['merged', 'extra'])).toEqual({ line: 12, column: 10 });
  });

  it('the document itself: its first line after comments', () => {
    expect(locator.positionOf([])).toEqual({ line: 2, column: 1 });
  });

  it('pathAtOffset: the innermost field holding a character', () => {
    expect(locator.pathAtOffset(TEXT.indexOf('20s'))).toEqual(['phases', 'verify', 'window']);
    expect(locator.pathAtOffset(TEXT.indexOf('weight'))).toEqual(['requests', 1, 'weight']);
    expect(locator.pathAtOffset(0)).toEqual([]);
  });

  it('plainScalarText: the scalar as written', () => {
    const numbers = locatorFor('version: 1.10\nquoted: "1.10"\n');
    expect(numbers.plainScalarText(['version'])).toBe('1.10');
    expect(numbers.plainScalarText(['quoted'])).toBeUndefined();
    expect(numbers.plainScalarText(['missing'])).toBeUndefined();
  });
});
