/**
 * A real Alertmanager for tests (Debian's `prometheus-alertmanager` 0.25): no HA port, fast
 * grouping, and an optional webhook receiver (e.g. the harness's Alertmanager detector).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { getJson } from './http.js';
import { launchServer, type LaunchedServer } from './server-launch.js';

export interface AlertmanagerOptions {
  /** Every alert goes to this webhook (version 4 payload); none: alerts are only kept. */
  readonly webhookUrl?: string;
  /** A complete alertmanager.yml instead of the generated one. */
  readonly config?: string;
}

export interface AlertmanagerServer extends LaunchedServer {
  /** GET /api/v2/alerts, optionally filtered (e.g. `alertname="X"`). */
  alerts(filter?: string): Promise<{ labels: Record<string, string>; status: { state: string } }[]>;
}

export function alertmanagerConfig(options: AlertmanagerOptions): string {
  const receiver = options.webhookUrl
    ? { name: 'hook', webhook_configs: [{ url: options.webhookUrl, send_resolved: true }] }
    : { name: 'hook' };
  return stringify({
    route: {
      receiver: 'hook',
      group_by: ['alertname'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [receiver],
  });
}

export async function startAlertmanager(options: AlertmanagerOptions = {}): Promise<AlertmanagerServer> {
  const server = await launchServer({
    binary: 'prometheus-alertmanager',
    readyPath: '/-/ready',
    args: async (port, dir) => {
      const configFile = join(dir, 'alertmanager.yml');
      await writeFile(configFile, options.config ?? alertmanagerConfig(options));
      return [
        `--config.file=${configFile}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        `--web.external-url=http://127.0.0.1:${port}`,
        '--log.level=warn',
      ];
    },
  });
  return {
    ...server,
    alerts(filter) {
      const query = filter ? `?${new URLSearchParams({ filter }).toString()}` : '';
      return getJson(`${server.url}/api/v2/alerts${query}`);
    },
  };
}
