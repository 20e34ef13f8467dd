/**
 * The phase state machine: setup ▶ baseline ▶ fault ▶ detect ▶ decide ▶ roll back ▶ verify ▶ clean up,
 * on one clock and one timeline. It knows the ports, never a concrete adapter. Whatever happens —
 * success, a missed detection, a failed rollback, SIGINT, an adapter throwing — the cleanup stack
 * unwinds and a complete record is returned.
 */
import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';
import type { Clock } from '../core/clock.js';
import { formatDurationMs, PhaseTimeoutError } from '../core/errors.js';
import type { DecisionMaker, Decision } from '../decisions/port.js';
import type { Detector, Detection } from '../detectors/port.js';
import type { Fault } from '../faults/port.js';
import { judgeAgainstSlo } from '../measure/recovery.js';
import { samplesInWindow, windowSli } from '../measure/windows.js';
import type { Scenario } from '../scenario/model.js';
import type { RunRecord } from '../store/run-record.js';
import type { Target, RollbackConfirmation } from '../targets/port.js';
import { waitForStableServing } from '../targets/wait-for-stable.js';
import type { TrafficGenerator } from '../traffic/port.js';
import { CleanupStack } from './cleanup-stack.js';
import { abortReasonOf, DrillAbort } from './drill-abort.js';
import type { DrillObserver } from './observer.js';
import { withPhaseTimeout } from './phase-timeout.js';
import { Timeline, type PhaseName } from './timeline.js';
import { TrafficFanout } from './traffic-fanout.js';
import { assembleRecord } from './assemble-record.js';

export interface DrillAdapters {
  readonly target: Target;
  readonly fault: Fault;
  readonly traffic: TrafficGenerator;
  readonly detector: Detector;
  readonly decision: DecisionMaker;
}

export interface DrillOptions {
  readonly scenario: Scenario;
  readonly scenarioFile: string | null;
  readonly adapters: DrillAdapters;
  readonly clock: Clock;
  readonly runId: string;
  readonly harnessVersion: string;
  readonly observers?: readonly DrillObserver[];
  /** Aborts the drill from outside (SIGINT, SIGTERM, an API call); its reason becomes the record's. */
  readonly signal?: AbortSignal;
  /** Progress lines from adapters (long waits). */
  readonly log?: (message: string) => void;
  /** The folder this run's record goes to; created by the caller before the drill starts. */
  readonly runFolder?: string;
}

/** How long injecting a fault may take (a deploy that hangs is a failed drill, not a stuck one). */
export const FAULT_INJECT_TIMEOUT_MS = 120_000;
const OBSERVER_FINISH_TIMEOUT_MS = 20_000;
const IN_PROCESS: ObservationResolution = { method: 'in-process event', resolutionSeconds: 0.001 };

