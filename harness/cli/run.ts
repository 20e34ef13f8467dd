/** `rollback-drill run FILE`: one drill, end to end; writes DIR/<runId>/run.json and report.md. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createExporters, type ExportersOptions } from '../../exporters/index.js';
import type { Scenario } from '../scenario/model.js';
import { relative } from 'node:path';
import { SystemClock } from '../core/clock.js';
import { ExitCode, type ExitCodeValue } from '../core/errors.js';
import { renderMarkdownReport } from '../../exporters/reports/markdown.js';
import { writeExtraReports } from '../../exporters/reports/html-files.js';
import { createAdapters } from '../runner/adapters.js';
import { DrillAbort } from '../runner/drill-abort.js';
import { runDrill } from '../runner/run-drill.js';
import type { DrillObserver } from '../runner/observer.js';
import { loadScenarioFile } from '../scenario/load.js';
import { parseDurationMs } from '../scenario/units.js';
import type { RunRecord } from '../store/run-record.js';
import { DEFAULT_RUNS_DIR, ensureRunFolder, newRunId, saveRun, type SavedRun } from '../store/run-store.js';
import { harnessVersion } from '../version.js';
import { secrets } from '../core/secrets.js';
import { RUN_ID_ENV } from '../runner/intents.js';
import { recoverBeforeRun } from './recover.js';
import type { CliIo } from './io.js';
import { createProgressObserver } from './progress.js';
import { createStyle, type Style } from './style.js';
import { seconds } from '../../exporters/reports/format.js';

export interface RunCommandOptions {
  readonly out: string;
  readonly json: boolean;
  readonly color: boolean;
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  /** --metrics-linger, in ms: how long /metrics stays up after the drill. */
  readonly metricsLinger?: number;
  readonly pushgateway?: string;
  readonly otlpEndpoint?: string;
  readonly otlpProtocol?: 'http/json' | 'http/protobuf';
  /** commander's negated --no-otel: false turns OpenTelemetry off even when OTEL_* is set. */
  readonly otel?: boolean;
}

/** How long /metrics stays up after the drill by default, so a 1–2 s scrape job gets the final values. */
export const DEFAULT_METRICS_LINGER_MS = 5_000;

export const RESULT_EXIT_CODE: Record<RunRecord['result'], ExitCodeValue> = {
  passed: ExitCode.passed,
  failed: ExitCode.failed,
  aborted: ExitCode.aborted,
  interrupted: ExitCode.aborted,
};

export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      'run one rollback drill: baseline, inject the fault, detect, decide, roll back, verify, measure',
    )
    .argument('<file>', 'scenario file (YAML)')
    .option('-o, --out <dir>', 'folder for run records', DEFAULT_RUNS_DIR)
    .option('--json', 'print a JSON summary of the run record on stdout', false)
    .option('--no-color', 'no colours in progress output (NO_COLOR is honoured too)')
    .option(
      '--metrics-port <port>',
      'serve Prometheus /metrics on this port while the drill runs (0 = any)',
      parsePort,
    )
    .option('--metrics-host <host>', 'address for /metrics', '127.0.0.1')
    .option(
      '--metrics-linger <duration>',
      'keep /metrics up this long after the drill, for a last scrape (at least 2 scrape intervals; Ctrl-C ends it)',
      parseLinger,
      DEFAULT_METRICS_LINGER_MS,
    )
    .option(
      '--pushgateway <url>',
      "push the run's metrics to this Pushgateway when it ends (overrides exports.pushgateway)",
    )
    .option(
      '--otlp-endpoint <url>',
      'send a trace of the drill over OTLP/HTTP (default: OTEL_EXPORTER_OTLP_ENDPOINT)',
    )
    .addOption(
      new Option('--otlp-protocol <protocol>', 'OTLP encoding').choices(['http/json', 'http/protobuf']),
    )
    .option('--no-otel', 'export no OpenTelemetry data even when OTEL_* variables are set')
    .addHelpText(
      'after',
      `
Exit codes: 0 passed, 1 failed (rollback failed or an objective was missed), 2 invalid input,
3 aborted (interrupted, baseline out of SLO, setup failure), 4 internal error.

Exports never change a drill's result: a failed push or trace export is retried, reported here and
recorded in run.json under "exports".

Examples:
  $ rollback-drill run scenarios/demo-bad-release.yaml
  $ rollback-drill run scenarios/demo-latency-release.yaml --out /var/lib/drills --json
  $ rollback-drill run drill.yaml --metrics-port 9464 --pushgateway http://127.0.0.1:9091
  $ rollback-drill run drill.yaml --metrics-port 9464 --metrics-linger 45s   # a 15 s scrape interval
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 rollback-drill run drill.yaml`,
    )
    .action(async (file: string, options: RunCommandOptions) => {
      io.setExitCode(await runCommand(file, options, io));
    });
}

