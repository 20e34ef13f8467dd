/** Importing events: every problem names the file, the line (and column), the field and, in CSV, the row. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScenarioIssue } from '../../../harness/core/errors.js';
import { parseCsv } from '../../../harness/dora/csv.js';
import { normalizeTimestamp } from '../../../harness/dora/events.js';
import { CSV_COLUMNS } from '../../../harness/dora/import-csv.js';
import { parseEventFile } from '../../../harness/dora/import-files.js';
import { deploymentEventSchema, incidentEventSchema } from '../../../harness/dora/events.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/dora/${name}`, import.meta.url), 'utf8');
}

function problems(text: string, file: string): string[] {
  const result = parseEventFile(text, file);
  if (result.ok) throw new Error('expected problems');
  return result.issues.map(formatScenarioIssue);
}

describe('CSV reader', () => {
  it('handles quotes, doubled quotes, commas and line breaks inside cells, CRLF and a BOM', () => {
    const result = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records.map((r) => r.cells.map((c) => c.value))).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
    expect(result.records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(result.records[2]?.cells[1]).toMatchObject({ line: 4, column: 8 });
  });

  it('says where a quote is left open', () => {
    expect(parseCsv('a,b\n1,"open\n')).toEqual({
      ok: false,
      line: 2,
      column: 3,
      message: 'a quoted cell is never closed (missing ")',
    });
  });
});

describe('timestamps', () => {
  it('accept ISO-8601 with Z or an offset and store UTC', () => {
    expect(normalizeTimestamp('2026-11-10T11:00:00+02:00')).toBe('2026-11-10T09:00:00.000Z');
    expect(normalizeTimestamp('2026-11-10T09:00Z')).toBe('2026-11-10T09:00:00.000Z');
  });

  it('refuse times without a timezone and days that do not exist', () => {
    expect(normalizeTimestamp('2026-11-10T09:00:00')).toBeUndefined();
    expect(normalizeTimestamp('2026-02-30T09:00:00Z')).toBeUndefined();
    expect(normalizeTimestamp('yesterday')).toBeUndefined();
  });
});

describe('CSV event files', () => {
  it('name the file, line, column, field and row of every problem, all at once', () => {
    expect(problems(fixture('bad-events.csv'), 'bad-events.csv')).toEqual([
      'bad-events.csv:3:20: finishedAt: row 2: expected an ISO-8601 time with a timezone, e.g. 2026-11-22T06:00:00Z; got "2026-11-05 10:00", which has no timezone (add Z for UTC or an offset such as +02:00)',
      'bad-events.csv:4:18: finishedAt: row 3: "finishedAt" is not a field of an incident',
      'bad-events.csv:5:40: resolvedAt: row 4: resolvedAt is before startedAt',
      'bad-events.csv:6:1: type: row 5: expected "deployment" or "incident", got "release"',
      'bad-events.csv:7:12: id: row 6: deployment id "d1" appears twice (first at row 1, line 2)',
      'bad-events.csv:8:43: kind: row 7: expected one of change, rollback, hotfix',
    ]);
  });

  it('refuse unknown and repeated columns, and a header without type', () => {
    expect(problems('kind,id,Service,id\n', 'x.csv')).toEqual([
      'x.csv:1:9: Service: unknown column; expected some of type, id, service, finishedAt, startedAt, resolvedAt, version, kind, remediates, incidentId, deploymentId, title',
      'x.csv:1:17: id: this column appears twice',
      'x.csv:1:1: type: the header has no "type" column; each row must say "deployment" or "incident"',
    ]);
    expect(problems('id,service\nd1,shop\n', 'x.csv')).toEqual([
      'x.csv:1:1: type: the header has no "type" column; each row must say "deployment" or "incident"',
    ]);
  });

  it('refuse a row with more cells than the header', () => {
    expect(problems('type,id\ndeployment,d1,extra\n', 'x.csv')).toEqual([
      'x.csv:2:15: row 1 has 3 cells but the header has 2',
    ]);
  });

  it('has a column for every field of both event schemas', () => {
    for (const schema of [deploymentEventSchema, incidentEventSchema])
      for (const field of Object.keys(schema.in.shape)) expect(CSV_COLUMNS).toContain(field);
  });
});

describe('JSON event files', () => {
  it('name the file, line, column and field path of every problem', () => {
    expect(problems(fixture('bad-events.json'), 'bad-events.json')).toEqual([
      'bad-events.json:4:52: deployments[1].finishedAt: expected an ISO-8601 time with a timezone, e.g. 2026-11-22T06:00:00Z; got "yesterday"',
      'bad-events.json:5:5: deployments[2].service: required field is missing',
      'bad-events.json:7:87: incidents[0].severity: "severity" is not a field of an incident',
    ]);
  });

  it('place a syntax error at its line and column', () => {
    const [issue] = problems('{\n  "deployments": [\n    { "id": "d1", }\n  ]\n}\n', 'x.json');
    expect(issue).toMatch(/^x\.json:3:19: not valid JSON: /);
  });

  it('accept an array of typed events and a single event', () => {
    const list = parseEventFile(
      JSON.stringify([
        { type: 'deployment', id: 'd1', service: 's', finishedAt: '2026-11-01T00:00:00Z' },
        { type: 'incident', id: 'i1', service: 's', startedAt: '2026-11-01T01:00:00Z' },
      ]),
      'x.json',
    );
    expect(list.ok && [list.events.deployments.length, list.events.incidents.length]).toEqual([1, 1]);
    const one = parseEventFile(
      '{"type":"incident","id":"i1","service":"s","startedAt":"2026-11-01T01:00:00Z"}',
      'x.json',
    );
    expect(one.ok && one.events.incidents[0]?.id).toBe('i1');
  });

  it('refuse a remedy that is a planned change, and an event without a type in a list', () => {
    expect(
      problems(
        '[{"type":"deployment","id":"d1","service":"s","finishedAt":"2026-11-01T00:00:00Z","remediates":"d0"},\n{"id":"x"}]',
        'x.json',
      ),
    ).toEqual([
      'x.json:1:96: [0].remediates: only a deployment of kind "rollback" or "hotfix" remedies another; set kind',
      'x.json:2:1: [1].type: missing "type": expected "deployment" or "incident"',
    ]);
  });
});
