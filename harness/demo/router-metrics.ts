/**
 * The demo service's server-side SLIs, as a load balancer would export them: requests by the
 * version they were routed to and their status class, and their duration. Served by the router on
 * the reserved path ROUTER_METRICS_PATH (every other path goes to the shop), from a registry of its
 * own so it never mixes with the harness's metrics. A Prometheus scraping it computes the error
 * ratio the `prometheus` and `alertmanager` detectors watch.
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** Reserved on the router: the shop has no such path, and no client of the shop would call it. */
export const ROUTER_METRICS_PATH = '/__router/metrics';

export const ROUTER_REQUESTS_METRIC = 'demo_shop_router_requests_total';
export const ROUTER_DURATION_METRIC = 'demo_shop_router_request_duration_seconds';

/** What a request ended as: its status class, or `aborted` when the response never completed. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'aborted';

/** The classes pre-created at 0 for each version (rate() and increase() miss a series' first sample). */
const PRESET_CLASSES: readonly StatusClass[] = ['2xx', '4xx', '5xx', 'aborted'];

/** The label `version` takes when no release is active behind the router. */
export const NO_VERSION = 'none';

export class RouterMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'version' | 'status_class'>;
  private readonly duration: Histogram<'version'>;
  private readonly knownVersions = new Set<string>();

  constructor() {
    this.requests = new Counter({
      name: ROUTER_REQUESTS_METRIC,
      help: 'Requests the blue-green router answered, by the version they were routed to and status class.',
      labelNames: ['version', 'status_class'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: ROUTER_DURATION_METRIC,
      help: 'Time from the request reaching the router to the end of its response, by routed version.',
      labelNames: ['version'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Creates a version's series at 0 before its first request, so the first errors show in rate(). */
  addVersion(version: string): void {
    if (this.knownVersions.has(version)) return;
    this.knownVersions.add(version);
    for (const statusClass of PRESET_CLASSES) this.requests.labels(version, statusClass).inc(0);
    this.duration.zero({ version });
  }

  /** Counts one request; `statusCode` undefined = the response never completed. */
  observe(version: string, statusCode: number | undefined, durationSeconds: number): void {
    this.addVersion(version);
    this.requests.labels(version, statusClassOf(statusCode)).inc();
    this.duration.labels(version).observe(durationSeconds);
  }

  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export function statusClassOf(statusCode: number | undefined): StatusClass {
  if (statusCode === undefined || statusCode < 100 || statusCode > 599) return 'aborted';
  return `${Math.floor(statusCode / 100)}xx` as StatusClass;
}
