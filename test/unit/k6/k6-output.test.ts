/**
 * The k6 output parsers on samples written from shared/reference/k6.md (test/fixtures/k6/README.md):
 * NDJSON lines and per-second SLI samples, and the three end-of-test summary shapes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseK6JsonLine, parseRfc3339 } from '../../../harness/traffic/k6-output.js';
import { classifyK6Failure, K6SampleBuilder } from '../../../harness/traffic/k6-samples.js';
import {
  describeDrillSummary,
  drillSummary,
  parseK6Summary,
  type K6Summary,
} from '../../../harness/traffic/k6-summary.js';
import type { RequestOutcome, SliSample } from '../../../harness/traffic/sli.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/k6/${name}`, import.meta.url)), 'utf8');
const T0 = Date.parse('2026-05-06T12:00:00Z');

describe('k6 --out json lines', () => {
  it('reads Metric and Point lines, nanosecond and offset times, null tags and metadata', () => {
    const lines = fixture('output-current.ndjson').trim().split('\n').map(parseK6JsonLine);
    expect(lines.every((line) => line.kind !== 'ignored')).toBe(true);
    expect(lines[2]).toEqual({
      kind: 'metric',
      name: 'http_req_duration',
      metricType: 'trend',
      thresholds: ['p(95)<=200'],
    });
    expect(lines[3]).toEqual({
      kind: 'point',
      metric: 'http_req_duration',
      epochMs: T0 + 1_100,
      value: 12.5,
      tags: {
        expected_response: 'true',
        method: 'GET',
        name: 'GET /api/products',
        scenario: 'drill',
        status: '200',
      },
    });
    const withOffset = lines[12];
    expect(withOffset?.kind === 'point' && withOffset.epochMs).toBe(T0 + 2_300);
    const nullTags = lines.at(-1);
    expect(nullTags?.kind === 'point' && nullTags.tags).toEqual({});
  });

  it('keeps sub-millisecond time', () => {
    expect(parseRfc3339('2026-05-06T12:00:01.600000001Z')).toBeCloseTo(T0 + 1_600.000001, 6);
    expect(parseRfc3339('2026-05-06T12:00:01Z')).toBe(T0 + 1_000);
    expect(parseRfc3339('2026-05-06 12:00:01')).toBeUndefined();
  });

  it('ignores, with a reason, what it cannot read: older shapes never throw', () => {
    const lines = fixture('output-legacy.ndjson').split('\n').map(parseK6JsonLine);
    expect(lines[0]).toMatchObject({ kind: 'metric', name: 'http_req_duration' }); // `tainted`, name only at the top
    expect(lines[3]).toEqual({ kind: 'ignored', reason: 'empty line' });
    expect(lines[4]).toMatchObject({ kind: 'point', tags: {} });
    expect(lines[5]).toMatchObject({
      kind: 'ignored',
      reason: expect.stringMatching(/unreadable time/) as unknown,
    });
    expect(lines[6]).toEqual({ kind: 'ignored', reason: 'a Point without a numeric value' });
    expect(lines[7]).toEqual({ kind: 'ignored', reason: 'not JSON' });
    expect(parseK6JsonLine('[1,2]')).toEqual({ kind: 'ignored', reason: 'not a JSON object' });
    expect(parseK6JsonLine('{"type":"Other"}')).toEqual({
      kind: 'ignored',
      reason: 'unknown line type "Other"',
    });
  });
});

function build(text: string, latenessMs = 2_000) {
  const samples: SliSample[] = [];
  const outcomes: RequestOutcome[] = [];
  const builder = new K6SampleBuilder({
    startMs: 1_000,
    toMonotonicMs: (epochMs) => epochMs - T0,
    emitSample: (s) => samples.push(s),
    emitOutcome: (o) => outcomes.push(o),
    latenessMs,
  });
  for (const line of text.split('\n')) builder.add(parseK6JsonLine(line));
  return { builder, samples, outcomes };
}

describe('k6 points → per-second SLI samples', () => {
  it('pairs each request’s duration and verdict, classes failures, and counts drops', () => {
    const { builder, samples, outcomes } = build(fixture('output-current.ndjson'));
    builder.finish();
    expect(samples.map((s) => [s.startMs, s.requests, s.errors, s.dropped, s.errorsByClass])).toEqual([
      [1_000, 2, 1, 0, { http_5xx: 1 }],
      [2_000, 4, 3, 3, { connection_refused: 1, connection_reset: 1, timeout: 1 }],
    ]);
    expect(samples[0]?.latencyMs?.max).toBeCloseTo(20.25, 1);
    expect(samples[1]?.latencyHistogram).toMatch(/^[A-Za-z0-9+/=]+$/);
    // One outcome per request (not per point), the 404 a success like the builtin generator's.
    expect(outcomes).toHaveLength(6);
    expect(outcomes.find((o) => o.status === 404)).toMatchObject({
      endpoint: 'GET /api/missing',
      latencyMs: 18,
    });
    expect(outcomes.find((o) => o.status === 404)?.errorClass).toBeUndefined();
    expect(outcomes.find((o) => o.status === 500)?.errorClass).toBe('http_5xx');
    expect(outcomes.find((o) => o.status === 500)?.completedAtMs).toBeCloseTo(1_600.000001, 5);
  });

  it('emits a second only once the lateness has passed, and never loses a late point', () => {
    const lines = fixture('output-current.ndjson').split('\n');
    const { builder, samples } = build(lines.slice(0, 8).join('\n'));
    builder.advance(3_999); // second [1 000, 2 000) ends at 2 000; + 2 s lateness = 4 000
    expect(samples).toHaveLength(0);
    builder.advance(4_000);
    expect(samples.map((s) => s.requests)).toEqual([2]);
    // A point for the second already emitted arrives: counted in the oldest open one.
    builder.add(parseK6JsonLine(lines[3] ?? ''));
    builder.add(parseK6JsonLine(lines[5] ?? ''));
    builder.advance(10_000);
    expect(samples.map((s) => s.requests)).toEqual([2, 1, 0, 0, 0, 0, 0]);
    expect(samples.map((s) => s.startMs)).toEqual([1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000]);
  });

  it('judges from the status when there is no http_req_failed (older k6)', () => {
    const { builder, samples, outcomes } = build(fixture('output-legacy.ndjson'));
    builder.finish();
    // 05.25 → 200 ok; 05.5 → 503 error; 05.75 → no status at all (tags null): a failure of class other.
    expect(samples.at(-1)).toMatchObject({
      requests: 3,
      errors: 2,
      errorsByClass: { http_5xx: 1, other: 1 },
    });
    expect(outcomes.map((o) => o.endpoint)).toContain('GET http://127.0.0.1:26379/');
  });

  it('maps k6 error codes the way the builtin generator names failures', () => {
    expect(classifyK6Failure({ status: '502' })).toBe('http_5xx');
    expect(classifyK6Failure({ status: '0', error_code: '1212' })).toBe('connection_refused');
    expect(classifyK6Failure({ status: '0', error_code: '1220' })).toBe('connection_reset');
    expect(classifyK6Failure({ status: '0', error_code: '1050' })).toBe('timeout');
    expect(classifyK6Failure({ status: '0', error_code: '1100' })).toBe('other');
  });
});

/** The summary in a fixture file, parsed; fails the test when it is not one. */
function summaryOf(document: unknown): K6Summary {
  const summary = parseK6Summary(document);
  if (!summary) throw new Error('not a k6 summary');
  return summary;
}

