/**
 * Carries out the undo steps an interrupted run still owes, newest action first (like the cleanup
 * stack), then sweeps for any process that still carries the run's environment marker. Each step is
 * reported; one that fails does not stop the others.
 */
import type { Clock } from '../core/clock.js';
import type { TargetConfig } from '../scenario/schema/targets.js';
import { createTarget as createTargetFromRegistry } from '../targets/registry.js';
import type { Target } from '../targets/port.js';
import { pendingUndo, RUN_ID_ENV, type IntentsDocument, type UndoStep } from './intents.js';
import {
  commandLineOf,
  environHas,
  isHarnessProgram,
  isSameProcess,
  processesWithEnv,
  stopProcess,
} from './intents-processes.js';
import type { RecoveryStepReport } from './intents-record.js';
import { removeProxy, removeToxic } from './intents-toxiproxy.js';

export type TargetFactory = (config: TargetConfig) => Target;

/** How long a recovered target may take to roll back when the scenario does not say. */
const DEFAULT_ROLLBACK_TIMEOUT_MS = 120_000;

export interface UndoRunnerOptions {
  readonly doc: IntentsDocument;
  readonly clock: Clock;
  readonly createTarget?: TargetFactory;
  readonly onStep?: (step: RecoveryStepReport) => void;
}

export interface UndoOutcome {
  readonly steps: RecoveryStepReport[];
  /** The version serving after a target was restored; null when no target needed it. */
  readonly versionAfterRun: string | null;
}

export function createUndoRunner(options: UndoRunnerOptions): { run(): Promise<UndoOutcome> } {
  const { doc, clock } = options;
  const createTarget = options.createTarget ?? createTargetFromRegistry;
  const steps: RecoveryStepReport[] = [];
  let versionAfterRun: string | null = null;

  const attempt = async (name: string, work: () => Promise<string | undefined>): Promise<void> => {
    const startedMs = clock.now();
    const at = new Date(clock.toEpochMs(startedMs)).toISOString();
    let report: RecoveryStepReport;
    try {
      const outcome = await work();
      report = {
        name: outcome ? `${name}: ${outcome}` : name,
        ok: true,
        at,
        durationMs: clock.now() - startedMs,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report = { name, ok: false, error: message, at, durationMs: clock.now() - startedMs };
    }
    steps.push(report);
    options.onStep?.(report);
  };

  const restoreTarget = async (step: Extract<UndoStep, { type: 'restore-target' }>): Promise<string> => {
    const target = createTarget(step.target as TargetConfig);
    const rollbackTimeout = Number(
      ((doc.scenario['phases'] as Record<string, Record<string, unknown>> | undefined)?.['rollback']?.[
        'timeout'
      ] as number | undefined) ?? DEFAULT_ROLLBACK_TIMEOUT_MS,
    );
    const ctx = {
      clock,
      signal: AbortSignal.timeout(rollbackTimeout),
      log: (): void => undefined,
    };
    try {
      const before = await target.currentVersion(ctx);
      if (before === step.stableVersion) {
        versionAfterRun = before;
        return `${before} already serving`;
      }
      const confirmation = await target.rollback(ctx);
      versionAfterRun = (await target.currentVersion(ctx)) ?? confirmation.version;
      return `rolled back from ${before ?? 'unknown'} to ${versionAfterRun}`;
    } finally {
      await target.dispose().catch(() => undefined);
    }
  };

  const runStep = async (step: UndoStep): Promise<void> => {
    switch (step.type) {
      case 'stop-processes':
        for (const tracked of step.pids) {
          await attempt(`stop ${tracked.label} (pid ${tracked.pid})`, async () => {
            const outcome = await stopProcess(tracked.pid, () => isSameProcess(tracked), clock);
            return outcome === 'stopped' ? 'stopped' : 'already gone';
          });
        }
        return;
      case 'restore-target':
        return attempt(
          `make sure ${step.stableVersion} serves on the ${String(step.target['type'])} target`,
          () => restoreTarget(step),
        );
      case 'remove-toxic':
        return attempt(`remove toxic ${step.toxic} from proxy ${step.proxy} at ${step.apiUrl}`, () =>
          removeToxic(step.apiUrl, step.proxy, step.toxic),
        );
      case 'remove-proxy':
        return attempt(`remove proxy ${step.proxy} at ${step.apiUrl}`, () =>
          removeProxy(step.apiUrl, step.proxy),
        );
      case 'none':
        return;
    }
  };

  /**
   * Processes that carry the run's marker but were never recorded (started in the instant before
   * their pid could be written). Only the harness's own programs are stopped; anything else that
   * inherited the marker — e.g. an app a deploy command restarted — is the system under drill and is
   * left alone, and said so.
   */
  const sweep = async (): Promise<void> => {
    const marker = `${RUN_ID_ENV}=${doc.runId}`;
    const marked = processesWithEnv(marker);
    const ours = marked.filter((pid) => isHarnessProgram(pid));
    if (ours.length === 0) {
      await attempt('check for processes of this run', async () => 'none left running');
    }
    for (const pid of ours) {
      await attempt(`stop leftover process ${pid} (${marker})`, async () => {
        const outcome = await stopProcess(pid, () => environHas(pid, marker) && isHarnessProgram(pid), clock);
        return outcome === 'stopped' ? 'stopped' : 'already gone';
      });
    }
    for (const pid of marked.filter((p) => !ours.includes(p))) {
      await attempt(
        `left process ${pid} running (${commandLineOf(pid)})`,
        async () =>
          'it carries the run marker but is not a rollback-drill program (e.g. an app a deploy started)',
      );
    }
  };

  return {
    async run(): Promise<UndoOutcome> {
      for (const { step } of pendingUndo(doc)) await runStep(step);
      await sweep();
      return { steps, versionAfterRun };
    },
  };
}