export async function runCommand(
  file: string,
  options: RunCommandOptions,
  io: CliIo,
): Promise<ExitCodeValue> {
  const { scenario } = await loadScenarioFile(file);
  // Undo what crashed drills left before changing anything (docs/reliability.md).
  await recoverBeforeRun(options.out, io);
  const clock = new SystemClock();
  const runId = newRunId(scenario.metadata.name, Date.now());
  // Inherited by every process the drill starts: `recover` finds them by it after a crash.
  process.env[RUN_ID_ENV] = runId;
  const style = createStyle({ isTTY: io.stderrIsTTY, noColorFlag: !options.color });
  const progress = createProgressObserver({ isTTY: io.stderrIsTTY, write: (t) => io.stderr(t) }, style);
  const exporters = createExporters(exporterOptions(scenario, options));
  await exporters.start();
  const metricsUrl = exporters.metricsUrl();
  const observers: DrillObserver[] = [progress, ...exporters.observers];

  const interruption = new AbortController();
  // Ctrl-C after the drill (while /metrics lingers) only ends the linger: the records are saved.
  const stopLingering = new AbortController();
  let drillOver = false;
  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalsSeen += 1;
    stopLingering.abort();
    if (drillOver) {
      io.stderr(`\n${signal} received: closing /metrics and exiting\n`);
    } else if (signalsSeen === 1) {
      io.stderr(`\n${signal} received: aborting the drill and cleaning up (send it again to exit at once)\n`);
      interruption.abort(new DrillAbort(`interrupted by ${signal}`));
    } else {
      io.stderr(`${signal} again: exiting without finishing cleanup\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  io.stderr(`${style.bold('rollback-drill')} ${scenario.metadata.name} — run ${runId}\n`);
  if (metricsUrl) io.stderr(`${style.dim('  …')} serving metrics at ${metricsUrl}\n`);
  let record: RunRecord;
  let saved: SavedRun;
  let extraReports: readonly string[];
  const runFolder = await ensureRunFolder(options.out, runId);
  try {
    record = await runDrill({
      runFolder,
      scenario,
      scenarioFile: relative(process.cwd(), file) || file,
      adapters: createAdapters(scenario),
      clock,
      runId,
      harnessVersion: harnessVersion(),
      observers,
      signal: interruption.signal,
      log: (message) => io.stderr(`${style.dim('  …')} ${message}\n`),
    });
    // Records first, then the exporters' linger: a crash or kill while /metrics lingers loses nothing.
    // report.html and junit.xml before run.json: run.json appearing is the signal that a run is complete.
    const extra = await writeExtraReports(runFolder, record);
    for (const problem of extra.problems) io.stderr(`${style.dim('  …')} ${problem}\n`);
    saved = await saveRun(options.out, record, renderMarkdownReport(record));
    extraReports = extra.written;
  } finally {
    drillOver = true;
    progress.finish();
    const lingerMs = options.metricsLinger ?? DEFAULT_METRICS_LINGER_MS;
    if (metricsUrl && lingerMs > 0 && !stopLingering.signal.aborted)
      io.stderr(
        `${style.dim('  …')} keeping ${metricsUrl} up for ${seconds(lingerMs / 1000)} for a last scrape (Ctrl-C ends it)\n`,
      );
    await exporters.shutdown(stopLingering.signal);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const line of exporters.summary()) io.stderr(`${style.dim('  …')} ${secrets.redact(line)}\n`);
  if (options.json) io.stdout(`${JSON.stringify(jsonSummary(record, saved, extraReports), null, 2)}\n`);
  else io.stdout(textSummary(record, saved, style, extraReports));
  return RESULT_EXIT_CODE[record.result];
}

export function jsonSummary(
  record: RunRecord,
  saved: SavedRun,
  extraReports: readonly string[] = [],
): Record<string, unknown> {
  return {
    runId: record.runId,
    scenario: record.scenario.name,
    result: record.result,
    reason: record.reason,
    failures: record.failures,
    measurements: record.measurements,
    objectives: record.objectives,
    versionAfterRun: record.target.versionAfterRun,
    exports: record.exports,
    recordPath: saved.recordPath,
    reportPath: saved.reportPath,
    otherReports: extraReports,
  };
}

function textSummary(
  record: RunRecord,
  saved: SavedRun,
  style: Style,
  extraReports: readonly string[],
): string {
  const m = record.measurements;
  const at = (name: keyof RunRecord['measurements']['observations']): string =>
    seconds(m[name], m.observations[name]?.resolutionSeconds);
  const word =
    record.result === 'passed'
      ? style.green('PASSED')
      : record.result === 'failed'
        ? style.red('FAILED')
        : style.yellow(record.result.toUpperCase());
  const lines = [
    '',
    `${word} ${record.scenario.name}: ${record.reason}`,
    `  detect ${at('timeToDetectSeconds')} · decide ${at('timeToDecideSeconds')} · roll back ${at('timeToRollbackSeconds')} · recover ${at('timeToRecoverSeconds')}`,
    `  rollback ${m.rollbackSucceeded ? 'succeeded' : `failed: ${m.rollbackFailureReason ?? ''}`}; serving after the run: ${record.target.versionAfterRun ?? 'unknown'}`,
    ...record.failures.slice(1).map((f) => `  also: ${f}`),
    `  record: ${relative(process.cwd(), saved.recordPath)}`,
    `  report: ${relative(process.cwd(), saved.reportPath)}`,
    ...extraReports.map((path) => `          ${relative(process.cwd(), path)}`),
    '',
  ];
  return lines.join('\n');
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return port;
}

/** --metrics-linger: a duration such as 5s, 45s or 2m; 0s closes /metrics as soon as the drill ends. */
export function parseLinger(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms > 3_600_000)
    throw new InvalidArgumentError('expected a duration from 0s to 1h, such as 5s, 45s or 2m');
  return ms;
}

/** Flags win over the scenario's `exports:` block; OpenTelemetry also follows the OTEL_* variables. */
export function exporterOptions(scenario: Scenario, options: RunCommandOptions): ExportersOptions {
  const pushgatewayUrl = options.pushgateway ?? scenario.exports?.pushgateway?.url;
  const otlp = scenario.exports?.otlp;
  const endpoint = options.otlpEndpoint ?? otlp?.endpoint;
  const protocol = options.otlpProtocol ?? otlp?.protocol;
  return {
    ...(options.metricsPort !== undefined
      ? {
          metricsPort: options.metricsPort,
          metricsHost: options.metricsHost ?? '127.0.0.1',
          metricsLingerMs: options.metricsLinger ?? DEFAULT_METRICS_LINGER_MS,
        }
      : {}),
    ...(pushgatewayUrl
      ? { pushgatewayUrl, pushgateway: { job: scenario.exports?.pushgateway?.job ?? 'rollback_drill' } }
      : {}),
    otel:
      options.otel === false ? false : endpoint ? { endpoint, ...(protocol ? { protocol } : {}) } : undefined,
  };
}
