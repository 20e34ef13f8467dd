/**
 * The drill's first half: set up the target and traffic, hold the baseline, inject the fault. Every
 * step pushes its undo on the cleanup stack before it acts, and journals its intent first, so an
 * abort or a crash at any point leaves something that knows how to undo it.
 */
import { judgeAgainstSlo } from '../measure/recovery.js';
import { samplesInWindow, windowSli, type WindowSli } from '../measure/windows.js';
import { DrillAbort } from './drill-abort.js';
import type { DrillSession } from './drill-session.js';
import { faultUndo, prepareUndo, serveStableUndo, trafficUndo } from './intents-recipes.js';
import { withPhaseTimeout } from './phase-timeout.js';
import { ensureStableServing } from './run-drill-support.js';

/** How long injecting a fault may take (a deploy that hangs is a failed drill, not a stuck one). */
export const FAULT_INJECT_TIMEOUT_MS = 120_000;

/** Starts the target (stable version) and the traffic against it. */
export async function setUp(s: DrillSession): Promise<void> {
  const { target, traffic, journal, cleanup, timeline } = s;
  await s.phase('setup', async () => {
    s.prepareIntent = await journal.intend(
      'target.prepare',
      'setup',
      `start the ${target.kind} target (stable ${target.stableVersion})`,
      [],
    );
    cleanup.push('stop the target', async () => {
      await target.dispose();
      await journal.undone(s.prepareIntent);
    });
    const { baseUrl } = await journal.act(
      s.prepareIntent,
      () => target.prepare(s.context()),
      () => prepareUndo(target),
    );
    timeline.record('target.ready', `stable version ${target.stableVersion} serving at ${baseUrl.href}`, {
      phase: 'setup',
    });
    cleanup.push('make sure the stable version serves', async (signal) => {
      s.versionAfterRun = await ensureStableServing(target, s.context(signal));
      // The fault's undo is owed until both its clearing and the stable version are confirmed.
      if (s.faultCleared) await journal.undone(s.faultIntent);
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
    await journal.act(trafficIntent, () => traffic.start(baseUrl, s.fanout, s.context()));
  });
}

/**
 * Holds the baseline for its duration and returns its SLIs; throws DrillAbort when the system was
 * already outside its SLO (nothing is injected into a system that is failing on its own).
 */
export async function holdBaseline(s: DrillSession): Promise<WindowSli> {
  const { clock, scenario, fanout } = s;
  const baselineStartMs = clock.now();
  await s.phase('baseline', () => clock.sleep(scenario.phases.baseline.duration, s.abort.signal));
  const baselineSamples = samplesInWindow(fanout.samples(), baselineStartMs, clock.now());
  const baselineVerdict = judgeAgainstSlo(baselineSamples, scenario.slos);
  if (!baselineVerdict.withinSlo) {
    throw new DrillAbort(
      `the baseline did not meet the SLO (${baselineVerdict.reason ?? 'unknown'}); nothing was injected`,
    );
  }
  return windowSli(fanout.samples(), baselineStartMs, clock.now());
}

/** Injects the fault; its effective time (not the call's) starts every measured phase. */
export async function injectFault(s: DrillSession): Promise<void> {
  const { scenario, fault, target, journal, clock } = s;
  await s.phase('fault', async () => {
    s.faultIntent = await journal.intend(
      'fault.inject',
      'fault',
      `inject: ${fault.describe().summary}`,
      async () => [...(await faultUndo(scenario, fault)), ...serveStableUndo(scenario, target)],
    );
    s.cleanup.push('clear the fault', async (signal) => {
      await fault.clear(s.context(signal));
      s.faultCleared = true;
    });
    const injection = await journal.act(s.faultIntent, () =>
      withPhaseTimeout(clock, 'fault injection', FAULT_INJECT_TIMEOUT_MS, s.abort.signal, (signal) =>
        fault.inject(s.context(signal)),
      ),
    );
    // A deploy may have started processes (the candidate): record them for a recover after a crash.
    journal.replaceUndo(s.prepareIntent, () => prepareUndo(target));
    s.faultObservation = injection.observation;
    s.timeline.record('fault.injected', `fault in effect: ${fault.describe().summary}`, {
      phase: 'fault',
      atMs: injection.effectiveAtMs,
      data: { observation: injection.observation },
    });
  });
}
