/**
 * Runs drills inside the daemon: one at a time per target (TargetLocks), each with its own
 * AbortController so the API and shutdown can stop it, the shared metrics registry as an
 * exporter, and the same record path as `rollback-drill run` (ensureRunFolder → runDrill →
 * saveRun). A drill always ends with a saved record; the lock is released only after that.
 */
import { rmdir } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';
import { createExporters, type DrillMetrics, type ExportersOptions } from '../../exporters/index.js';
import { renderMarkdownReport } from '../../exporters/reports/markdown.js';
import { DrillAbort } from '../runner/drill-abort.js';
import type { DrillObserver } from '../runner/observer.js';
import type { PhaseName } from '../runner/timeline.js';
import type { Scenario } from '../scenario/model.js';
import type { RunRecord } from '../store/run-record.js';
import { ensureRunFolder, newRunId, saveRun } from '../store/run-store.js';
import { targetLockKeys, TargetLocks, type LockHolder } from './target-lock.js';

/** What a drill gets to run with. */
export interface DrillLaunch {
  readonly scenario: Scenario;
  readonly scenarioFile: string;
  readonly runId: string;
  readonly runFolder: string;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly observers: readonly DrillObserver[];
  readonly log: (message: string) => void;
}

/** Runs one drill to its record (in production: createAdapters + runDrill; see drill-executor.ts). */
export type DrillExecutor = (launch: DrillLaunch) => Promise<RunRecord>;

export type RunOrigin = 'api' | 'schedule';

export interface ActiveRun {
  readonly runId: string;
  readonly scenario: string;
  readonly service: string;
  readonly environment: string;
  readonly scenarioFile: string;
  readonly folder: string;
  readonly origin: RunOrigin;
  readonly startedAt: string;
  readonly targetKeys: readonly string[];
  phase: PhaseName | null;
  /** Why an abort was asked for, once it was. */
  abortReason: string | null;
  /** Resolves when the drill is over and its record saved (undefined if saving failed). */
  readonly finished: Promise<RunRecord | undefined>;
}

export type StartResult =
  | { readonly started: true; readonly run: ActiveRun }
  | { readonly started: false; readonly reason: 'busy'; readonly holder: LockHolder }
  | { readonly started: false; readonly reason: 'shutting-down' };

export interface SupervisorOptions {
  readonly runsDir: string;
  readonly clock: Clock;
  readonly metrics: DrillMetrics;
  readonly execute: DrillExecutor;
  readonly log: (line: string) => void;
  /** Exporter settings per drill besides the shared registry (pushgateway/otel from the scenario). */
  readonly exportersFor?: (scenario: Scenario) => ExportersOptions;
  /**
   * More reports beside the record (report.html, junit.xml), written before run.json because
   * run.json appearing is what says a run folder is complete. Returns one line per problem; a
   * report that fails never costs the run its record.
   */
  readonly writeExtraReports?: (
    folder: string,
    record: RunRecord,
  ) => Promise<{ readonly problems: readonly string[] }>;
  /** After a drill is over and its lock released (history refresh). Must not throw. */
  readonly onFinished?: (record: RunRecord | undefined, run: ActiveRun) => void;
  readonly locks?: TargetLocks;
}

type TrackedRun = ActiveRun & { readonly controller: AbortController };

export class DrillSupervisor {
  private readonly active = new Map<string, TrackedRun>();
  private readonly locks: TargetLocks;
  private shuttingDown = false;

  constructor(private readonly options: SupervisorOptions) {
    this.locks = options.locks ?? new TargetLocks();
  }

