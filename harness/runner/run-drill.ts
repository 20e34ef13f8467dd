/**
 * The phase state machine: setup ▶ baseline ▶ fault ▶ detect ▶ decide ▶ roll back ▶ verify ▶ clean up,
 * on one clock and one timeline. It knows the ports, never a concrete adapter. Whatever happens —
 * success, a missed detection, a failed rollback, SIGINT, an adapter throwing — the cleanup stack
 * unwinds and a complete record is returned.
 */
import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';
import type { Clock } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';
import { secrets, type SecretRedactor } from '../core/secrets.js';
import type { DecisionMaker, Decision } from '../decisions/port.js';
import type { Detector, Detection } from '../detectors/port.js';
import type { Fault } from '../faults/port.js';
import { judgeAgainstSlo } from '../measure/recovery.js';
import { samplesInWindow, windowSli } from '../measure/windows.js';
import type { Scenario } from '../scenario/model.js';
import type { RunRecord } from '../store/run-record.js';
import { redactDeep } from '../store/redact-record.js';
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
import { DrillJournal } from './intents-drill.js';
import { fileIntentStore, type IntentStore } from './intents-journal.js';
import type { ProcessIdentity } from './intents-processes.js';
import {
  attempt,
  describeAbort,
  ensureStableServing,
  journalStart,
  notifyFinished,
  safely,
  decisionObservation,
} from './run-drill-support.js';
import { faultUndo, prepareUndo, serveStableUndo, trafficUndo } from './intents-recipes.js';
import {
  stopConditionsFor,
  watchStopConditions,
  type StopConditionFired,
  type StopConditionOptions,
} from './stop-conditions.js';

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
  /**
   * The folder this run's record goes to; created by the caller before the drill starts. The intent
   * record (intents.json) is written there as the drill goes, and an abort request there stops it.
   */
  readonly runFolder?: string;
  /** Where intent records go; default intents.json in runFolder (none without a runFolder). */
  readonly intents?: IntentStore;
  /** Who writes the intent record; default this process. For tests. */
  readonly identity?: ProcessIdentity;
  /** Overrides for the stop conditions' I/O (abort requests, Prometheus queries); for tests. */
  readonly stopConditions?: Omit<StopConditionOptions, 'runFolder'>;
  /** Every event, log line and the record pass through it; default the process-wide redactor. */
  readonly redactor?: SecretRedactor;
}

/** How long injecting a fault may take (a deploy that hangs is a failed drill, not a stuck one). */
export const FAULT_INJECT_TIMEOUT_MS = 120_000;