export async function runDrill(options: DrillOptions): Promise<RunRecord> {
  const { scenario, clock, adapters } = options;
  const { target, fault, traffic, detector, decision: decisionMaker } = adapters;
  const observers = options.observers ?? [];
  const timeline = new Timeline(clock);
  const fanout = new TrafficFanout();
  const cleanup = new CleanupStack(clock);
  const abort = new AbortController();
  const log = options.log ?? ((): void => undefined);
  const startedAtMs = clock.now();

  for (const observer of observers) {
    timeline.onEvent((event) => safely(() => observer.event?.(event)));
    if (observer.sample) fanout.subscribe({ sample: (s) => observer.sample?.(s) });
  }
  const onExternalAbort = (): void =>
    abort.abort(new DrillAbort(abortReasonOf(options.signal as AbortSignal, 'interrupted')));
  if (options.signal?.aborted) onExternalAbort();
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  const cancelMaxDuration = clock.setTimer(
    () =>
      abort.abort(
        new DrillAbort(
          `the drill ran past its maximum duration of ${formatDurationMs(scenario.abort.maxDuration)}`,
        ),
      ),
    scenario.abort.maxDuration,
  );

  const run = options.runFolder ? { id: options.runId, folder: options.runFolder } : undefined;
  const context = (signal: AbortSignal = abort.signal): AdapterContext => ({
    clock,
    signal,
    log,
    ...(run ? { run } : {}),
  });
  const phaseFailures: string[] = [];
  let abortReason: string | null = null;
  let faultObservation: ObservationResolution | null = null;
  let rollbackObservation: ObservationResolution | null = null;
  let detection: Detection | null = null;
  let decision: Decision | null = null;
  let confirmation: RollbackConfirmation | null = null;
  let versionAfterRollback: string | null = null;
  let versionAfterRun: string | null = null;

  const phase = async <T>(name: PhaseName, work: () => Promise<T>): Promise<T> => {
    timeline.record('phase.started', `${name} started`, { phase: name });
    try {
      return await work();
    } finally {
      timeline.record('phase.ended', `${name} ended`, { phase: name });
    }
  };

  timeline.record('run.started', `drill ${scenario.metadata.name} started (run ${options.runId})`, {
    data: { runId: options.runId },
  });
  for (const observer of observers) {
    safely(() =>
      observer.runStarted?.({
        runId: options.runId,
        scenario,
        fault: fault.describe(),
        startedAtMs,
        toEpochMs: (ms) => clock.toEpochMs(ms),
      }),
    );
  }

  try {
    await phase('setup', async () => {
      cleanup.push('stop the target', () => target.dispose());
      const { baseUrl } = await target.prepare(context());
      timeline.record('target.ready', `stable version ${target.stableVersion} serving at ${baseUrl.href}`, {
        phase: 'setup',
      });
      cleanup.push('make sure the stable version serves', async (signal) => {
        versionAfterRun = await ensureStableServing(target, context(signal));
      });
      cleanup.push('stop traffic', () => traffic.stop());
      await traffic.start(baseUrl, fanout, context());
    });

    const baselineStartMs = clock.now();
    await phase('baseline', () => clock.sleep(scenario.phases.baseline.duration, abort.signal));
    const baselineSamples = samplesInWindow(fanout.samples(), baselineStartMs, clock.now());
    const baselineVerdict = judgeAgainstSlo(baselineSamples, scenario.slos);
    if (!baselineVerdict.withinSlo) {
      throw new DrillAbort(
        `the baseline did not meet the SLO (${baselineVerdict.reason ?? 'unknown'}); nothing was injected`,
      );
    }
    const baseline = windowSli(fanout.samples(), baselineStartMs, clock.now());

    await phase('fault', async () => {
      cleanup.push('clear the fault', async (signal) => {
        await fault.clear(context(signal));
      });
      const injection = await withPhaseTimeout(
        clock,
        'fault injection',
        FAULT_INJECT_TIMEOUT_MS,
        abort.signal,
        (signal) => fault.inject(context(signal)),
      );
      faultObservation = injection.observation;
      timeline.record('fault.injected', `fault in effect: ${fault.describe().summary}`, {
        phase: 'fault',
        atMs: injection.effectiveAtMs,
        data: { observation: injection.observation },
      });
    });

    detection = await phase('detect', async () => {
      const found = await attempt(
        phaseFailures,
        timeline,
        'detect',
        () =>
          withPhaseTimeout(clock, 'detection', scenario.phases.detection.timeout, abort.signal, (signal) =>
            detector.watch({
              ...context(signal),
              slos: scenario.slos,
              baseline,
              subscribe: (listener) => fanout.subscribe(listener),
            }),
          ),
        `not detected within ${formatDurationMs(scenario.phases.detection.timeout)}`,
      );
      if (found)
        timeline.record('detected', found.reason, {
          phase: 'detect',
          atMs: found.atMs,
          data: found.observed,
        });
      return found;
    });
    if (detection) {
      const found = detection;
      decision = await phase('decide', async () => {
        const decided = await attempt(
          phaseFailures,
          timeline,
          'decide',
          () =>
            withPhaseTimeout(clock, 'decision', scenario.phases.decision.timeout, abort.signal, (signal) =>
              decisionMaker.decide(found, context(signal)),
            ),
          `no decision within ${formatDurationMs(scenario.phases.decision.timeout)}`,
        );
        if (decided) {
          timeline.record(
            'decided',
            `decided to roll back (${decided.decidedBy})${decided.note ? `: ${decided.note}` : ''}`,
            {
              phase: 'decide',
              atMs: decided.atMs,
              data: { decidedBy: decided.decidedBy },
            },
          );
        }
        return decided;
      });
    }
    if (decision) {
      confirmation = await phase('rollback', async () => {
        const rollbackBy = decision?.rollbackBy ?? 'harness';
        timeline.record(
          'rollback.started',
          rollbackBy === 'external'
            ? `waiting for an external rollback to ${target.stableVersion}`
            : `rolling back to ${target.stableVersion}`,
          { phase: 'rollback', data: { rollbackBy } },
        );
        const confirmed = await attempt(
          phaseFailures,
          timeline,
          'rollback',
          () =>
            withPhaseTimeout(clock, 'rollback', scenario.phases.rollback.timeout, abort.signal, (signal) =>
              rollbackBy === 'external'
                ? waitForStableServing(target, context(signal))
                : target.rollback(context(signal)),
            ),
          `rollback did not complete within ${formatDurationMs(scenario.phases.rollback.timeout)}`,
          (message) => timeline.record('rollback.failed', message, { phase: 'rollback' }),
        );
        if (confirmed) {
          rollbackObservation = confirmed.observation;
          timeline.record('rollback.completed', `version ${confirmed.version} serving and healthy`, {
            phase: 'rollback',
            atMs: confirmed.completedAtMs,
            data: { version: confirmed.version, observation: confirmed.observation },
          });
        }
        if (!fault.remediatedByRollback) {
          // e.g. a toxic that came with the release or config change that was just rolled back
          await fault.clear(context());
          timeline.record('fault.cleared', 'fault cleared', { phase: 'rollback' });
        }
        return confirmed;
      });
    }
    if (confirmation) {
      const verifyUntil = confirmation.completedAtMs + scenario.phases.verify.window;
      await phase('verify', async () => {
        await clock.sleep(Math.max(0, verifyUntil - clock.now()), abort.signal);
        versionAfterRollback = (await target.currentVersion(context())) ?? null;
      });
    }
  } catch (error) {
    abortReason = describeAbort(error, abort.signal);
    timeline.record('run.aborted', `aborted: ${abortReason}`, {
      ...(error instanceof Error && !(error instanceof DrillAbort) && !abort.signal.aborted
        ? { data: { error: error.message } }
        : {}),
    });
  } finally {
    cancelMaxDuration();
    options.signal?.removeEventListener('abort', onExternalAbort);
    await phase('cleanup', () =>
      cleanup.unwind((report) =>
        timeline.record(
          report.ok ? 'cleanup.step' : 'cleanup.failed',
          report.ok ? `${report.name}: done` : `${report.name}: FAILED: ${report.error ?? 'unknown'}`,
          { phase: 'cleanup', data: { durationMs: Math.round(report.durationMs) } },
        ),
      ),
    );
  }

  const record = assembleRecord({
    options,
    timeline,
    samples: fanout.samples(),
    startedAtMs,
    abortReason,
    phaseFailures,
    observations: {
      fault: faultObservation,
      detection: detector.describe().observation,
      decision: IN_PROCESS,
      rollback: rollbackObservation,
    },
    detection,
    decision,
    versionAfterRollback,
    versionAfterRun,
  });
  await notifyFinished(observers, record, clock);
  return record;
}

