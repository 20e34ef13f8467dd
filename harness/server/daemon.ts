/**
 * `rollback-drill serve` as a library: builds the metrics registry, the supervisor, the scheduler
 * and the HTTP app, listens, and shuts all of it down in the safe order — stop scheduling, stop
 * accepting, abort running drills and wait for their cleanup and records, then close.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { createDrillMetrics, type ExportersOptions } from '../../exporters/index.js';
import type { Scenario } from '../scenario/model.js';
import { loadHistoryReport } from '../store/history.js';
import { harnessVersion } from '../version.js';
import { createServeApp } from './app.js';
import { isLoopbackHost, type ServeAuth } from './auth.js';
import { DrillSupervisor, type DrillExecutor, type SupervisorOptions } from './drill-supervisor.js';
import { MarkWriter } from './marks.js';
import { builtinReportRenderers, type ReportRenderers } from './reports.js';
import { findScenario, loadScenarioCatalog } from './scenario-catalog.js';
import { CronScheduler } from './scheduler.js';
import type { ScheduleSpec } from './schedules.js';
import { createServeMetrics } from './serve-metrics.js';

/** History metrics are recomputed at most this often on scrape (the index makes a rescan cheap). */
export const HISTORY_REFRESH_MS = 15_000;

export interface ServeOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly runsDir: string;
  readonly scenariosDir: string;
  readonly auth: ServeAuth;
  readonly schedules: readonly ScheduleSpec[];
  /** How far back the history metrics look. */
  readonly historyWindowMs: number;
  readonly clock: Clock;
  /** One line per event, no trailing newline. */
  readonly log: (line: string) => void;
  readonly execute: DrillExecutor;
  readonly reports?: ReportRenderers;
  readonly exportersFor?: (scenario: Scenario) => ExportersOptions;
  /** report.html, junit.xml… beside each record (see SupervisorOptions.writeExtraReports). */
  readonly writeExtraReports?: SupervisorOptions['writeExtraReports'];
  readonly bodyLimitBytes?: number;
}

export interface ServeDaemon {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly supervisor: DrillSupervisor;
  /** Idempotent: the second call returns the first's promise. */
  shutdown(reason: string): Promise<void>;
}

export async function startServeDaemon(options: ServeOptions): Promise<ServeDaemon> {
  const { clock, log } = options;
  if (options.auth.mode === 'none' && !isLoopbackHost(options.host))
    throw new UserError(`--insecure-no-auth is only allowed on a loopback address, not ${options.host}`);

  const catalog = await loadScenarioCatalog(options.scenariosDir);
  for (const spec of options.schedules) {
    const lookup = findScenario(catalog, spec.scenario);
    if (!lookup.found) throw new UserError(`${spec.source}: ${lookup.error}`);
  }
  for (const problem of catalog.problems)
    log(`scenario file ${problem.fileName} is not usable: ${problem.message}`);

  const drillMetrics = createDrillMetrics();
  const serveMetrics = createServeMetrics(drillMetrics.registry);
  const nowEpochMs = (): number => clock.toEpochMs(clock.now());
  let historyRefreshedAt = Number.NEGATIVE_INFINITY;
  let refreshing: Promise<void> | undefined;
  let refreshAgain = false;
  // One refresh at a time; a request during one schedules exactly one more, so a record saved
  // while a scan was under way is never missed.
  const refreshHistory = (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        const report = await loadHistoryReport(options.runsDir, {
          sinceEpochMs: nowEpochMs() - options.historyWindowMs,
        });
        serveMetrics.updateHistory(report, options.historyWindowMs / 1000, nowEpochMs());
        historyRefreshedAt = clock.now();
      } catch (error) {
        log(`history metrics not refreshed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        refreshing = undefined;
        if (refreshAgain) {
          refreshAgain = false;
          void refreshHistory();
        }
      }
    })();
    return refreshing;
  };

  const supervisor = new DrillSupervisor({
    runsDir: options.runsDir,
    clock,
    metrics: drillMetrics,
    execute: options.execute,
    log,
    ...(options.exportersFor ? { exportersFor: options.exportersFor } : {}),
    ...(options.writeExtraReports ? { writeExtraReports: options.writeExtraReports } : {}),
    onFinished: () => void refreshHistory(),
  });

  const startScheduled = async (spec: ScheduleSpec): Promise<void> => {
    try {
      const lookup = findScenario(await loadScenarioCatalog(options.scenariosDir), spec.scenario);
      if (!lookup.found) {
        serveMetrics.scheduled(spec.scenario, 'skipped_missing');
        return log(`schedule ${spec.scenario} (${spec.cron}): skipped: ${lookup.error}`);
      }
      const started = await supervisor.start(lookup.entry.scenario, lookup.entry.displayFile, 'schedule');
      if (started.started) serveMetrics.scheduled(spec.scenario, 'started');
      else if (started.reason === 'busy') {
        serveMetrics.scheduled(spec.scenario, 'skipped_busy');
        log(
          `schedule ${spec.scenario} (${spec.cron}): skipped: target ${started.holder.key} is busy with run ${started.holder.runId}`,
        );
      } else {
        serveMetrics.scheduled(spec.scenario, 'skipped_shutting_down');
        log(`schedule ${spec.scenario} (${spec.cron}): skipped: the daemon is shutting down`);
      }
    } catch (error) {
      serveMetrics.scheduled(spec.scenario, 'failed');
      log(
        `schedule ${spec.scenario} (${spec.cron}): could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const scheduler = new CronScheduler(clock, options.schedules, (spec) => void startScheduled(spec));
  for (const spec of options.schedules) serveMetrics.ensureSchedule(spec.scenario);

  const app = createServeApp(
    {
      runsDir: options.runsDir,
      scenariosDir: options.scenariosDir,
      clock,
      supervisor,
      marks: new MarkWriter(),
      reports: options.reports ?? builtinReportRenderers,
      scheduledJobs: () => scheduler.list(),
      registry: drillMetrics.registry,
      refreshHistoryMetrics: async () => {
        if (clock.now() - historyRefreshedAt >= HISTORY_REFRESH_MS) await refreshHistory();
      },
      version: harnessVersion(),
      startedAtEpochMs: nowEpochMs(),
    },
    {
      auth: options.auth,
      ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    },
  );

  const server = app.listen(options.port, options.host);
  try {
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => Promise.reject(error as Error)),
    ]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot listen on ${options.host}:${options.port}: ${code === 'EADDRINUSE' ? 'the port is in use' : error instanceof Error ? error.message : String(error)}`,
    );
  }
  // Bounds slow clients; a drill's API calls are tiny.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const { port } = server.address() as AddressInfo;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  await refreshHistory();
  scheduler.start();
  for (const job of scheduler.list())
    log(
      `schedule ${job.spec.scenario}: "${job.spec.cron}"${job.spec.timezone ? ` (${job.spec.timezone})` : ''}, next at ${job.nextRunAt() ?? 'never'}`,
    );

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    supervisor,
    shutdown(reason) {
      stopping ??= shutdownInOrder(server, scheduler, supervisor, reason, log);
      return stopping;
    },
  };
}

async function shutdownInOrder(
  server: Server,
  scheduler: CronScheduler,
  supervisor: DrillSupervisor,
  reason: string,
  log: (line: string) => void,
): Promise<void> {
  scheduler.stop();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const running = supervisor.list().length;
  if (running) log(`aborting ${running} running drill${running === 1 ? '' : 's'} and waiting for cleanup`);
  await supervisor.shutdown(reason);
  server.closeAllConnections();
  await closed;
}
