/**
 * The phase state machine: setup ▶ baseline ▶ fault ▶ detect ▶ decide ▶ roll back ▶ verify ▶ clean up,
 * on one clock and one timeline. It knows the ports, never a concrete adapter. Whatever happens —
 * success, a missed detection, a failed rollback, SIGINT, an adapter throwing — the cleanup stack
 * unwinds and a complete record is returned. The phases themselves are in drill-phases-inject.ts
 * (setup, baseline, fault) and drill-phases-respond.ts (detect, decide, roll back, verify), over the
 * state they share in drill-session.ts; this file owns the drill's life: observers, stop
 * conditions, the journal, the order of the phases, cleanup and the record.
 */
import type { Clock } from '../core/clock.js';
import { secrets, type SecretRedactor } from '../core/secrets.js';
import type { DecisionMaker, Decision } from '../decisions/port.js';
import type { Detector, Detection } from '../detectors/port.js';
import type { Fault } from '../faults/port.js';
import type { Scenario } from '../scenario/model.js';
import type { RunRecord } from '../store/run-record.js';
import { redactDeep } from '../store/redact-record.js';
import type { Target } from '../targets/port.js';
import type { TrafficGenerator } from '../traffic/port.js';
import { abortReasonOf, DrillAbort } from './drill-abort.js';
import { holdBaseline, injectFault, setUp } from './drill-phases-inject.js';
import { decide, detect, rollBack, verify } from './drill-phases-respond.js';
import { DrillSession } from './drill-session.js';
import type { DrillObserver } from './observer.js';
import { assembleRecord } from './assemble-record.js';
import { DrillJournal } from './intents-drill.js';
import { fileIntentStore, type IntentStore } from './intents-journal.js';
import type { ProcessIdentity } from './intents-processes.js';
import {
  describeAbort,
  journalStart,
  notifyFinished,
  safely,
  decisionObservation,
} from './run-drill-support.js';
import {
  stopConditionsFor,
  watchStopConditions,
  type StopConditionFired,
  type StopConditionOptions,
} from './stop-conditions.js';

export { FAULT_INJECT_TIMEOUT_MS } from './drill-phases-inject.js';

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

export async function runDrill(options: DrillOptions): Promise<RunRecord> {
  const { scenario, clock } = options;
  const observers = options.observers ?? [];
  const redactor = options.redactor ?? secrets;
  // Adapters' progress lines reach a terminal or a CI log: no resolved secret may be in them.
  const log = (message: string): void => options.log?.(redactor.redact(message));
  const run = options.runFolder ? { id: options.runId, folder: options.runFolder } : undefined;
  const s = new DrillSession(scenario, clock, options.adapters, log, run);
  const { timeline, fanout, cleanup, abort } = s;
  const startedAtMs = clock.now();

  for (const observer of observers) {
    timeline.onEvent((event) => safely(() => observer.event?.(redactDeep(event, redactor))));
    if (observer.sample) fanout.subscribe({ sample: (sample) => observer.sample?.(sample) });
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
  timeline.onEvent((event) => {
    if (event.type === 'phase.started' && event.phase) s.journal.phase(event.phase);
    s.journal.event(event);
  });

  let abortReason: string | null = null;
  let detection: Detection | null = null;
  let decision: Decision | null = null;

  // Observers first learn the run started, then hear its first event (progress times count from it).
  for (const observer of observers) {
    safely(() =>
      observer.runStarted?.({
        runId: options.runId,
        scenario: redactDeep(scenario, redactor),
        fault: redactDeep(s.fault.describe(), redactor),
        startedAtMs,
        toEpochMs: (ms) => clock.toEpochMs(ms),
      }),
    );
  }

  timeline.record('run.started', `drill ${scenario.metadata.name} started (run ${options.runId})`, {
    data: { runId: options.runId },
  });
  try {
    s.journal = await DrillJournal.open(intentStore, clock, journalStart(options), log);
    await setUp(s);
    const baseline = await holdBaseline(s);
    await injectFault(s);
    detection = await detect(s, baseline);
    if (detection) decision = await decide(s, detection);
    const confirmation = decision ? await rollBack(s, decision) : null;
    if (confirmation) await verify(s, confirmation);
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
    await s.journal.cleaningUp();
    const reports = await s.phase('cleanup', () =>
      cleanup.unwind((report) =>
        timeline.record(
          report.ok ? 'cleanup.step' : 'cleanup.failed',
          report.ok ? `${report.name}: done` : `${report.name}: FAILED: ${report.error ?? 'unknown'}`,
          { phase: 'cleanup', data: { durationMs: Math.round(report.durationMs) } },
        ),
      ),
    );
    if (reports.every((report) => report.ok)) await s.journal.cleanedUp();
    await s.journal.flush();
  }

  // Redacted before anyone sees it: observers (exporters) and the caller get the same safe record.
  const record = redactDeep(
    assembleRecord({
      options,
      timeline,
      samples: fanout.samples(),
      startedAtMs,
      abortReason,
      phaseFailures: s.phaseFailures,
      observations: {
        fault: s.faultObservation,
        detection: s.detector.describe().observation,
        decision: decisionObservation(s.decisionMaker),
        rollback: s.rollbackObservation,
      },
      detection,
      decision,
      versionAfterRollback: s.versionAfterRollback,
      versionAfterRun: s.versionAfterRun,
    }),
    redactor,
  );
  await notifyFinished(observers, record, clock);
  return record;
}