/** Runs a phase's work; a timeout or a non-abort failure becomes a recorded phase failure (null). */
async function attempt<T>(
  failures: string[],
  timeline: Timeline,
  phase: PhaseName,
  work: () => Promise<T>,
  timeoutMessage: string,
  onFailure?: (message: string) => void,
): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PhaseTimeoutError) {
      timeline.record('phase.timeout', timeoutMessage, { phase });
      failures.push(timeoutMessage);
      onFailure?.(timeoutMessage);
      return null;
    }
    if (error instanceof Error && error.name === 'AbortError') throw error;
    const message = `${phase} failed: ${error instanceof Error ? error.message : String(error)}`;
    failures.push(message);
    onFailure?.(message);
    return null;
  }
}

async function ensureStableServing(target: Target, ctx: AdapterContext): Promise<string | null> {
  const version = (await target.currentVersion(ctx)) ?? null;
  if (version === target.stableVersion) return version;
  await target.rollback(ctx);
  return (await target.currentVersion(ctx)) ?? null;
}

function describeAbort(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return abortReasonOf(signal, 'aborted');
  if (error instanceof DrillAbort) return error.message;
  return `the drill could not continue: ${error instanceof Error ? error.message : String(error)}`;
}

async function notifyFinished(
  observers: readonly DrillObserver[],
  record: RunRecord,
  clock: Clock,
): Promise<void> {
  await Promise.all(
    observers.map(async (observer) => {
      if (!observer.runFinished) return;
      const timeout = new AbortController();
      try {
        await Promise.race([
          Promise.resolve(observer.runFinished(record)),
          clock.sleep(OBSERVER_FINISH_TIMEOUT_MS, timeout.signal),
        ]);
      } catch {
        // Observers record their own failures in record.exports; the drill's result stands.
      } finally {
        timeout.abort();
      }
    }),
  );
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // An observer must never break the drill.
  }
}
