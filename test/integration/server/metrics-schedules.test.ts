/**
 * /metrics of the daemon (drill metrics updated by every drill it runs, history metrics, scheduler
 * outcomes; promtool-clean) and the cron wiring in real time: a 6-field "every 2 seconds" schedule
 * (production schedules use 5-field minutes; the per-minute arithmetic is tested on a FakeClock in
 * test/unit/server/scheduler.test.ts).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithServers } from '../../support/external-binaries.js';
import { parseExposition, sampleValue } from '../../support/exposition.js';
import { runPromtool } from '../../support/prometheus.js';
import { waitUntil } from '../../support/wait.js';
import { parseScheduleFlag } from '../../../harness/server/schedules.js';
import { recordFor, SHOP_AND_API, writeRecord } from '../../unit/history/history-fixtures.js';
import { startServeHarness, type ServeHarness } from './serve-harness.js';

let serve: ServeHarness | undefined;
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

function finishedRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir).filter((folder) => existsSync(join(runsDir, folder, 'run.json')));
}

describe('/metrics', () => {
  it('exports the history per service and the drills the daemon runs', async () => {
    const h = (serve = await startServeHarness());
    for (const spec of SHOP_AND_API) writeRecord(h.runsDir, recordFor(spec));
    mkdirSync(join(h.runsDir, '20261101T000000Z-broken-0000'));
    writeFileSync(join(h.runsDir, '20261101T000000Z-broken-0000', 'run.json'), '');
    // The harness daemon refreshed its history at startup (empty); a drill finishing refreshes it again.
    const started = await h.request('POST', '/api/runs', { body: { scenario: 'gamma' } });
    const runId = String(started.json['runId']);
    const during = parseExposition((await h.request('GET', '/metrics')).text);
    expect(sampleValue(during, 'rollback_drill_in_progress', { scenario: 'gamma' })).toBe(1);
    const finished = h.finished(runId);
    h.drills.finish(runId);
    await finished;
    await waitUntil(async () => (await h.request('GET', '/metrics')).text.includes('service="shop"'), {
      timeoutMs: 5_000,
    });

    const text = (await h.request('GET', '/metrics')).text;
    const samples = parseExposition(text);
    expect(sampleValue(samples, 'rollback_drill_runs_total', { scenario: 'gamma', result: 'passed' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'rollback_drill_in_progress', { scenario: 'gamma' })).toBe(0);
    // shop: hand-checked in test/unit/history/history-stats.test.ts
    expect(sampleValue(samples, 'rollback_drill_history_success_ratio', { service: 'shop' })).toBeCloseTo(
      2 / 3,
      9,
    );
    expect(
      sampleValue(samples, 'rollback_drill_history_rollback_success_ratio', { service: 'shop' }),
    ).toBeCloseTo(2 / 3, 9);
    expect(sampleValue(samples, 'rollback_drill_history_runs', { service: 'shop', result: 'aborted' })).toBe(
      1,
    );
    expect(
      sampleValue(samples, 'rollback_drill_history_measurement_seconds', {
        service: 'shop',
        measurement: 'time_to_rollback',
        percentile: 'p95',
      }),
    ).toBe(10);
    expect(
      sampleValue(samples, 'rollback_drill_history_measurement_seconds', {
        service: 'shop',
        measurement: 'time_to_recover',
        percentile: 'p50',
      }),
    ).toBe(4);
    expect(
      sampleValue(samples, 'rollback_drill_history_measurement_runs', {
        service: 'shop',
        measurement: 'time_to_decide',
      }),
    ).toBe(3);
    // api: the fixture run plus the gamma drill just run (service api)
    expect(sampleValue(samples, 'rollback_drill_history_runs', { service: 'api', result: 'passed' })).toBe(2);
    expect(sampleValue(samples, 'rollback_drill_history_unreadable_records', {})).toBe(1);
    expect(text).not.toContain(runId);
  });
});

describeWithServers(['promtool'], 'promtool check metrics on the daemon', () => {
  it('prints nothing for /metrics with history, schedules and a finished drill', async () => {
    const h = (serve = await startServeHarness({ schedules: [parseScheduleFlag('alpha=0 3 * * *')] }));
    for (const spec of SHOP_AND_API) writeRecord(h.runsDir, recordFor(spec));
    const started = await h.request('POST', '/api/runs', { body: { scenario: 'beta' } });
    const runId = String(started.json['runId']);
    const finished = h.finished(runId);
    h.drills.finish(runId, 'failed');
    await finished;
    await waitUntil(
      async () =>
        (await h.request('GET', '/metrics')).text.includes(
          'rollback_drill_history_success_ratio{service="shop"}',
        ),
      { timeoutMs: 5_000 },
    );
    const text = (await h.request('GET', '/metrics')).text;
    expect(text).toContain(
      'rollback_drill_serve_scheduled_runs_total{scenario="alpha",outcome="skipped_busy"} 0',
    );
    const result = await runPromtool(['check', 'metrics'], text);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });
});

describe('cron schedules in real time', () => {
  it('starts the scheduled scenario every 2 seconds (6-field cron) and records each run', async () => {
    const h = (serve = await startServeHarness({ schedules: [parseScheduleFlag('gamma=*/2 * * * * *')] }));
    h.drills.autoFinish = 'passed';
    const scenarios = await h.request('GET', '/api/scenarios');
    const gamma = (
      scenarios.json['scenarios'] as { name: string; schedules: { cron: string; nextRunAt: string }[] }[]
    ).find((s) => s.name === 'gamma');
    expect(gamma?.schedules[0]?.cron).toBe('*/2 * * * * *');
    expect(Date.parse(gamma?.schedules[0]?.nextRunAt ?? '') - Date.now()).toBeLessThanOrEqual(2_000);

    await waitUntil(() => finishedRuns(h.runsDir).length >= 2 || undefined, {
      timeoutMs: 15_000,
      description: 'two scheduled runs',
    });
    const runs = await h.request('GET', '/api/runs?scenario=gamma');
    const listed = runs.json['runs'] as { status: string; origin?: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(listed.every((r) => r.status === 'passed' || r.status === 'running')).toBe(true);
    expect(h.drills.launches.every((l) => l.scenario.metadata.name === 'gamma')).toBe(true);
    const started = sampleValue(
      parseExposition((await h.request('GET', '/metrics')).text),
      'rollback_drill_serve_scheduled_runs_total',
      { scenario: 'gamma', outcome: 'started' },
    );
    expect(started).toBeGreaterThanOrEqual(2);
  });

  it('skips a scheduled run while its target is busy and says why', async () => {
    const h = (serve = await startServeHarness({ schedules: [parseScheduleFlag('beta=*/2 * * * * *')] }));
    const manual = await h.request('POST', '/api/runs', { body: { scenario: 'alpha' } }); // same target as beta
    const runId = String(manual.json['runId']);
    await waitUntil(
      () => h.logs.some((line) => line.includes('skipped: target service:shop@staging is busy')) || undefined,
      {
        timeoutMs: 10_000,
        description: 'a skipped scheduled run',
      },
    );
    expect(h.logs.find((line) => line.includes('skipped'))).toBe(
      `schedule beta (*/2 * * * * *): skipped: target service:shop@staging is busy with run ${runId}`,
    );
    expect(h.drills.launches).toHaveLength(1);
    const skipped = sampleValue(
      parseExposition((await h.request('GET', '/metrics')).text),
      'rollback_drill_serve_scheduled_runs_total',
      { scenario: 'beta', outcome: 'skipped_busy' },
    );
    expect(skipped).toBeGreaterThanOrEqual(1);
    h.drills.finish(runId);
  });
});
