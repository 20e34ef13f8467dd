/**
 * The real Pushgateway (Debian 1.5): grouping, values, push_time_seconds, running totals across
 * pushes, no run id anywhere — and, scraped by a real Prometheus, the documented success rate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushRunMetrics } from '../../../exporters/pushgateway/push.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { findSamples, parseExposition, sampleValue } from '../../support/exposition.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { startPushgateway, type PushgatewayServer } from '../../support/pushgateway.js';

const GROUP = {
  job: 'rollback_drill',
  scenario: 'checkout-bad-release',
  service: 'shop',
  environment: 'staging',
};

describeWithServers(['prometheus-pushgateway'], 'pushing to a real Pushgateway', () => {
  let gateway: PushgatewayServer | undefined;
  beforeAll(async () => {
    gateway = await startPushgateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('pushes one group per scenario, service and environment with the run values and push_time_seconds', async () => {
    const url = gateway?.url ?? '';
    const before = Date.now() / 1000;
    const result = await pushRunMetrics(makeRunRecord(), { url });
    expect(result).toMatchObject({ ok: true, attempts: 1, notes: [] });

    const groups = (await gateway?.groups()) ?? [];
    expect(groups.map((g) => g.labels)).toEqual([GROUP]);
    const exposition = parseExposition((await gateway?.metricsText()) ?? '');
    const labels = { ...GROUP, instance: '', team: 'payments', fault_kind: 'release' };
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...labels, result: 'passed' })).toBe(1);
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_sum', labels)).toBe(3.2);
    expect(
      sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_bucket', { ...labels, le: '5' }),
    ).toBe(1);
    expect(
      sampleValue(exposition, 'rollback_drill_window_error_ratio', { ...labels, window: 'fault' }),
    ).toBeCloseTo(87 / 280, 12);
    // The gateway kept our types (it would store OpenMetrics counters as untyped).
    expect(exposition.types['rollback_drill_runs_total']).toBe('counter');
    expect(exposition.types['rollback_drill_time_to_detect_seconds']).toBe('histogram');
    const pushTime = sampleValue(exposition, 'push_time_seconds', GROUP);
    expect(pushTime).toBeGreaterThanOrEqual(before - 1);
    expect(pushTime).toBeLessThanOrEqual(Date.now() / 1000 + 1);
  });

  it('keeps running totals across pushes and the last success through a failed run', async () => {
    const url = gateway?.url ?? '';
    const passed = makeRunRecord();
    expect(
      (await pushRunMetrics(makeFailedRollbackRecord({ runId: 'second-run-id-5150' }), { url })).ok,
    ).toBe(true);
    const exposition = parseExposition((await gateway?.metricsText()) ?? '');
    const labels = { ...GROUP, team: 'payments', fault_kind: 'release' };
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...labels, result: 'passed' })).toBe(1);
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...labels, result: 'failed' })).toBe(1);
    expect(sampleValue(exposition, 'rollback_drill_rollbacks_total', { ...labels, outcome: 'failed' })).toBe(
      1,
    );
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_count', labels)).toBe(2);
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_sum', labels)).toBeCloseTo(6.4, 9);
    expect(sampleValue(exposition, 'rollback_drill_last_run_result', { ...labels, result: 'failed' })).toBe(
      1,
    );
    expect(sampleValue(exposition, 'rollback_drill_last_success_timestamp_seconds', labels)).toBe(
      Date.parse(passed.endedAt) / 1000,
    );
  });

  it('never puts a run id in a label or the grouping', async () => {
    const text = (await gateway?.metricsText()) ?? '';
    expect(text).not.toContain(makeRunRecord().runId);
    expect(text).not.toContain('second-run-id-5150');
    for (const sample of findSamples(parseExposition(text), 'rollback_drill_runs_total'))
      expect(Object.keys(sample.labels).sort()).toEqual([
        'environment',
        'fault_kind',
        'instance',
        'job',
        'result',
        'scenario',
        'service',
        'team',
      ]);
  });

  it('carries grouping values the URL path cannot hold', async () => {
    const result = await pushRunMetrics(makeRunRecord({ scenario: { environment: 'eu/prod 2' } }), {
      url: gateway?.url ?? '',
    });
    expect(result.ok).toBe(true);
    const groups = (await gateway?.groups()) ?? [];
    expect(groups.map((g) => g.labels)).toContainEqual({ ...GROUP, environment: 'eu/prod 2' });
  });

  it('with the gateway down: ok=false, every attempt counted, no throw', async () => {
    const down = await startPushgateway();
    await down.stop();
    const result = await pushRunMetrics(makeRunRecord(), {
      url: down.url,
      retries: 2,
      backoffMs: 10,
      timeoutMs: 1_000,
    });
    expect(result).toMatchObject({ ok: false, attempts: 3 });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});

describeWithServers(['prometheus-pushgateway', 'prometheus'], 'Prometheus scraping the Pushgateway', () => {
  let gateway: PushgatewayServer | undefined;
  let prometheus: PrometheusServer | undefined;
  beforeAll(async () => {
    gateway = await startPushgateway();
    prometheus = await startPrometheus({
      scrapeTargets: [{ job: 'pushgateway', targets: [gateway.url], honorLabels: true }],
    });
    await prometheus.waitForTargetsUp('pushgateway');
  });
  afterAll(async () => {
    await prometheus?.stop();
    await gateway?.stop();
  });

  it('answers the documented lifetime success rate from pushed totals (2 of 3)', async () => {
    const url = gateway?.url ?? '';
    for (const record of [makeRunRecord(), makeFailedRollbackRecord(), makeRunRecord()])
      expect((await pushRunMetrics(record, { url })).ok).toBe(true);
    const query =
      'sum(rollback_drill_rollbacks_total{job="rollback_drill",outcome="succeeded"}) / sum(rollback_drill_rollbacks_total{job="rollback_drill"})';
    await prometheus?.waitForValue('sum(rollback_drill_runs_total{job="rollback_drill"})', (v) => v === 3);
    expect(await prometheus?.queryValue(query)).toBeCloseTo(2 / 3, 9);
    // honor_labels keeps the pushed job; the drill labels arrive intact.
    const runs = (await prometheus?.query('rollback_drill_runs_total{result="passed"}')) ?? [];
    expect(runs.map((s) => [s.metric['job'], s.metric['scenario'], s.metric['team'], s.value])).toEqual([
      ['rollback_drill', 'checkout-bad-release', 'payments', 2],
    ]);
  });
});
