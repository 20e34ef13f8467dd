/** dora_* gauges: values from the fixture report, updates replace them, and promtool finds nothing to lint. */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { computeDoraReport } from '../../../harness/dora/compute.js';
import { parseEventFile } from '../../../harness/dora/import-files.js';
import { registerDoraMetrics } from '../../../harness/dora/metrics.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { parseExposition, type ExposedSample } from '../../support/exposition.js';
import { makeRunRecord } from '../../support/fixtures.js';
import { runPromtool } from '../../support/prometheus.js';

const PERIOD = { startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 11, 1) };

function fixtureReport() {
  const result = parseEventFile(
    readFileSync(new URL('../../fixtures/dora/shop-events.json', import.meta.url), 'utf8'),
    'shop-events.json',
  );
  if (!result.ok) throw new Error('fixture does not parse');
  return computeDoraReport(result.events, [makeRunRecord()], { period: PERIOD });
}

function samples(text: string, name: string): ExposedSample[] {
  return parseExposition(text).samples.filter((s) => s.name === name);
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('registerDoraMetrics', () => {
  it('exposes the figures of the report per service', async () => {
    const registry = new Registry();
    registerDoraMetrics(registry, fixtureReport());
    const text = await registry.metrics();
    const shop = { service: 'shop' };
    expect(value(text, 'dora_period_seconds')).toBe(30 * 86_400);
    expect(value(text, 'dora_deployments', shop)).toBe(7);
    expect(value(text, 'dora_deployment_frequency_per_day', shop)).toBeCloseTo(7 / 30, 10);
    expect(value(text, 'dora_failed_deployments', shop)).toBe(3);
    expect(value(text, 'dora_change_fail_ratio', shop)).toBeCloseTo(3 / 7, 10);
    expect(value(text, 'dora_failed_deployment_recovery_median_seconds', shop)).toBe(5400);
    expect(value(text, 'dora_deployment_rework_ratio', shop)).toBeCloseTo(2 / 7, 10);
    expect(value(text, 'dora_incidents', { service: 'shop', linked: 'false' })).toBe(1);
    expect(value(text, 'dora_drill_time_to_recover_median_seconds', shop)).toBe(7.05);
    expect(
      samples(text, 'dora_performance_level')
        .filter((s) => s.labels['service'] === 'shop')
        .map((s) => [s.labels['level'], s.value]),
    ).toEqual([
      ['elite', 0],
      ['high', 0],
      ['medium', 0],
      ['low', 1],
    ]);
  });

  it('leaves undefined figures absent (no NaN): a service without deployments has no ratio and no level', async () => {
    const registry = new Registry();
    registerDoraMetrics(registry, fixtureReport());
    const text = await registry.metrics();
    expect(text).not.toMatch(/NaN/);
    expect(value(text, 'dora_deployments', { service: 'payments' })).toBe(0);
    expect(value(text, 'dora_change_fail_ratio', { service: 'payments' })).toBeUndefined();
    expect(samples(text, 'dora_performance_level').filter((s) => s.labels['service'] === 'payments')).toEqual(
      [],
    );
  });

  it('registering again on the same registry updates the same gauges; dropped services disappear', async () => {
    const registry = new Registry();
    registerDoraMetrics(registry, fixtureReport());
    const only = computeDoraReport({ deployments: [], incidents: [] }, [], {
      period: PERIOD,
      service: 'search',
    });
    registerDoraMetrics(registry, only);
    const text = await registry.metrics();
    expect(value(text, 'dora_deployments', { service: 'shop' })).toBeUndefined();
    expect(value(text, 'dora_deployments', { service: 'search' })).toBe(0);
  });
});

describeWithServers(['promtool'], 'dora_* metrics and promtool', () => {
  it('promtool check metrics prints nothing', async () => {
    const registry = new Registry();
    registerDoraMetrics(registry, fixtureReport());
    const result = await runPromtool(['check', 'metrics'], await registry.metrics());
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });
});