  /**
   * Starts a drill. The target lock is taken synchronously, before any await, so two requests
   * arriving together cannot both get it. Resolves once the run folder exists (marks can be written).
   */
  async start(scenario: Scenario, scenarioFile: string, origin: RunOrigin): Promise<StartResult> {
    if (this.shuttingDown) return { started: false, reason: 'shutting-down' };
    const { clock } = this.options;
    const nowEpochMs = clock.toEpochMs(clock.now());
    const runId = newRunId(scenario.metadata.name, nowEpochMs);
    const targetKeys = targetLockKeys(scenario);
    const lock = this.locks.tryAcquire(targetKeys, runId, nowEpochMs);
    if (!lock.acquired) return { started: false, reason: 'busy', holder: lock.holder };

    let folder: string;
    try {
      folder = await ensureRunFolder(this.options.runsDir, runId);
    } catch (error) {
      lock.release();
      throw error;
    }
    if (this.shuttingDown) {
      // Shutdown began while the folder was being made: it would not know to abort this run.
      lock.release();
      await rmdir(folder).catch(() => undefined);
      return { started: false, reason: 'shutting-down' };
    }
    const controller = new AbortController();
    let resolveFinished: (record: RunRecord | undefined) => void = () => undefined;
    const finished = new Promise<RunRecord | undefined>((resolve) => (resolveFinished = resolve));
    const run: TrackedRun = {
      runId,
      scenario: scenario.metadata.name,
      service: scenario.metadata.service,
      environment: scenario.metadata.environment,
      scenarioFile,
      folder,
      origin,
      startedAt: new Date(nowEpochMs).toISOString(),
      targetKeys,
      phase: null,
      abortReason: null,
      finished,
      controller,
    };
    this.active.set(runId, run);
    this.options.log(`${runId}: started (${origin}) from ${scenarioFile}`);
    void this.drive(run, scenario).then(
      (record) => {
        lock.release();
        this.active.delete(runId);
        try {
          this.options.onFinished?.(record, run);
        } catch (error) {
          this.options.log(`${runId}: after-run hook failed: ${messageOf(error)}`);
        }
        resolveFinished(record);
      },
      // drive() catches everything; this is belt and braces so a lock can never leak.
      () => {
        lock.release();
        this.active.delete(runId);
        resolveFinished(undefined);
      },
    );
    return { started: true, run };
  }

  get(runId: string): ActiveRun | undefined {
    return this.active.get(runId);
  }

  list(): ActiveRun[] {
    return [...this.active.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  holderOf(scenario: Scenario): LockHolder | undefined {
    return this.locks.holderOf(targetLockKeys(scenario));
  }

  /** Asks a running drill to stop; it cleans up and saves its record as aborted. False if not running. */
  abort(runId: string, reason: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    if (run.abortReason === null) {
      run.abortReason = reason;
      this.options.log(`${runId}: abort requested: ${reason}`);
      run.controller.abort(new DrillAbort(reason));
    }
    return true;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Refuses new drills, aborts the running ones and waits until each has cleaned up and saved. */
  async shutdown(reason: string): Promise<void> {
    this.shuttingDown = true;
    const running = this.list();
    for (const run of running) this.abort(run.runId, reason);
    await Promise.allSettled(running.map((run) => run.finished));
  }

  private async drive(run: TrackedRun, scenario: Scenario): Promise<RunRecord | undefined> {
    const { clock, log } = this.options;
    const exporters = createExporters({
      ...this.options.exportersFor?.(scenario),
      metrics: this.options.metrics,
      clock,
    });
    const phaseTracker: DrillObserver = {
      event: (event) => {
        if (event.type === 'phase.started' && event.phase) run.phase = event.phase;
      },
    };
    try {
      await exporters.start();
      const record = await this.options.execute({
        scenario,
        scenarioFile: run.scenarioFile,
        runId: run.runId,
        runFolder: run.folder,
        clock,
        signal: run.controller.signal,
        observers: [phaseTracker, ...exporters.observers],
        log: (message) => log(`${run.runId}: ${message}`),
      });
      const extra = await this.options.writeExtraReports?.(run.folder, record).catch((error: unknown) => ({
        problems: [`extra reports not written: ${messageOf(error)}`],
      }));
      for (const problem of extra?.problems ?? []) log(`${run.runId}: ${problem}`);
      await saveRun(this.options.runsDir, record, renderMarkdownReport(record));
      log(`${run.runId}: ${record.result}: ${record.reason}`);
      return record;
    } catch (error) {
      log(`${run.runId}: the drill could not be run or recorded: ${messageOf(error)}`);
      return undefined;
    } finally {
      await exporters.shutdown();
      for (const line of exporters.summary()) log(`${run.runId}: ${line}`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
