/**
 * `rollback-drill serve`: the daemon — scheduled drills, a JSON API to start, steer and abort
 * them, /metrics and /healthz. Runs until SIGTERM or SIGINT, then aborts running drills, waits for
 * their cleanup and records, and exits 0. See docs/serve.md.
 */
import { Option, InvalidArgumentError, type Command } from 'commander';
import { SystemClock, type Clock } from '../core/clock.js';
import { ExitCode } from '../core/errors.js';
import { parseDurationMs } from '../scenario/units.js';
import { resolveServeAuth, isLoopbackHost, TOKEN_ENV } from '../server/auth.js';
import { startServeDaemon, type ServeDaemon, type ServeOptions } from '../server/daemon.js';
import { executeDrillInProcess } from '../server/drill-executor.js';
import { builtinReportRenderers, type ReportRenderers } from '../server/reports.js';
import { renderHtmlReport } from '../../exporters/reports/html.js';
import { writeExtraReports } from '../../exporters/reports/html-files.js';
import { renderJunit } from '../../exporters/reports/junit.js';
import { secrets } from '../core/secrets.js';
import { recoverBeforeRun } from './recover.js';
import { parseScheduleFlag, readSchedulesFile, type ScheduleSpec } from '../server/schedules.js';
import { DEFAULT_RUNS_DIR } from '../store/run-store.js';
import type { CliIo } from './io.js';
import { exporterOptions } from './run.js';

export interface ServeCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly runs: string;
  readonly scenarios: string;
  readonly tokenFile?: string;
  readonly insecureNoAuth: boolean;
  readonly schedule: readonly ScheduleSpec[];
  readonly schedules?: string;
  readonly historyWindow: number;
}

/** What GET /api/runs/:id/report?format=… serves: markdown (default), the HTML postmortem, JUnit XML. */
export const SERVED_REPORTS: ReportRenderers = {
  ...builtinReportRenderers,
  html: { contentType: 'text/html; charset=utf-8', render: renderHtmlReport },
  junit: { contentType: 'application/xml; charset=utf-8', render: (record) => renderJunit([record]) },
};

/** What the command needs from its process; injectable for tests. */
export interface ServeDependencies {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** The report formats GET /api/runs/:id/report serves (default: markdown, html, junit). */
  readonly reports?: ReportRenderers;
  /** Reports written beside each record (default: report.html and junit.xml). */
  readonly writeExtraReports?: ServeOptions['writeExtraReports'];
  /** Undoes what crashed drills left in the runs folder before serving (default: recoverBeforeRun). */
  readonly recover?: (runsDir: string, io: Pick<CliIo, 'stderr'>) => Promise<unknown>;
  /** Resolves with the signal name that should stop the daemon. */
  readonly stopSignal?: (daemon: ServeDaemon) => Promise<string>;
}

export function registerServeCommand(
  program: Command,
  io: CliIo,
  deps: Partial<ServeDependencies> = {},
): void {
  program
    .command('serve')
    .description('run the drill daemon: scheduled drills, a JSON API to start, mark and abort them, /metrics')
    .option('--host <host>', 'address to listen on (loopback unless you mean otherwise)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 8080)
    .option('--runs <dir>', 'folder of run records', DEFAULT_RUNS_DIR)
    .option('--scenarios <dir>', 'folder of scenario files the API may start', './scenarios')
    .option('--token-file <file>', `file holding the API bearer token (default: $${TOKEN_ENV})`)
    .option('--insecure-no-auth', 'no token at all (loopback only)', false)
    .option(
      '--schedule <scenario=cron>',
      'run a scenario on a cron schedule, e.g. "demo-bad-release=0 3 * * *" (repeatable)',
      (text: string, previous: ScheduleSpec[]) => [...previous, parseScheduleFlag(text)],
      [] as ScheduleSpec[],
    )
    .option('--schedules <file>', 'a schedules file (apiVersion: rollback-drill/schedules/v1)')
    .addOption(
      new Option('--history-window <duration>', 'how far back the history metrics look')
        .default(30 * 86_400_000, '30d')
        .argParser(parseWindow),
    )
    .addHelpText(
      'after',
      `
Mutating API calls (POST) need  Authorization: Bearer <token>; the token comes from --token-file
or $${TOKEN_ENV} (at least 16 characters). Reads, /metrics and /healthz are open.
SIGTERM or SIGINT: stop accepting, abort running drills, wait for their cleanup, exit 0.

Examples:
  $ ROLLBACK_DRILL_TOKEN=$(openssl rand -hex 24) rollback-drill serve
  $ rollback-drill serve --token-file /etc/rollback-drill/token --runs /var/lib/drills \\
      --schedule "demo-bad-release=*/30 * * * *"
  $ curl -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
      -d '{"scenario":"demo-bad-release"}' http://127.0.0.1:8080/api/runs`,
    )
    .action(async (options: ServeCommandOptions) => {
      io.setExitCode(
        await serveCommand(options, io, { env: process.env, clock: new SystemClock(), ...deps }),
      );
    });
}

export async function serveCommand(
  options: ServeCommandOptions,
  io: CliIo,
  deps: ServeDependencies,
): Promise<number> {
  // Drill log lines can carry what adapters resolved (URLs with credentials): redacted as run's are.
  const log = (line: string): void =>
    io.stderr(`${new Date(deps.clock.toEpochMs(deps.clock.now())).toISOString()} ${secrets.redact(line)}\n`);
  const { auth, warnings } = await resolveServeAuth({
    ...(options.tokenFile !== undefined ? { tokenFile: options.tokenFile } : {}),
    env: deps.env,
    insecureNoAuth: options.insecureNoAuth,
    host: options.host,
  });
  for (const warning of warnings) log(`warning: ${warning}`);
  if (!isLoopbackHost(options.host))
    log(
      `warning: listening on ${options.host}, beyond loopback: put TLS in front (the token travels in every request)`,
    );
  const schedules = [
    ...options.schedule,
    ...(options.schedules !== undefined ? await readSchedulesFile(options.schedules) : []),
  ];

  // Before any drill starts: undo what drills of a crashed daemon (or CLI run) left behind.
  await (deps.recover ?? recoverBeforeRun)(options.runs, { stderr: (text) => log(text.trimEnd()) });

  const daemon = await startServeDaemon({
    host: options.host,
    port: options.port,
    runsDir: options.runs,
    scenariosDir: options.scenarios,
    auth,
    schedules,
    historyWindowMs: options.historyWindow,
    clock: deps.clock,
    log,
    execute: executeDrillInProcess,
    exportersFor: (scenario) => exporterOptions(scenario, { out: options.runs, json: false, color: false }),
    reports: deps.reports ?? SERVED_REPORTS,
    writeExtraReports: deps.writeExtraReports ?? ((folder, record) => writeExtraReports(folder, record)),
  });
  log(
    `listening on ${daemon.url} (runs: ${options.runs}, scenarios: ${options.scenarios}, auth: ${auth.mode})`,
  );

  const signal = await (deps.stopSignal ?? waitForStopSignal)(daemon);
  log(`${signal} received: stopping (send it again to exit at once)`);
  await daemon.shutdown(`serve stopped by ${signal}`);
  log('stopped');
  return ExitCode.passed;
}

/** The first SIGTERM/SIGINT starts a graceful stop; a second one exits at once. */
function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let seen = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      seen += 1;
      if (seen === 1) resolve(signal);
      else process.exit(130);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return port;
}

function parseWindow(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError('expected a duration such as 30d, 12h or 90d');
  return ms;
}
