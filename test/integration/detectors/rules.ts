/** The alert rule the detector tests run in a real Prometheus: the demo router's error ratio. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROUTER_REQUESTS_METRIC } from '../../../harness/demo/router-metrics.js';

export const ALERT_NAME = 'DemoShopErrorRatioHigh';

/** Errors (5xx and cut-short responses) over all requests, over `window`. */
export function errorRatioQuery(window = '5s'): string {
  return `sum(rate(${ROUTER_REQUESTS_METRIC}{status_class=~"5xx|aborted"}[${window}])) / sum(rate(${ROUTER_REQUESTS_METRIC}[${window}]))`;
}

export async function writeAlertRules(folder: string, threshold = 0.02, forDuration = '0s'): Promise<string> {
  const path = join(folder, 'demo-shop-rules.yml');
  await writeFile(
    path,
    stringify({
      groups: [
        {
          name: 'demo-shop',
          rules: [
            {
              alert: ALERT_NAME,
              expr: `${errorRatioQuery()} > ${threshold}`,
              for: forDuration,
              labels: { service: 'demo-shop', severity: 'page' },
              annotations: { summary: 'demo shop error ratio above {{ $value }}' },
            },
          ],
        },
      ],
    }),
  );
  return path;
}