export async function runDrill(options: DrillOptions): Promise<RunRecord> {
  const { scenario, clock, adapters } = options;
  const { target, fault, traffic, detector, decision: decisionMaker } = adapters;
  const observers = options.observers ?? [];
  const timeline = new Timeline(clock);
  const fanout = new TrafficFanout();
  const cleanup = new CleanupStack(clock);
  const abort = new AbortController();
  const redactor = options.redactor ?? secrets;
  // Adapters' progress lines reach a terminal or a CI log: no resolved secret may be in them.
  const log = (message: string): void => options.log?.(redactor.redact(message));
  const startedAtMs = clock.now();

  for (const observer of observers) {
    timeline.onEvent((event) => safely(() => observer.event?.(redactDeep(event, redactor))));
    if (observer.sample) fanout.subscribe({ sample: (s) => observer.sample?.(s) });
  }
  const onExternalAbort = (): void =>
    abort.abort(new DrillAbort(abortReasonOf(options.signal as AbortSignal, 'interrupted')));
  if (options.signal?.aborted) onExternalAbort();
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  // Stop conditions (max duration, blast radius, Prometheus, abort requests): the first to fire
  // aborts the drill at once and the cleanup stack clears the fault and rolls back.
  let stopped: StopConditionFired | null = null;
  const stopConditions = watchStopConditions(
    stopConditionsFor(scenario, {
      ...options.stopConditions,
      ...(options.runFolder ? { runFolder: options.runFolder } : {}),
    }),
    { clock, subscribe: (listener) => fanout.subscribe(listener), log },
    (fired) => {
      stopped = fired;
      abort.abort(new DrillAbort(fired.reason));
    },
  );
  const intentStore =
    options.intents ?? (options.runFolder ? fileIntentStore(options.runFolder, redactor) : undefined);
  let journal = DrillJournal.disabled();
  timeline.onEvent((event) => {
    if (event.type === 'phase.started' && event.phase) journal.phase(event.phase);
    journal.event(event);
  });

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

  let prepareIntent: number | null = null;
  let faultIntent: number | null = null;
  let faultCleared = false;

  const phase = async <T>(name: PhaseName, work: () => Promise<T>): Promise<T> => {
    // The journal follows phases in the background: nothing between the fault and the detector's
    // subscription may wait on a disk write, or a sample could pass unseen.
    timeline.record('phase.started', `${name} started`, { phase: name });
    try {
      return await work();
    } finally {
      timeline.record('phase.ended', `${name} ended`, { phase: name });
    }
  };

  // Observers first learn the run started, then hear its first event (progress times count from it).
  for (const observer of observers) {
    safely(() =>
      observer.runStarted?.({
        runId: options.runId,
        scenario: redactDeep(scenario, redactor),
        fault: redactDeep(fault.describe(), redactor),
        startedAtMs,
        toEpochMs: (ms) => clock.toEpochMs(ms),
      }),
    );
  }

  timeline.record('run.started', `drill ${scenario.metadata.name} started (run ${options.runId})`, {
    data: { runId: options.runId },
  });
  try {
    journal = await DrillJournal.open(intentStore, clock, journalStart(options), log);
    await phase('setup', async () => {
      prepareIntent = await journal.intend(
        'target.prepare',
        'setup',
        `start the ${target.kind} target (stable ${target.stableVersion})`,
        [],
      );
      cleanup.push('stop the target', async () => {
        await target.dispose();
        await journal.undone(prepareIntent);
      });
      const { baseUrl } = await journal.act(
        prepareIntent,
        () => target.prepare(context()),
        () => prepareUndo(target),
      );
      timeline.record('target.ready', `stable version ${target.stableVersion} serving at ${baseUrl.href}`, {
        phase: 'setup',
      });
      cleanup.push('make sure the stable version serves', async (signal) => {
        versionAfterRun = await ensureStableServing(target, context(signal));
        // The fault's undo is owed until both its clearing and the stable version are confirmed.
        if (faultCleared) await journal.undone(faultIntent);
      });
      const trafficIntent = await journal.intend(
        'traffic.start',
        'setup',
        `start ${traffic.kind} traffic`,
        trafficUndo(),
      );
      cleanup.push('stop traffic', async () => {
        await traffic.stop();
        await journal.undone(trafficIntent);
      });
      await journal.act(trafficIntent, () => traffic.start(baseUrl, fanout, context()));
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
      faultIntent = await journal.intend(
        'fault.inject',
        'fault',
        `inject: ${fault.describe().summary}`,
        async () => [...(await faultUndo(scenario, fault)), ...serveStableUndo(scenario, target)],
      );
      cleanup.push('clear the fault', async (signal) => {
        await fault.clear(context(signal));
        faultCleared = true;
      });
      const injection = await journal.act(faultIntent, () =>
        withPhaseTimeout(clock, 'fault injection', FAULT_INJECT_TIMEOUT_MS, abort.signal, (signal) =>
          fault.inject(context(signal)),
        ),
      );
      // A deploy may have started processes (the candidate): record them for a recover after a crash.
      journal.replaceUndo(prepareIntent, () => prepareUndo(target));
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
        const rollbackIntent =
          rollbackBy === 'external'
            ? null
            : await journal.intend('target.rollback', 'rollback', `roll back to ${target.stableVersion}`, []);
        const confirmed = await attempt(
          phaseFailures,
          timeline,
          'rollback',
          () =>
            journal.act(rollbackIntent, () =>
              withPhaseTimeout(clock, 'rollback', scenario.phases.rollback.timeout, abort.signal, (signal) =>
                rollbackBy === 'external'
                  ? waitForStableServing(target, context(signal))
                  : target.rollback(context(signal)),
              ),
            ),
          `rollback did not complete within ${formatDurationMs(scenario.phases.rollback.timeout)}`,
          (message) => timeline.record('rollback.failed', message, { phase: 'rollback' }),
        );
        journal.replaceUndo(prepareIntent, () => prepareUndo(target)); // a restarted stable
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
          const clearIntent = await journal.intend('fault.clear', 'rollback', 'clear the fault', []);
          await journal.act(clearIntent, () => fault.clear(context()));
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
    const stop = stopped as StopConditionFired | null;
    timeline.record('run.aborted', `aborted: ${abortReason}`, {
      ...(stop
        ? { data: { stopCondition: stop.condition, ...stop.data } }
        : error instanceof Error && !(error instanceof DrillAbort) && !abort.signal.aborted
          ? { data: { error: error.message } }
          : {}),
    });
  } finally {
    stopConditions.stop();
    options.signal?.removeEventListener('abort', onExternalAbort);
    await journal.cleaningUp();
    const reports = await phase('cleanup', () =>
      cleanup.unwind((report) =>
        timeline.record(
          report.ok ? 'cleanup.step' : 'cleanup.failed',
          report.ok ? `${report.name}: done` : `${report.name}: FAILED: ${report.error ?? 'unknown'}`,
          { phase: 'cleanup', data: { durationMs: Math.round(report.durationMs) } },
        ),
      ),
    );
    if (reports.every((report) => report.ok)) await journal.cleanedUp();
    await journal.flush();
  }

  // Redacted before anyone sees it: observers (exporters) and the caller get the same safe record.
  const record = redactDeep(
    assembleRecord({
      options,
      timeline,
      samples: fanout.samples(),
      startedAtMs,
      abortReason,
      phaseFailures,
      observations: {
        fault: faultObservation,
        detection: detector.describe().observation,
        decision: decisionObservation(decisionMaker),
        rollback: rollbackObservation,
      },
      detection,
      decision,
      versionAfterRollback,
      versionAfterRun,
    }),
    redactor,
  );
  await notifyFinished(observers, record, clock);
  return record;
}
