import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../harness/scenario/load.js';
import { BROKEN, issuesOf } from './helpers.js';

interface Expected {
  readonly line?: number;
  readonly column?: number;
  readonly path: string;
  readonly phrase: string;
}

/** One fixture per kind of mistake: the exact place and the words that tell the user what to do. */
const CASES: Record<string, Expected[]> = {
  'yaml-syntax-error.yaml': [
    {
      line: 9,
      column: 1,
      path: '',
      phrase: 'YAML syntax error: all mapping items must start at the same column',
    },
  ],
  'multiple-documents.yaml': [{ line: 6, column: 1, path: '', phrase: 'found 2 YAML documents' }],
  'empty.yaml': [
    { path: '', phrase: 'the file is empty: expected a scenario with apiVersion: rollback-drill/v1' },
  ],
  'comments-only.yaml': [
    { path: '', phrase: 'the file is empty: expected a scenario with apiVersion: rollback-drill/v1' },
  ],
  'wrong-type.yaml': [
    { line: 10, column: 9, path: 'traffic.rate', phrase: 'expected a number, got string "fast"' },
  ],
  'unknown-field.yaml': [
    {
      line: 21,
      column: 5,
      path: 'phases.verify.sustian',
      phrase:
        'unknown field "sustian" (did you mean "sustain"?); allowed fields in phases.verify: window, sustain',
    },
  ],
  'missing-required-field.yaml': [
    { line: 8, column: 1, path: 'traffic.rate', phrase: 'missing required field "rate"' },
  ],
  'bad-duration.yaml': [
    {
      line: 20,
      column: 15,
      path: 'phases.baseline.duration',
      phrase: 'expected a duration such as 500ms, 30s, 2m, 1h30m, got "30 seconds"',
    },
  ],
  'bad-ratio.yaml': [
    { line: 12, column: 17, path: 'slos.availability', phrase: 'a percentage must be from 0% to 100%' },
  ],
  'unknown-adapter-type.yaml': [
    {
      line: 17,
      column: 9,
      path: 'detection.type',
      phrase:
        'unknown detection type "thresold" (did you mean "threshold"?); allowed detection types: threshold',
    },
  ],
  'null-value.yaml': [
    { line: 10, column: 3, path: 'traffic.rate', phrase: 'expected a number, got nothing' },
  ],
  'duplicate-field.yaml': [{ line: 6, column: 3, path: 'metadata.name', phrase: 'duplicate field "name"' }],
  'not-a-mapping.yaml': [
    {
      line: 1,
      column: 1,
      path: '',
      phrase: 'expected a scenario: a mapping of fields starting with apiVersion',
    },
  ],
  'unsupported-api-version.yaml': [
    { line: 1, column: 13, path: 'apiVersion', phrase: 'unsupported apiVersion "rollback-drill/v2"' },
  ],
  'number-for-text.yaml': [
    {
      line: 15,
      column: 12,
      path: 'fault.version',
      phrase: 'got number 1.1 (to keep it as text, put it in quotes: "1.10")',
    },
  ],
  'not-utf8.yaml': [{ path: '', phrase: 'the file is not UTF-8 text' }],
  'cross-field.yaml': [
    {
      line: 15,
      column: 21,
      path: 'slos.latency[1].percentile',
      phrase: 'percentile 95 is already set by slos.latency[0]',
    },
    {
      line: 24,
      column: 14,
      path: 'phases.verify.sustain',
      phrase: 'must not be longer than phases.verify.window (10s)',
    },
    { line: 26, column: 17, path: 'objectives.timeToDetect', phrase: 'expected a duration greater than 0' },
  ],
  // Every problem in the file at once, in file order, not only the first.
  'many-problems.yaml': [
    { line: 4, column: 9, path: 'metadata.name', phrase: 'expected a lowercase name' },
    { line: 10, column: 9, path: 'traffic.rate', phrase: 'expected a number, got string "fast"' },
    {
      line: 14,
      column: 15,
      path: 'traffic.requests[1].weight',
      phrase: 'expected a number greater than 0, got number -1',
    },
    { line: 16, column: 17, path: 'slos.availability', phrase: 'got "150%"' },
    {
      line: 18,
      column: 9,
      path: 'fault.type',
      phrase: 'unknown fault type "rollout"; allowed fault types: release',
    },
    { line: 21, column: 11, path: 'detection.window', phrase: 'got "5 s"' },
    {
      line: 24,
      column: 15,
      path: 'phases.baseline.duration',
      phrase: 'got number 30 (add a unit, e.g. 30s)',
    },
    { line: 27, column: 5, path: 'phases.verify.sustian', phrase: 'unknown field "sustian"' },
  ],
};

describe('broken scenario files', () => {
  it.each(Object.entries(CASES))(
    '%s: names the file, line, field path and the fix',
    async (name, expected) => {
      const file = `${BROKEN}${name}`;
      const issues = await issuesOf(() => loadScenarioFile(file));
      expect(issues).toHaveLength(expected.length);
      expected.forEach((want, index) => {
        const issue = issues[index];
        expect(issue?.file).toBe(file);
        expect(issue?.line).toBe(want.line);
        expect(issue?.column).toBe(want.column);
        expect(issue?.path).toBe(want.path);
        expect(issue?.message).toContain(want.phrase);
      });
    },
  );

  it('a missing required field names what the field is for', async () => {
    const [issue] = await issuesOf(() => loadScenarioFile(`${BROKEN}missing-required-field.yaml`));
    expect(issue?.message).toBe(
      'missing required field "rate" (requests per second (arrival rate)): expected a number',
    );
  });

  it('a scenario of another format version reports the version alone', async () => {
    const issues = await issuesOf(() => loadScenarioFile(`${BROKEN}unsupported-api-version.yaml`));
    // The format version is checked first: another version's fields cannot be judged by this one.
    expect(issues.map((issue) => issue.path)).toEqual(['apiVersion']);
  });
});
