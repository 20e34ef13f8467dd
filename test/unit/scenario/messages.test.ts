import { describe, expect, it } from 'vitest';
import { formatScenarioIssue } from '../../../harness/core/errors.js';
import { parseScenarioText } from '../../../harness/scenario/load.js';
import { issuesOf, MINIMAL_SCENARIO } from './helpers.js';

/** The minimal scenario with one line replaced (`from` must occur exactly once). */
function variant(from: string, to: string): string {
  expect(MINIMAL_SCENARIO.split(from)).toHaveLength(2);
  return MINIMAL_SCENARIO.replace(from, to);
}

async function issuesIn(text: string) {
  return issuesOf(() => parseScenarioText(text, 'drill.yaml'));
}

describe('problem messages in plain words', () => {
  it.each([
    [
      'an enum value',
      variant('  rate: 20\n', '  rate: 20\n  requests:\n    - { method: FETCH, path: /api }\n'),
      'traffic.requests[0].method',
      /^expected one of: GET, POST, PUT, PATCH, DELETE, HEAD, got string "FETCH"$/,
    ],
    [
      'a whole number',
      variant('  rate: 20\n', '  rate: 20\n  maxInFlight: 1.5\n'),
      'traffic.maxInFlight',
      'expected a whole number, got number 1.5',
    ],
    [
      'an empty list',
      variant('  rate: 20\n', '  rate: 20\n  requests: []\n'),
      'traffic.requests',
      'expected at least 1 item, got an empty list',
    ],
    [
      'a schema-given message',
      variant('  rate: 20\n', '  rate: 20\n  requests:\n    - path: api\n'),
      'traffic.requests[0].path',
      'expected a path starting with /, got string "api"',
    ],
    [
      'empty text',
      variant('  service: demo-shop\n', '  service: demo-shop\n  environment: ""\n'),
      'metadata.environment',
      'expected non-empty text, got string ""',
    ],
    [
      'an exclusive bound',
      variant(
        '  availability: 99%\n',
        '  availability: 99%\n  latency: [{ percentile: 100, threshold: 1s }]\n',
      ),
      'slos.latency[0].percentile',
      'expected a number less than 100, got number 100',
    ],
    [
      'a list where a mapping belongs',
      variant('metadata:\n  name: minimal\n  service: demo-shop\n', 'metadata: [minimal, demo-shop]\n'),
      'metadata',
      'expected a mapping of fields (key: value), got a list',
    ],
    ['a literal', variant('kind: Drill', 'kind: Drlll'), 'kind', 'expected kind: Drill, got string "Drlll"'],
    [
      'a block with no value',
      variant('fault:\n  type: release\n  version: 1.5.0-errors\n', 'fault:\n'),
      'fault',
      /^expected a fault block with type: release.*, got nothing$/,
    ],
    [
      'a block without its type',
      variant('  type: release\n', ''),
      'fault.type',
      /^missing field "type": allowed fault types: release, /,
    ],
    [
      'a ratio written as a percentage number',
      variant('availability: 99%', 'availability: 99.5'),
      'slos.availability',
      /did you mean "99\.5%"\?/,
    ],
    [
      'a ratio of the wrong kind',
      variant('availability: 99%', 'availability: true'),
      'slos.availability',
      'expected a ratio such as 99.5% or 0.995, got boolean true',
    ],
  ])('%s', async (_case, text, path, message: string | RegExp) => {
    const issues = await issuesIn(text);
    expect(issues.map((issue) => issue.path)).toEqual([path]);
    // Lists of adapter types grow as adapters are added; those cases match a pattern.
    if (typeof message === 'string') expect(issues[0]?.message).toBe(message);
    else expect(issues[0]?.message).toMatch(message);
  });

  it('a missing top-level field points at the top of the document', async () => {
    const text = variant('detection:\n  type: threshold\n', '');
    expect(await issuesIn(text)).toEqual([
      {
        file: 'drill.yaml',
        line: 1,
        column: 1,
        path: 'detection',
        message: expect.stringContaining('missing required field "detection"') as unknown,
      },
    ]);
  });

  it('a missing field in a list item points at that item', async () => {
    const text = variant('  rate: 20\n', '  rate: 20\n  requests:\n    - path: /a\n    - weight: 2\n');
    const [issue] = await issuesIn(text);
    expect([issue?.line, issue?.column, issue?.path]).toEqual([13, 7, 'traffic.requests[1].path']);
  });

  it('each unknown field is its own problem, on its own line, with the allowed fields', async () => {
    const text = variant('kind: Drill\n', 'kind: Drill\nwat: 1\nnotes: []\n');
    const issues = await issuesIn(text);
    expect(issues.map((issue) => [issue.line, issue.column, issue.path])).toEqual([
      [3, 1, 'wat'],
      [4, 1, 'notes'],
    ]);
    expect(issues[0]?.message).toBe(
      'unknown field "wat"; allowed fields at the top level: apiVersion, kind, metadata, target, traffic, slos, fault, detection, decision, phases, objectives, abort, exports',
    );
  });

  it('an unknown field in a flow mapping points at its column', async () => {
    const text = variant(
      '  availability: 99%\n',
      '  availability: 99%\n  latency: [{ percentile: 95, treshold: 1s }]\n',
    );
    const issues = await issuesIn(text);
    const unknown = issues.find((issue) => issue.path === 'slos.latency[0].treshold');
    expect([unknown?.line, unknown?.column]).toEqual([13, 31]);
    expect(unknown?.message).toContain('(did you mean "threshold"?)');
  });

  it('an alias to an anchor that does not exist', async () => {
    const [issue] = await issuesIn(variant('  rate: 20\n', '  rate: *rate\n'));
    expect(issue).toMatchObject({ line: 10, column: 9, path: 'traffic.rate' });
    expect(issue?.message).toContain('unknown alias *rate');
  });

  it('aliases that expand a small file into a huge one are refused', async () => {
    const text = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const issues = await issuesIn(text);
    expect(issues).toHaveLength(1);
    // The first *c: each stands for 9 × (1 + 9 × (1 + 9)) + 1 = 820 values.
    expect(issues[0]).toMatchObject({ line: 4, column: 5, path: 'd[0]' });
    expect(issues[0]?.message).toContain(
      'the YAML aliases expand to too much data (the alias *c here stands for 820 values)',
    );
  });

  it('a problem inside a merged mapping points where the value is written', async () => {
    const text = variant(
      '  rate: 20\n',
      '  rate: 20\n  requests:\n    - &base { path: /a, weight: 0 }\n    - { <<: *base, method: GET }\n',
    );
    const issues = await issuesIn(text);
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [12, 'traffic.requests[0].weight'],
      [12, 'traffic.requests[1].weight'],
    ]);
  });

  it('prints as file:line:col: path: message', async () => {
    const [issue] = await issuesIn(variant('  rate: 20', '  rate: fast'));
    expect(issue && formatScenarioIssue(issue)).toBe(
      'drill.yaml:10:9: traffic.rate: expected a number, got string "fast"',
    );
  });
});
