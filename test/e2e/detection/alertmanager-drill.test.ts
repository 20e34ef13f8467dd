/**
 * The team's real alerting pipeline measured end to end: a real Prometheus scrapes the demo
 * router and evaluates an alert rule on its error ratio, a real Alertmanager groups the alert
 * (group_wait 1s) and posts its webhook to the harness, which records the detection.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTER_METRICS_PATH } from '../../../harness/demo/router-metrics.js';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { freePort } from '../../support/free-port.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { ALERT_NAME, writeAlertRules } from '../../integration/detectors/rules.js';
import { survivorsAfter } from '../cli-process.js';
import { drillFolder, runDemoDrill, type DrillFolder } from './demo-scenario.js';

describeWithServers(
  ['prometheus', 'prometheus-alertmanager'],
  'demo drill with the alertmanager detector',
  () => {
    let prometheus: PrometheusServer;
    let alertmanager: AlertmanagerServer;
    let folder: DrillFolder;
    let routerPort: number;
    let hookPort: number;

    beforeAll(async () => {
      folder = drillFolder('drill-alertmanager');
      [routerPort, hookPort] = [await freePort(), await freePort()];
      alertmanager = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${hookPort}/alertmanager` });
      prometheus = await startPrometheus({
        scrapeTargets: [
          { job: 'demo-router', targets: [`127.0.0.1:${routerPort}`], metricsPath: ROUTER_METRICS_PATH },
        ],
        ruleFiles: [await writeAlertRules(folder.dir, 0.02, '0s')],
        alertmanagers: [alertmanager.url],
      });
    }, 60_000);

    afterAll(async () => {
      await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
      folder?.remove();
    });

    it('passes: the alert reaches the harness by webhook; startsAt and receipt are both recorded', async () => {
      const file = folder.scenarioFile({
        name: 'demo-alertmanager',
        routerPort,
        detection: {
          type: 'alertmanager',
          alertname: ALERT_NAME,
          labels: { service: 'demo-shop' },
          webhook: { port: hookPort },
        },
      });
      const started = Date.now();
      const { code, record, run } = await runDemoDrill(file, folder.outDir);
      expect(Date.now() - started).toBeLessThan(100_000);
      expect(record.result, `${record.reason}\n${run.stderr()}`).toBe('passed');
      expect(code).toBe(0);
      expect(record.detector).toMatchObject({
        kind: 'alertmanager',
        fired: true,
        observation: { resolutionSeconds: 0.001 },
        settings: {
          alertname: ALERT_NAME,
          labels: { service: 'demo-shop' },
          firedVia: 'webhook',
          firedAlert: { labels: { alertname: ALERT_NAME, service: 'demo-shop', severity: 'page' } },
        },
      });
      expect(record.detector.reason).toMatch(
        /^alert DemoShopErrorRatioHigh\{service="demo-shop"\} firing since .*; received by webhook/,
      );
      const ttd = record.measurements.timeToDetectSeconds ?? -1;
      const data = record.timeline.find((e) => e.type === 'detected')?.data ?? {};
      const prometheusPart = Number(data['alertStartedAfterFaultMs']) / 1000;
      const alertmanagerPart = Number(data['receivedAfterAlertStartMs']) / 1000;
      console.info(
        `alertmanager detector: time to detect ${ttd} s = ${prometheusPart} s until Prometheus fired the alert (scrape, rule evaluation, for) + ${alertmanagerPart} s until the webhook arrived (group_wait, delivery)`,
      );
      // 1 s scrapes, 1 s evaluation, for 0s, group_wait 1s: a few seconds, generous for a loaded machine.
      expect(ttd).toBeGreaterThan(1);
      expect(ttd).toBeLessThan(30);
      expect(prometheusPart).toBeGreaterThan(0);
      // group_wait is 1 s: the notification cannot come sooner after the alert started.
      expect(alertmanagerPart).toBeGreaterThanOrEqual(0.9);
      expect(prometheusPart + alertmanagerPart).toBeCloseTo(ttd, 0);
      expect(data['viaWebhook']).toBe(1);
      expect(await survivorsAfter(run.marker)).toEqual([]);
    }, 110_000);
  },
);
