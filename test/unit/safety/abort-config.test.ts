/** The scenario's `abort:` block: stop conditions parse to ms and ratios, and mistakes name the field. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../harness/core/errors.js';
import { parseScenarioText } from '../../../harness/scenario/load.js';

const BASE = readFileSync(
  new URL('../../../scenarios/demo-bad-release.yaml', import.meta.url),
  'utf8',
).replace(/\nabort:\n {2}maxDuration: 5m\n?$/, '\n');

function withAbort(block: string): string {
  return `${BASE}abort:\n${block}\n`;
}

function issuesOf(text: string): { path: string; line?: number; message: string }[] {
  try {
    parseScenarioText(text, 'drill.yaml');
  } catch (error) {
    if (error instanceof ScenarioError)
      return error.issues.map(({ path, line, message }) => ({ path, ...(line ? { line } : {}), message }));
    throw error;
  }
  return [];
}

describe('abort: stop conditions in the scenario', () => {
  it('parses every stop condition, with units', () => {
    const scenario = parseScenarioText(
      withAbort(`  maxDuration: 5m
  blastRadius:
    errorRatio: 30%
    latency: { percentile: 99, threshold: 2s }
    sustain: 15s
  prometheus:
    url: http://127.0.0.1:9090
    query: 'ALERTS{alertname="CheckoutErrors", alertstate="firing"}'`),
      'drill.yaml',
    );
    expect(scenario.abort).toEqual({
      maxDuration: 300_000,
      blastRadius: { errorRatio: 0.3, latency: { percentile: 99, threshold: 2000 }, sustain: 15_000 },
      prometheus: {
        url: 'http://127.0.0.1:9090',
        query: 'ALERTS{alertname="CheckoutErrors", alertstate="firing"}',
        interval: 5000,
      },
    });
  });

  it('defaults: 30m max duration, no other stop condition; a guard sustains 10s unless told', () => {
    expect(parseScenarioText(BASE, 'drill.yaml').abort).toEqual({ maxDuration: 1_800_000 });
    expect(
      parseScenarioText(withAbort('  blastRadius: { errorRatio: 50% }'), 'drill.yaml').abort.blastRadius,
    ).toEqual({
      errorRatio: 0.5,
      sustain: 10_000,
    });
  });

  it('names the field and line of each mistake', () => {
    const text = withAbort(`  blastRadius: { sustain: 5s }
  prometheus: { url: 'ftp://prom', query: '' }`);
    const issues = issuesOf(text);
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(issues).toEqual([
      {
        path: 'abort.blastRadius',
        line: lineOf('blastRadius'),
        message: 'a blast-radius guard needs a limit: expected errorRatio, latency or both, got neither',
      },
      expect.objectContaining({ path: 'abort.prometheus.url', line: lineOf('prometheus') }),
      expect.objectContaining({ path: 'abort.prometheus.query', line: lineOf('prometheus') }),
    ]);
    expect(issuesOf(withAbort('  blastRadius: { errorRatio: 130% }'))[0]).toMatchObject({
      path: 'abort.blastRadius.errorRatio',
    });
    expect(issuesOf(withAbort('  blastRadius: { errorRatio: 5%, sustian: 5s }'))[0]).toMatchObject({
      path: 'abort.blastRadius.sustian',
      message: expect.stringContaining('did you mean "sustain"?'),
    });
  });
});
