/** A real Pushgateway for tests (Debian's `prometheus-pushgateway` 1.5), no persistence file. */
import { getJson, getText } from './http.js';
import { launchServer, type LaunchedServer } from './server-launch.js';

export interface PushgatewayGroup {
  readonly labels: Record<string, string>;
  readonly [family: string]: unknown;
}

export interface PushgatewayServer extends LaunchedServer {
  /** GET /metrics: every group's series in the text format. */
  metricsText(): Promise<string>;
  /** GET /api/v1/metrics: the groups as JSON. */
  groups(): Promise<PushgatewayGroup[]>;
}

export async function startPushgateway(): Promise<PushgatewayServer> {
  const server = await launchServer({
    binary: 'prometheus-pushgateway',
    readyPath: '/-/ready',
    args: (port) => [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=warn'],
  });
  return {
    ...server,
    metricsText: () => getText(`${server.url}/metrics`),
    async groups() {
      const answer = await getJson<{ data: PushgatewayGroup[] | null }>(`${server.url}/api/v1/metrics`);
      return answer.data ?? [];
    },
  };
}
