/**
 * The prometheus and alertmanager (polling) detectors against a real Prometheus that scrapes the
 * demo router's metrics and a real Alertmanager it sends the alert to.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlertmanagerDetector } from '../../../harness/detectors/alertmanager.js';
import { PrometheusDetector } from '../../../harness/detectors/prometheus.js';
import { BlueGreenRouter } from '../../../harness/demo/router.js';
import {
  alertmanagerDetectorConfig,
  prometheusDetectorConfig,
} from '../../../harness/scenario/schema/detection.js';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { ServedSet } from '../../unit/demo/serve.js';
import { liveContext } from './context.js';
import { ALERT_NAME, errorRatioQuery, writeAlertRules } from './rules.js';

describeWithServers(
  ['prometheus', 'prometheus-alertmanager'],
  'detectors against real Prometheus and Alertmanager',
  () => {
    const served = new ServedSet();
    let router: BlueGreenRouter;
    let prometheus: PrometheusServer;
    let alertmanager: AlertmanagerServer;
    let rulesDir: string;
    let failing = false;
    let trafficRunning = true;
    let traffic: Promise<void> = Promise.resolve();

    beforeAll(async () => {
      // Half the requests fail once `failing` is set, like a bad release.
      let count = 0;
      const { url } = await served.add((req, res) => {
        req.resume();
        res.writeHead(failing && count++ % 2 === 0 ? 500 : 200);
        res.end();
      });
      router = await BlueGreenRouter.start();
      router.switchTo({ name: 'blue', version: '1.4.2', port: Number(url.port) });
      rulesDir = await mkdtemp(join(tmpdir(), 'detector-rules-'));
      alertmanager = await startAlertmanager();
      prometheus = await startPrometheus({
        scrapeTargets: [{ job: 'demo-router', targets: [router.metricsUrl.href] }],
        ruleFiles: [await writeAlertRules(rulesDir)],
        alertmanagers: [alertmanager.url],
      });
      traffic = (async () => {
        while (trafficRunning) {
          await fetch(new URL('/api/products', router.url)).then(
            (r) => r.arrayBuffer(),
            () => undefined,
          );
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await prometheus.waitForTargetsUp('demo-router');
      // The ratio exists (0) before the fault, so the query is false, not merely empty.
      await prometheus.waitForValue(errorRatioQuery(), (v) => v === 0, { timeoutMs: 30_000 });
    }, 90_000);

    afterAll(async () => {
      trafficRunning = false;
      await traffic;
      await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
      await router?.close();
      await served.closeAll();
      if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
    });

    it('both fire once the errors start, neither before: the PromQL condition and the alert polled from Alertmanager', async () => {
      const ctx = liveContext();
      const prometheusDetector = new PrometheusDetector(
        prometheusDetectorConfig.parse({
          type: 'prometheus',
          url: prometheus.url,
          query: `${errorRatioQuery()} > 0.02`,
          interval: '500ms',
          scrapeInterval: '1s',
        }),
      );
      const alertDetector = new AlertmanagerDetector(
        alertmanagerDetectorConfig.parse({
          type: 'alertmanager',
          alertname: ALERT_NAME,
          labels: { service: 'demo-shop' },
          poll: { url: alertmanager.url, interval: '500ms' },
        }),
      );
      const faultAtMs = ctx.clock.now();
      const byQuery = prometheusDetector.watch(ctx);
      const byAlert = alertDetector.watch(ctx);
      // Watched for 3 s with healthy traffic: nothing fires.
      let early = false;
      void Promise.race([byQuery, byAlert]).then(
        () => (early = true),
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(early).toBe(false);
      failing = true;
      const failingAtMs = ctx.clock.now();
      try {
        const [query, alert] = await Promise.all([byQuery, byAlert]);
        const queryDelay = query.atMs - failingAtMs;
        const alertDelay = alert.atMs - failingAtMs;
        const figures = JSON.stringify({ queryDelay, alertDelay, query, alert });
        expect(queryDelay, figures).toBeGreaterThan(0);
        expect(queryDelay, figures).toBeLessThan(20_000);
        // The alert needs the same data plus a rule evaluation and Alertmanager; polls of 0.5 s on a
        // loaded machine can still reorder the two, so only a loose ordering is asserted.
        expect(alertDelay, figures).toBeGreaterThan(queryDelay - 1_000);
        expect(alertDelay, figures).toBeLessThan(40_000);
        expect(query.observed.value, figures).toBeGreaterThan(0.02);
        expect(query.observed.queryErrors, figures).toBe(0);
        expect(alert.observed.viaWebhook, figures).toBe(0);
        // startsAt is Prometheus's firing time: after the failures began, before the poll saw it.
        const startsAt = alert.observed.alertStartsAtEpochMs ?? 0;
        expect(startsAt, figures).toBeGreaterThan(ctx.clock.toEpochMs(failingAtMs) - 1_000);
        expect(startsAt, figures).toBeLessThanOrEqual(ctx.clock.toEpochMs(alert.atMs));
        expect(alertDetector.describe().settings, figures).toMatchObject({ firedVia: 'poll' });
        expect(faultAtMs, figures).toBeLessThan(failingAtMs);
      } finally {
        failing = false;
        ctx.controller.abort(Object.assign(new Error('test over'), { name: 'AbortError' }));
      }
    }, 90_000);
  },
);
