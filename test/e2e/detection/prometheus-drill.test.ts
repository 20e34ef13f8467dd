/** A demo drill detected by the `prometheus` detector: a real Prometheus scrapes the demo router's metrics. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTER_METRICS_PATH } from '../../../harness/demo/router-metrics.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { freePort } from '../../support/free-port.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { errorRatioQuery } from '../../integration/detectors/rules.js';
import { survivorsAfter } from '../cli-process.js';
import { drillFolder, runDemoDrill, type DrillFolder } from './demo-scenario.js';

describeWithServers(['prometheus'], 'demo drill with the prometheus detector', () => {
  let prometheus: PrometheusServer;
  let folder: DrillFolder;
  let routerPort: number;

  beforeAll(async () => {
    folder = drillFolder('drill-prometheus');
    routerPort = await freePort();
    prometheus = await startPrometheus({
      scrapeTargets: [
        { job: 'demo-router', targets: [`127.0.0.1:${routerPort}`], metricsPath: ROUTER_METRICS_PATH },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    folder?.remove();
  });

  it('passes: the server-side error ratio crosses 2% in Prometheus, the harness rolls back', async () => {
    const query = `${errorRatioQuery('5s')} > 0.02`;
    const file = folder.scenarioFile({
      name: 'demo-prometheus',
      routerPort,
      detection: { type: 'prometheus', url: prometheus.url, query, interval: '500ms', scrapeInterval: '1s' },
    });
    const started = Date.now();
    const { code, record, run } = await runDemoDrill(file, folder.outDir);
    expect(Date.now() - started).toBeLessThan(100_000);
    expect(record.result, `${record.reason}\n${run.stderr()}`).toBe('passed');
    expect(code).toBe(0);
    expect(record.detector).toMatchObject({
      kind: 'prometheus',
      fired: true,
      settings: { url: prometheus.url, query, interval: 500, scrapeInterval: 1_000 },
      observation: { resolutionSeconds: 1.5 },
    });
    expect(record.detector.reason).toContain('returned 1 series');
    expect(record.detector.reason).not.toContain('first poll');
    const ttd = record.measurements.timeToDetectSeconds ?? -1;
    // Scrape (1 s) + enough 5 s rate window to cross 2% at ≈ 6% errors + the poll (0.5 s).
    expect(ttd).toBeGreaterThan(0.5);
    expect(ttd).toBeLessThan(15);
    const detected = record.timeline.find((e) => e.type === 'detected');
    console.info(`prometheus detector: time to detect ${ttd} s (${JSON.stringify(detected?.data)})`);
    expect(detected?.data).toMatchObject({ queryErrors: 0, series: 1 });
    expect(Number(detected?.data?.['value'])).toBeGreaterThan(0.02);
    // Prometheus saw the bad release's errors and the stable version's successes, by routed version.
    const bad = await prometheus.queryValue(
      'sum(max_over_time(demo_shop_router_requests_total{version="1.5.0-errors",status_class="5xx"}[5m]))',
    );
    expect(bad ?? 0).toBeGreaterThan(0);
    expect(await survivorsAfter(run.marker)).toEqual([]);
  }, 110_000);
});
