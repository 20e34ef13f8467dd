/** The runner's small helpers: phase attempts, the stable-version check, observers, the journal's start. */
import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';
import type { DecisionMaker } from '../decisions/port.js';
import type { Clock } from '../core/clock.js';
import { PhaseTimeoutError } from '../core/errors.js';
import type { RunRecord } from '../store/run-record.js';
import type { Target } from '../targets/port.js';
import { abortReasonOf, DrillAbort } from './drill-abort.js';
import type { JournalStart } from './intents-drill.js';
import { ownIdentity } from './intents-processes.js';
import { RUN_ID_ENV } from './intents.js';
import type { DrillObserver } from './observer.js';
import type { DrillOptions } from './run-drill.js';
import type { PhaseName, Timeline } from './timeline.js';

const OBSERVER_FINISH_TIMEOUT_MS = 20_000;

export const IN_PROCESS: ObservationResolution = { method: 'in-process event', resolutionSeconds: 0.001 };

/** How the decision was observed: what the decision maker says (a polled mark: its interval), else in-process. */
export function decisionObservation(maker: DecisionMaker): ObservationResolution {
  const stated = maker.describe()['observation'] as Partial<ObservationResolution> | undefined;
  return typeof stated?.method === 'string' && typeof stated.resolutionSeconds === 'number'
    ? { method: stated.method, resolutionSeconds: stated.resolutionSeconds }
    : IN_PROCESS;
}

/** Who runs what, for the intent record's first write. */
export function journalStart(options: DrillOptions): JournalStart {
  const { adapters } = options;
  const detector = adapters.detector.describe();
  return {
    runId: options.runId,
    harnessVersion: options.harnessVersion,
    scenarioFile: options.scenarioFile,
    scenario: options.scenario as unknown as Record<string, unknown>,
    describe: {
      target: { kind: adapters.target.kind, stableVersion: adapters.target.stableVersion },
      fault: adapters.fault.describe(),
      detector: { kind: detector.kind, settings: detector.settings, observation: detector.observation },
      decision: { kind: adapters.decision.kind, settings: adapters.decision.describe() },
    },
    identity: options.identity ?? ownIdentity(),
    envMarker: process.env[RUN_ID_ENV] === options.runId,
  };
}

/** Runs a phase's work; a timeout or a non-abort failure becomes a recorded phase failure (null). */
export async function attempt<T>(
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

export async function ensureStableServing(target: Target, ctx: AdapterContext): Promise<string | null> {
  const version = (await target.currentVersion(ctx)) ?? null;
  if (version === target.stableVersion) return version;
  await target.rollback(ctx);
  return (await target.currentVersion(ctx)) ?? null;
}

export function describeAbort(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return abortReasonOf(signal, 'aborted');
  if (error instanceof DrillAbort) return error.message;
  return `the drill could not continue: ${error instanceof Error ? error.message : String(error)}`;
}

export async function notifyFinished(
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

export function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // An observer must never break the drill.
  }
}
