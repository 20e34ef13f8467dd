/**
 * One drill from a loaded scenario to its saved record — what `rollback-drill run` does between
 * loading the file and printing the summary, without the terminal and signal handling a command owns:
 * a run id and folder, the adapters from the scenario, the exporters its `exports:` block asks for,
 * the runner, then run.json and report.md. The game day runs every drill through this; `run` could
 * too (see the report to the lead).
 */
import { relative } from 'node:path';
import { createExporters } from '../../exporters/index.js';
import { renderMarkdownReport } from '../../exporters/reports/markdown.js';
import { exporterOptions } from '../cli/run.js';
import { SystemClock, type Clock } from '../core/clock.js';
import { createAdapters } from '../runner/adapters.js';
import type { DrillObserver } from '../runner/observer.js';
import { runDrill } from '../runner/run-drill.js';
import type { Scenario } from '../scenario/model.js';
import type { RunRecord } from '../store/run-record.js';
import { ensureRunFolder, newRunId, saveRun, type SavedRun } from '../store/run-store.js';
import { harnessVersion } from '../version.js';

export interface ScenarioDrillOptions {
  readonly scenario: Scenario;
  /** The scenario file, for the record (shown relative to the working directory). */
  readonly file: string;
  /** The runs folder: the record goes to <out>/<runId>/. */
  readonly out: string;
  /** Aborts the drill (SIGINT, a game day stopping); its reason becomes the record's. */
  readonly signal?: AbortSignal;
  /** Progress lines from the adapters. */
  readonly log?: (line: string) => void;
  readonly observers?: readonly DrillObserver[];
  readonly clock?: Clock;
  /** Called with the run id and folder before the drill starts. */
  readonly onStart?: (run: { readonly runId: string; readonly folder: string }) => void;
}

export interface ScenarioDrillResult {
  readonly record: RunRecord;
  readonly saved: SavedRun;
  /** What the exporters did, one line each (pushed, exported, failed). */
  readonly exportSummary: readonly string[];
}

export async function runScenarioDrill(options: ScenarioDrillOptions): Promise<ScenarioDrillResult> {
  const { scenario } = options;
  const runId = newRunId(scenario.metadata.name, Date.now());
  const folder = await ensureRunFolder(options.out, runId);
  options.onStart?.({ runId, folder });
  // The scenario's own exports: block (pushgateway, otlp); no live /metrics port for a game day.
  const exporters = createExporters(
    exporterOptions(scenario, { out: options.out, json: false, color: false }),
  );
  await exporters.start();
  let result: { record: RunRecord; saved: SavedRun };
  try {
    const record = await runDrill({
      runFolder: folder,
      scenario,
      scenarioFile: relative(process.cwd(), options.file) || options.file,
      adapters: createAdapters(scenario),
      clock: options.clock ?? new SystemClock(),
      runId,
      harnessVersion: harnessVersion(),
      observers: [...(options.observers ?? []), ...exporters.observers],
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    result = { record, saved: await saveRun(options.out, record, renderMarkdownReport(record)) };
  } finally {
    await exporters.shutdown();
  }
  return { ...result, exportSummary: exporters.summary() };
}
