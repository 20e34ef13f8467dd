import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatFieldPath, MISSING, valueAtPath } from '../../../harness/scenario/field-path.js';
import { closestName, describeValue, plainErrorMap } from '../../../harness/scenario/plain-words.js';

function messageFor(schema: z.ZodType, value: unknown): string | undefined {
  return schema.safeParse(value, { error: plainErrorMap }).error?.issues[0]?.message;
}

describe('field paths', () => {
  it.each([
    [['phases', 'baseline', 'duration'], 'phases.baseline.duration'],
    [['traffic', 'requests', 2, 'weight'], 'traffic.requests[2].weight'],
    [['headers', 'x-request-id'], 'headers.x-request-id'],
    [['labels', 'app.kubernetes.io/name'], 'labels["app.kubernetes.io/name"]'],
    [[], ''],
  ])('%j → %s', (path, text) => {
    expect(formatFieldPath(path)).toBe(text);
  });

  it('valueAtPath tells a missing field from one with no value', () => {
    const data = { a: { b: null, list: [1] } };
    expect(valueAtPath(data, ['a', 'b'])).toBeNull();
    expect(valueAtPath(data, ['a', 'c'])).toBe(MISSING);
    expect(valueAtPath(data, ['a', 'list', 0])).toBe(1);
    expect(valueAtPath(data, ['a', 'list', 1])).toBe(MISSING);
    expect(valueAtPath(data, ['a', 'b', 'deeper'])).toBe(MISSING);
  });
});

describe('plainErrorMap', () => {
  it.each([
    [z.string(), 5, 'expected text'],
    [z.boolean(), 'yes', 'expected true or false'],
    [z.array(z.string()), {}, 'expected a list'],
    [z.number().min(1), 0, 'expected a number at least 1'],
    [z.number().max(10), 11, 'expected a number at most 10'],
    [z.number().lt(10), 10, 'expected a number less than 10'],
    [z.string().max(3), 'abcd', 'expected text of at most 3 characters'],
    [z.array(z.number()).max(1), [1, 2], 'expected at most 1 item'],
    [z.array(z.number()).min(2), [1], 'expected at least 2 items'],
    [z.literal('x'), 'y', 'expected "x"'],
    [z.string().endsWith('.yaml'), 'a.json', 'expected text ending with ".yaml"'],
    [z.number().multipleOf(5), 7, 'expected a multiple of 5'],
    [z.union([z.string(), z.number()]), true, 'expected text or a number'],
    [z.string().refine(() => false, 'a refinement says why'), 'x', 'a refinement says why'],
  ] as const)('%#: %j → %s', (schema, value, message) => {
    expect(messageFor(schema, value)).toBe(message);
  });

  it('a message given by the schema wins over the plain one', () => {
    expect(messageFor(z.number({ error: 'expected a rate' }), 'x')).toBe('expected a rate');
  });
});

describe('describeValue', () => {
  it.each([
    ['fast', 'string "fast"'],
    [30, 'number 30'],
    [false, 'boolean false'],
    [null, 'nothing'],
    [[], 'an empty list'],
    [[1], 'a list'],
    [{}, 'an empty mapping'],
    [{ a: 1 }, 'a mapping'],
    ['x'.repeat(100), `string "${'x'.repeat(57)}..."`],
  ])('%j → %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('closestName', () => {
  const fields = ['window', 'sustain', 'timeout', 'threshold'];
  it.each([
    ['sustian', 'sustain'],
    ['windw', 'window'],
    ['Timeout', 'timeout'],
    ['treshold', 'threshold'],
  ])('%s → %s', (typo, meant) => {
    expect(closestName(typo, fields)).toBe(meant);
  });

  it('suggests nothing when no name is close', () => {
    expect(closestName('retries', fields)).toBeUndefined();
    expect(closestName('x', fields)).toBeUndefined();
  });
});
