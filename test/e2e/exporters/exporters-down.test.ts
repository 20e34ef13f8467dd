/**
 * Issue 4 end to end: with the Pushgateway and the OTLP endpoint both down (nothing listens), a
 * drill run by the built CLI still completes and passes, stderr says what was not exported, and
 * run.json records it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadUrl } from '../../support/free-port.js';
import { runDrill, stopRunningDrills, type FinishedDrill } from '../drill-process.js';
import { DRILL_LABELS, writeShortDrills } from './short-drills.js';

describe('a CLI drill with the Pushgateway and the OTLP endpoint down', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-e2e-exporters-down-'));
  let drill: FinishedDrill | undefined;
  let pushgatewayUrl = '';
  let otlpUrl = '';

  beforeAll(async () => {
    [pushgatewayUrl, otlpUrl] = await Promise.all([deadUrl(), deadUrl()]);
    drill = await runDrill(writeShortDrills(dir).passing, dir, [
      '--pushgateway',
      pushgatewayUrl,
      '--otlp-endpoint',
      otlpUrl,
      '--otlp-protocol',
      'http/json',
    ]);
  }, 90_000);

  afterAll(async () => {
    await stopRunningDrills();
    rmSync(dir, { recursive: true, force: true });
  });

  const finished = (): FinishedDrill => {
    if (!drill) throw new Error('the drill did not run: beforeAll failed');
    return drill;
  };

  it('completes and passes with exit code 0, leaving nothing running', () => {
    const { record, code, survivors } = finished();
    expect(record.result, record.reason).toBe('passed');
    expect(code).toBe(0);
    expect(survivors).toEqual([]);
  });

  it('says on stderr what was not exported, where to, and why', () => {
    const { stderr } = finished();
    const group = `/metrics/job/rollback_drill/scenario/${DRILL_LABELS.scenario}/service/${DRILL_LABELS.service}/environment/${DRILL_LABELS.environment}`;
    expect(stderr).toContain(`metrics: NOT pushed to ${pushgatewayUrl}${group} after 4 attempts: `);
    expect(stderr).toMatch(/metrics: NOT pushed to .* after 4 attempts: .*ECONNREFUSED/);
    expect(stderr).toMatch(
      new RegExp(
        `traces: trace [0-9a-f]{32} NOT fully exported to ${otlpUrl}/v1/traces: \\d+ of \\d+ spans not exported`,
      ),
    );
    expect(stderr).toContain(`metrics not exported to ${otlpUrl}/v1/metrics`);
  });

  it('records in run.json what was not exported', () => {
    const { record, report } = finished();
    expect(record.exports['pushgateway']).toMatchObject({
      ok: false,
      attempts: 4,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    const otel = record.exports['otel'] as Record<string, unknown>;
    expect(otel).toMatchObject({ ok: false, spansExported: 0, metricsExported: false });
    expect(otel['spansExpected']).toBeGreaterThanOrEqual(9);
    expect(String(otel['error'])).toMatch(/spans not exported.*metrics not exported/);
    // The trace id is still recorded and in the report: the spans were built, only not delivered.
    expect(report).toContain(String(otel['traceId']));
  });

  it('costs bounded time: the exports give up within the runner’s 20 s bound on exporters', () => {
    const { record, exitedAtMs } = finished();
    // endedAt is taken before the exporters run: this is the whole cost of the failed exports.
    const afterDrillMs = exitedAtMs - Date.parse(record.endedAt);
    expect(afterDrillMs).toBeLessThan(20_000);
  });
});
