/**
 * Measurement accuracy: drills on the real clock against a scripted system whose fault, detection,
 * decision and rollback happen at known times. Each reported figure must differ from the truth by no
 * more than the resolution the run record states for it.
 */
import { SystemClock } from '../core/clock.js';
import { runDrill } from '../runner/run-drill.js';
import { benchScenario } from './bench-scenario.js';
import type { MeasurementName, RunRecord } from '../store/run-record.js';
import type { BenchSection, GoalRow } from './types.js';
import { scriptedSystem, type Script } from './scripted-system.js';

const SCRIPTS: readonly Script[] = [
  { detectAfterMs: 1500, decideAfterMs: 700, rollbackTakesMs: 1200 },
  { detectAfterMs: 2300, decideAfterMs: 250, rollbackTakesMs: 3100 },
  { detectAfterMs: 800, decideAfterMs: 1900, rollbackTakesMs: 450 },
];

export async function benchmarkMeasurementAccuracy(progress: (line: string) => void): Promise<BenchSection> {
  const worstError: Record<MeasurementName, { error: number; resolution: number; ok: boolean }> = {
    timeToDetectSeconds: { error: 0, resolution: 0, ok: true },
    timeToDecideSeconds: { error: 0, resolution: 0, ok: true },
    timeToRollbackSeconds: { error: 0, resolution: 0, ok: true },
    timeToRecoverSeconds: { error: 0, resolution: 0, ok: true },
  };
  for (const [index, script] of SCRIPTS.entries()) {
    progress(`measurement accuracy: scripted drill ${index + 1}/${SCRIPTS.length} …`);
    const clock = new SystemClock();
    const system = scriptedSystem(clock, script);
    const record: RunRecord = await runDrill({
      scenario: benchScenario(),
      scenarioFile: null,
      adapters: system.adapters,
      clock,
      runId: `accuracy-${index}`,
      harnessVersion: 'bench',
    });
    const { faultAtMs, detectedAtMs, decidedAtMs, rollbackDoneAtMs } = system.truth;
    if (
      faultAtMs === undefined ||
      detectedAtMs === undefined ||
      decidedAtMs === undefined ||
      rollbackDoneAtMs === undefined
    ) {
      throw new Error(`scripted drill ${index + 1} did not run every phase: ${record.reason}`);
    }
    const truth: Record<MeasurementName, number> = {
      timeToDetectSeconds: (detectedAtMs - faultAtMs) / 1000,
      timeToDecideSeconds: (decidedAtMs - detectedAtMs) / 1000,
      timeToRollbackSeconds: (rollbackDoneAtMs - decidedAtMs) / 1000,
      // Service really was restored the moment the rollback finished.
      timeToRecoverSeconds: (rollbackDoneAtMs - faultAtMs) / 1000,
    };
    for (const name of Object.keys(truth) as MeasurementName[]) {
      const reported = record.measurements[name];
      const resolution = record.measurements.observations[name]?.resolutionSeconds ?? 0;
      // Reported figures are rounded to their resolution's decimals: allow that half-step too.
      const rounding =
        0.5 * 10 ** -Math.min(3, Math.max(0, Math.ceil(-Math.log10(Math.max(resolution, 0.001)))));
      const error = reported === null ? Number.POSITIVE_INFINITY : Math.abs(reported - truth[name]);
      const slot = worstError[name];
      if (error >= slot.error)
        worstError[name] = { error, resolution, ok: slot.ok && error <= resolution + rounding };
      else worstError[name] = { ...slot, ok: slot.ok && error <= resolution + rounding };
    }
  }
  const rows: GoalRow[] = (Object.keys(worstError) as MeasurementName[]).map((name) => {
    const w = worstError[name];
    return {
      name: `${name}: worst |reported − truth|`,
      figure: `${w.error.toFixed(3)} s`,
      goal: `≤ stated resolution ±${w.resolution} s (+ rounding)`,
      met: w.ok,
    };
  });
  return {
    title: 'Measurement accuracy',
    method: `${SCRIPTS.length} drills on the real clock against a scripted system (no sockets) whose fault, detection, decision and rollback happen at scripted times, recorded by the script itself; 1 s SLI samples; recovery truth = the moment the rollback restored service (the reported recovery is the start of the first sustained in-SLO 1 s sample after it, so up to 1 s later by definition).`,
    rows,
  };
}
