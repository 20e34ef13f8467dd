/**
 * The drill's second half, the part it measures: detect, decide, roll back, verify. A phase that
 * times out or fails is recorded and ends the response (nothing to decide without a detection);
 * an abort propagates to run-drill, which cleans up.
 */
import { formatDurationMs } from '../core/errors.js';
import type { Decision } from '../decisions/port.js';
import type { Detection } from '../detectors/port.js';
import type { WindowSli } from '../measure/windows.js';
import type { RollbackConfirmation } from '../targets/port.js';
import { waitForStableServing } from '../targets/wait-for-stable.js';
import type { DrillSession } from './drill-session.js';
import { prepareUndo } from './intents-recipes.js';
import { withPhaseTimeout } from './phase-timeout.js';
import { attempt } from './run-drill-support.js';

/** Watches the traffic until the detector fires; null when it did not within the phase timeout. */
export function detect(s: DrillSession, baseline: WindowSli): Promise<Detection | null> {
  const { scenario, timeline, clock } = s;
  return s.phase('detect', async () => {
    const found = await attempt(
      s.phaseFailures,
      timeline,
      'detect',
      () =>
        withPhaseTimeout(clock, 'detection', scenario.phases.detection.timeout, s.abort.signal, (signal) =>
          s.detector.watch({
            ...s.context(signal),
            slos: scenario.slos,
            baseline,
            subscribe: (listener) => s.fanout.subscribe(listener),
          }),
        ),
      `not detected within ${formatDurationMs(scenario.phases.detection.timeout)}`,
    );
    if (found)
      timeline.record('detected', found.reason, { phase: 'detect', atMs: found.atMs, data: found.observed });
    return found;
  });
}

/** Waits for the decision to roll back; null when none came within the phase timeout. */
export function decide(s: DrillSession, detection: Detection): Promise<Decision | null> {
  const { scenario, timeline, clock } = s;
  return s.phase('decide', async () => {
    const decided = await attempt(
      s.phaseFailures,
      timeline,
      'decide',
      () =>
        withPhaseTimeout(clock, 'decision', scenario.phases.decision.timeout, s.abort.signal, (signal) =>
          s.decisionMaker.decide(detection, s.context(signal)),
        ),
      `no decision within ${formatDurationMs(scenario.phases.decision.timeout)}`,
    );
    if (decided) {
      timeline.record(
        'decided',
        `decided to roll back (${decided.decidedBy})${decided.note ? `: ${decided.note}` : ''}`,
        { phase: 'decide', atMs: decided.atMs, data: { decidedBy: decided.decidedBy } },
      );
    }
    return decided;
  });
}

/**
 * Rolls back (or waits for an external rollback) and returns the target's confirmation; null when
 * the rollback failed or timed out. Clears a fault the rollback does not remove by itself.
 */
export function rollBack(s: DrillSession, decision: Decision): Promise<RollbackConfirmation | null> {
  const { scenario, timeline, clock, target, fault, journal } = s;
  return s.phase('rollback', async () => {
    const rollbackBy = decision.rollbackBy ?? 'harness';
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
      s.phaseFailures,
      timeline,
      'rollback',
      () =>
        journal.act(rollbackIntent, () =>
          withPhaseTimeout(clock, 'rollback', scenario.phases.rollback.timeout, s.abort.signal, (signal) =>
            rollbackBy === 'external'
              ? waitForStableServing(target, s.context(signal))
              : target.rollback(s.context(signal)),
          ),
        ),
      `rollback did not complete within ${formatDurationMs(scenario.phases.rollback.timeout)}`,
      (message) => timeline.record('rollback.failed', message, { phase: 'rollback' }),
    );
    journal.replaceUndo(s.prepareIntent, () => prepareUndo(target)); // a restarted stable
    if (confirmed) {
      s.rollbackObservation = confirmed.observation;
      timeline.record('rollback.completed', `version ${confirmed.version} serving and healthy`, {
        phase: 'rollback',
        atMs: confirmed.completedAtMs,
        data: { version: confirmed.version, observation: confirmed.observation },
      });
    }
    if (!fault.remediatedByRollback) {
      // e.g. a toxic that came with the release or config change that was just rolled back
      const clearIntent = await journal.intend('fault.clear', 'rollback', 'clear the fault', []);
      await journal.act(clearIntent, () => fault.clear(s.context()));
      timeline.record('fault.cleared', 'fault cleared', { phase: 'rollback' });
    }
    return confirmed;
  });
}

/** Keeps the traffic going for the verify window after the rollback completed, then reads the version. */
export async function verify(s: DrillSession, confirmation: RollbackConfirmation): Promise<void> {
  const verifyUntil = confirmation.completedAtMs + s.scenario.phases.verify.window;
  await s.phase('verify', async () => {
    await s.clock.sleep(Math.max(0, verifyUntil - s.clock.now()), s.abort.signal);
    s.versionAfterRollback = (await s.target.currentVersion(s.context())) ?? null;
  });
}