describe('k6 end-of-test summaries', () => {
  const expected = {
    requests: 3000,
    failedRequests: 50,
    failedRatio: 0.0167,
    latencyP95Ms: 351.7,
    thresholdsCrossed: ['http_req_failed rate<0.01'],
  };

  it('handleSummary(data)', () => {
    const summary = summaryOf(JSON.parse(fixture('summary-handle.json')));
    expect(summary.format).toBe('handleSummary');
    expect(summary.testRunDurationMs).toBe(60012.4);
    expect(drillSummary(summary)).toEqual({ ...expected, droppedIterations: 12 });
    expect(summary.thresholds).toContainEqual({
      metric: 'http_req_duration',
      expression: 'p(95)<500',
      ok: true,
    });
  });

  it('--summary-export: flattened, rate renamed value, thresholds true when failed', () => {
    const summary = summaryOf(JSON.parse(fixture('summary-export.json')));
    expect(summary.format).toBe('summary-export');
    expect(drillSummary(summary)).toEqual(expected);
    expect(summary.metrics.vus).toEqual({ value: 7, min: 5, max: 9 }); // a gauge is not mistaken for a rate
  });

  it('the newer summary with version and results', () => {
    const summary = summaryOf(JSON.parse(fixture('summary-machine.json')));
    expect(summary.format).toBe('machine-readable');
    expect(drillSummary(summary)).toEqual(expected);
    // The same with metrics as an object and thresholds beside each metric.
    const objectForm = summaryOf({
      version: '1',
      results: {
        metrics: {
          http_reqs: { type: 'counter', values: { count: 10 } },
          http_req_failed: {
            type: 'rate',
            values: { rate: 0.1, passes: 1, fails: 9 },
            thresholds: { 'rate<0.01': { ok: false } },
          },
        },
      },
    });
    expect(drillSummary(objectForm)).toEqual({
      requests: 10,
      failedRequests: 1,
      failedRatio: 0.1,
      thresholdsCrossed: ['http_req_failed rate<0.01'],
    });
  });

  it('says what it found in one line, and refuses what is no summary', () => {
    expect(describeDrillSummary(drillSummary(summaryOf(JSON.parse(fixture('summary-export.json')))))).toBe(
      'k6 summary: 3000 requests, 50 failed (1.67%), p95 351.7 ms; thresholds crossed: http_req_failed rate<0.01',
    );
    expect(parseK6Summary([1])).toBeUndefined();
    expect(parseK6Summary({ hello: 'world' })).toBeUndefined();
  });
});
