/**
 * The servers and drills exporters-live.test.ts asserts on. Servers: a Prometheus scraping the
 * drills' live /metrics port (1 s), a Pushgateway, a second Prometheus scraping only the gateway
 * (so the documented queries run verbatim on each path), and the OTLP/HTTP receiver.
 *
 * Drills, one CLI process each: 1 passes, 2 misses an objective, 3 fails its rollback — all with
 * /metrics on the same port, the Pushgateway and OTLP — then 4 passes with OTLP only, so its CLI
 * exits right after the drill. The live /metrics of drill 1 is captured mid-drill and at its end.
 */
import { freePort } from '../../support/free-port.js';
import { findSamples, parseExposition } from '../../support/exposition.js';
import { getText } from '../../support/http.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '../../support/otlp-receiver.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { startPushgateway, type PushgatewayServer } from '../../support/pushgateway.js';
import { waitUntil } from '../../support/wait.js';
import { runDrill, type FinishedDrill } from '../drill-process.js';
import { DRILL_LABELS, writeShortDrills } from './short-drills.js';

export interface DrillServers {
  readonly metricsPort: number;
  /** Scrapes 127.0.0.1:metricsPort as job "drill". */
  readonly live: PrometheusServer;
  /** Scrapes the Pushgateway as job "pushgateway" with honor_labels. */
  readonly gatewayPrometheus: PrometheusServer;
  readonly gateway: PushgatewayServer;
  readonly otlp: OtlpReceiver;
  stop(): Promise<void>;
}

export interface ExporterDrills {
  /** Drills 1–3: passed, objective missed, rollback failed. */
  readonly drills: readonly FinishedDrill[];
  /** Drill 4, with the spans the receiver held the moment its CLI had exited. */
  readonly otlpOnly: FinishedDrill & { readonly spansAtExit: readonly OtlpSpan[] };
  /** Drill 1's live /metrics text while it ran and after it ended (lingering). */
  readonly liveText: { readonly midDrill: string; readonly final: string };
}

/** Starts every server; on a failure stops those that did start before rethrowing. */
export async function startDrillServers(): Promise<DrillServers> {
  const metricsPort = await freePort();
  const started: { stop(): Promise<void> }[] = [];
  const track = async <T extends { stop(): Promise<void> }>(server: Promise<T>): Promise<T> => {
    const value = await server;
    started.push(value);
    return value;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(started.map((s) => s.stop()));
  };
  try {
    const [gateway, otlp] = await Promise.all([
      track(startPushgateway()),
      track(startOtlpReceiver().then((r) => Object.assign(r, { stop: () => r.close() }))),
    ]);
    const [live, gatewayPrometheus] = await Promise.all([
      track(startPrometheus({ scrapeTargets: [{ job: 'drill', targets: [`127.0.0.1:${metricsPort}`] }] })),
      track(
        startPrometheus({
          scrapeTargets: [{ job: 'pushgateway', targets: [gateway.url], honorLabels: true }],
        }),
      ),
    ]);
    await gatewayPrometheus.waitForTargetsUp('pushgateway');
    // Wait until Prometheus has tried the drills' port (down: nothing listens yet), so the first
    // drill is scraped from its start.
    await live.waitForValue('up{job="drill"}', (v) => v === 0, { timeoutMs: 30_000 });
    return { metricsPort, live, gatewayPrometheus, gateway, otlp, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export async function runExporterDrills(servers: DrillServers, dir: string): Promise<ExporterDrills> {
  const files = writeShortDrills(dir);
  const { otlp, gateway } = servers;
  const allExporters = [
    '--metrics-port',
    String(servers.metricsPort),
    '--pushgateway',
    gateway.url,
    '--otlp-endpoint',
    otlp.url,
    '--otlp-protocol',
    'http/json',
  ];
  const metricsUrl = `http://127.0.0.1:${servers.metricsPort}/metrics`;
  const first = await runDrill(files.passing, dir, allExporters, () => captureLiveMetrics(metricsUrl));
  const drills = [
    first,
    await runDrill(files.missedObjective, dir, allExporters),
    await runDrill(files.failedRollback, dir, allExporters),
  ];
  await servers.gatewayPrometheus.waitForValue(
    `sum(rollback_drill_runs_total{scenario="${DRILL_LABELS.scenario}"})`,
    (v) => v === 3,
  );
  const otlpOnly = await runDrill(
    files.passing,
    dir,
    ['--otlp-endpoint', otlp.url, '--otlp-protocol', 'http/json'],
    async (run) => {
      await run.exited;
      return otlp.spans();
    },
  );
  return {
    drills,
    otlpOnly: { ...otlpOnly, spansAtExit: otlpOnly.duringResult ?? [] },
    liveText: first.duringResult ?? { midDrill: '', final: '' },
  };
}

async function captureLiveMetrics(metricsUrl: string): Promise<{ midDrill: string; final: string }> {
  const scrapeUntil = (accept: (text: string) => boolean, description: string): Promise<string> =>
    waitUntil(
      async () => {
        const text = await getText(metricsUrl, 2_000);
        return accept(text) ? text : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description },
    );
  // While the drill runs: in progress, the baseline started, nothing counted yet.
  const midDrill = await scrapeUntil((text) => {
    const exposed = parseExposition(text);
    const running = findSamples(exposed, 'rollback_drill_in_progress', DRILL_LABELS)[0]?.value === 1;
    const baseline = findSamples(exposed, 'rollback_drill_phase_timestamp_seconds', {
      phase: 'baseline',
      edge: 'start',
    });
    return running && baseline.length === 1;
  }, 'the drill in progress on the live /metrics');
  // After the drill, while /metrics lingers: the drill is counted.
  const final = await scrapeUntil((text) => {
    const runs = findSamples(parseExposition(text), 'rollback_drill_runs_total', DRILL_LABELS);
    return runs.reduce((total, s) => total + s.value, 0) === 1;
  }, 'the finished drill on the live /metrics');
  return { midDrill, final };
}
