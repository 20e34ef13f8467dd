/**
 * A real Prometheus scrapes the live /metrics of simulated drills (real timeline, real clock):
 * the documented PromQL must give the right success rate, histogram counts and phase timestamps.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrillMetrics } from '../../../exporters/prometheus/drill-metrics.js';
import { startMetricsServer, type MetricsServer } from '../../../exporters/prometheus/metrics-server.js';
import { prometheusObserver } from '../../../exporters/prometheus/observer.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { runSimulatedDrill } from '../../support/simulated-drill.js';

const SCENARIO = 'scenario="checkout-bad-release"';
/** The success-rate query documented in docs/metrics.md. */
const SUCCESS_RATE = `sum(increase(rollback_drill_rollbacks_total{outcome="succeeded",${SCENARIO}}[1h])) / sum(increase(rollback_drill_rollbacks_total{${SCENARIO}}[1h]))`;

describeWithServers(['prometheus'], 'Prometheus scraping the live /metrics of drills', () => {
  let server: MetricsServer | undefined;
  let prometheus: PrometheusServer | undefined;
  const records: RunRecord[] = [];
  let liveCheck = { inProgressSeenAtStart: false, rollbackStartSeenWhileRunning: false };

  beforeAll(async () => {
    const metrics = createDrillMetrics();
    server = await startMetricsServer({ port: 0, registry: metrics.registry });
    prometheus = await startPrometheus({ scrapeTargets: [{ job: 'drill', targets: [server.url] }] });
    await prometheus.waitForTargetsUp('drill');
    const prom = prometheus;
    const observer = prometheusObserver(metrics);

    // Drill 1 waits until Prometheus has the zeroed series, so increase() counts the first drill.
    records.push(
      await runSimulatedDrill({
        observers: [observer],
        runId: 'sim-run-aaaa1111',
        onPhaseStarted: async (phase) => {
          if (phase !== 'setup') return;
          await prom.waitForValue(`rollback_drill_in_progress{${SCENARIO}}`, (v) => v === 1);
          liveCheck = { ...liveCheck, inProgressSeenAtStart: true };
        },
      }),
    );
    records.push(
      await runSimulatedDrill({ observers: [observer], runId: 'sim-run-bbbb2222', rollback: 'failed' }),
    );
    // Drill 3 proves the phase timestamps are exposed while the drill runs, not only at the end.
    records.push(
      await runSimulatedDrill({
        observers: [observer],
        runId: 'sim-run-cccc3333',
        onPhaseStarted: async (phase) => {
          if (phase !== 'verify') return;
          await prom.waitForValue(
            `rollback_drill_phase_timestamp_seconds{phase="rollback",edge="start",${SCENARIO}} and ignoring(phase, edge) rollback_drill_in_progress == 1`,
            (v) => v > 0,
          );
          liveCheck = { ...liveCheck, rollbackStartSeenWhileRunning: true };
        },
      }),
    );
    await prom.waitForValue(`sum(rollback_drill_runs_total{${SCENARIO}})`, (v) => v === 3);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  it('saw the drills live', () => {
    expect(liveCheck).toEqual({ inProgressSeenAtStart: true, rollbackStartSeenWhileRunning: true });
  });

  it('answers the documented success-rate PromQL with the right ratio (2 of 3 rollbacks)', async () => {
    const ratio = await prometheus?.queryValue(SUCCESS_RATE);
    expect(ratio).toBeCloseTo(2 / 3, 9);
    expect(
      await prometheus?.queryValue(`sum(rollback_drill_rollbacks_total{outcome="failed",${SCENARIO}})`),
    ).toBe(1);
  });

  it('counts every time to detect in the histogram', async () => {
    expect(
      await prometheus?.queryValue(`sum(rollback_drill_time_to_detect_seconds_count{${SCENARIO}})`),
    ).toBe(3);
    const sum = records.reduce((total, r) => total + (r.measurements.timeToDetectSeconds ?? 0), 0);
    expect(
      await prometheus?.queryValue(`sum(rollback_drill_time_to_detect_seconds_sum{${SCENARIO}})`),
    ).toBeCloseTo(sum, 6);
    // increase() counts the first drill too, because the series started at 0.
    const increase = await prometheus?.queryValue(
      `sum(increase(rollback_drill_time_to_detect_seconds_count{${SCENARIO}}[1h]))`,
    );
    expect(increase).toBeGreaterThanOrEqual(3);
    expect(increase).toBeLessThan(4);
    // Recovery is measured only for the two drills that recovered.
    expect(
      await prometheus?.queryValue(`sum(rollback_drill_time_to_recover_seconds_count{${SCENARIO}})`),
    ).toBe(2);
  });

  it("holds the last drill's phase timestamps exactly as run.json has them", async () => {
    const last = records.at(-1) as RunRecord;
    const series = (await prometheus?.query(`rollback_drill_phase_timestamp_seconds{${SCENARIO}}`)) ?? [];
    expect(series).toHaveLength(16);
    for (const event of last.timeline.filter((e) => e.type === 'phase.started' || e.type === 'phase.ended')) {
      const edge = event.type === 'phase.started' ? 'start' : 'end';
      const found = series.find((s) => s.metric['phase'] === event.phase && s.metric['edge'] === edge);
      expect(found?.value, `${event.phase} ${edge}`).toBeCloseTo(Date.parse(event.at) / 1000, 3);
    }
    const detected = last.timeline.find((e) => e.type === 'detected');
    expect(
      await prometheus?.queryValue(`rollback_drill_event_timestamp_seconds{event="detected",${SCENARIO}}`),
    ).toBeCloseTo(Date.parse(detected?.at ?? '') / 1000, 3);
    expect(
      await prometheus?.queryValue(`rollback_drill_last_run_timestamp_seconds{${SCENARIO}}`),
    ).toBeCloseTo(Date.parse(last.endedAt) / 1000, 3);
  });

  it('never stores a run id in a label value', async () => {
    const all = (await prometheus?.query('{__name__=~"rollback_drill_.+"}')) ?? [];
    expect(all.length).toBeGreaterThan(50);
    for (const sample of all)
      for (const value of Object.values(sample.metric))
        expect(value, sample.metric['__name__']).not.toMatch(/sim-run-/);
  });
});
