/**
 * The `dora_*` series for the dashboard proof, made the way the serve daemon makes them:
 * computeDoraReport over an event log and the proof drills' own run records, then
 * registerDoraMetrics on a registry served at /metrics. The events are a small, plausible month:
 * a failed deployment per service, each with an incident that was resolved.
 */
import { Registry } from 'prom-client';
import { computeDoraReport } from '../../../harness/dora/compute.js';
import type { DoraEvents } from '../../../harness/dora/events.js';
import { registerDoraMetrics } from '../../../harness/dora/metrics.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { startMetricsServer, type MetricsServer } from '../../../exporters/prometheus/metrics-server.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DoraMetricsServer {
  readonly url: string;
  /** Recomputes the figures with these run records, as the daemon does after drills. */
  update(runs: readonly RunRecord[]): void;
  close(): Promise<void>;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Two services, each with a good deployment and a failed one whose incident was resolved. */
export function proofEvents(services: readonly string[], nowMs: number): DoraEvents {
  return {
    deployments: services.flatMap((service, index) => [
      { id: `${service}-ok`, service, finishedAt: iso(nowMs - 3 * DAY_MS), kind: 'change' as const },
      {
        id: `${service}-bad`,
        service,
        finishedAt: iso(nowMs - 2 * DAY_MS + index * HOUR_MS),
        kind: 'change' as const,
      },
      {
        id: `${service}-rollback`,
        service,
        finishedAt: iso(nowMs - 2 * DAY_MS + index * HOUR_MS + 0.5 * HOUR_MS),
        kind: 'rollback' as const,
        remediates: `${service}-bad`,
      },
    ]),
    incidents: services.map((service, index) => ({
      id: `${service}-incident`,
      service,
      startedAt: iso(nowMs - 2 * DAY_MS + index * HOUR_MS + 0.1 * HOUR_MS),
      resolvedAt: iso(nowMs - 2 * DAY_MS + index * HOUR_MS + (0.5 + index) * HOUR_MS),
      deploymentId: `${service}-bad`,
    })),
  };
}

export async function startDoraMetrics(services: readonly string[]): Promise<DoraMetricsServer> {
  const registry = new Registry();
  const report = (runs: readonly RunRecord[]) => {
    const now = Date.now();
    return computeDoraReport(proofEvents(services, now), runs, {
      period: { startMs: now - 30 * DAY_MS, endMs: now + 60_000 },
    });
  };
  const metrics = registerDoraMetrics(registry, report([]));
  const server: MetricsServer = await startMetricsServer({ port: 0, registry });
  return {
    url: server.url,
    update: (runs) => metrics.update(report(runs)),
    close: () => server.close(),
  };
}
