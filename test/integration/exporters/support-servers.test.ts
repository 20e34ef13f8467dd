/**
 * The shared launchers in test/support work as other suites expect: Alertmanager delivers to a
 * webhook, Prometheus evaluates rule files, and the binary check explains what is missing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager.js';
import { checkBinaries, describeWithServers } from '../../support/external-binaries.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { waitUntil } from '../../support/wait.js';

describe('checkBinaries', () => {
  it('names what is missing and how to install it', () => {
    const check = checkBinaries(['prometheus-pushgateway', 'no-such-binary-xyz']);
    expect(check.missing).toContain('no-such-binary-xyz');
    expect(check.available).toBe(false);
    expect(check.reason).toContain('no-such-binary-xyz not on PATH');
    expect(check.reason).toContain('apt-get install -y --no-install-recommends');
  });
});

describeWithServers(
  ['prometheus', 'prometheus-alertmanager'],
  'Prometheus rules firing into Alertmanager and its webhook',
  () => {
    let hook: Server | undefined;
    let alertmanager: AlertmanagerServer | undefined;
    let prometheus: PrometheusServer | undefined;
    let rulesDir: string | undefined;
    const payloads: { status: string; alerts: { labels: Record<string, string> }[]; version: string }[] = [];

    afterAll(async () => {
      await prometheus?.stop();
      await alertmanager?.stop();
      await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
      hook?.closeAllConnections();
      if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
    });

    it('delivers a firing alert from a rule file to the webhook (version 4 payload)', async () => {
      hook = createServer(async (request, response) => {
        let body = '';
        for await (const chunk of request) body += String(chunk);
        payloads.push(JSON.parse(body));
        response.writeHead(200).end();
      });
      await new Promise<void>((resolve) => hook?.listen(0, '127.0.0.1', () => resolve()));
      const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      alertmanager = await startAlertmanager({ webhookUrl: hookUrl });

      rulesDir = await mkdtemp(join(tmpdir(), 'rollback-drill-rules-'));
      const ruleFile = join(rulesDir, 'rules.yml');
      await writeFile(
        ruleFile,
        'groups:\n  - name: t\n    rules:\n      - alert: AlwaysFiring\n        expr: vector(1)\n        labels: {severity: page, service: shop}\n',
      );
      prometheus = await startPrometheus({ ruleFiles: [ruleFile], alertmanagers: [alertmanager.url] });

      const payload = await waitUntil(() => payloads.find((p) => p.status === 'firing'), {
        timeoutMs: 30_000,
        description: 'the AlwaysFiring alert at the webhook',
      });
      expect(payload.version).toBe('4');
      expect(payload.alerts[0]?.labels).toMatchObject({
        alertname: 'AlwaysFiring',
        service: 'shop',
        severity: 'page',
      });
      const alerts = await alertmanager.alerts('alertname="AlwaysFiring"');
      expect(alerts.map((a) => a.status.state)).toEqual(['active']);
    });
  },
);
