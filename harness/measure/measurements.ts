/**
 * The drill's measurements, as pure functions of the timeline and the per-second SLI series
 * (definitions in docs/measurements.md, from DESIGN.md "Time and truth"):
 *   time to detect   = detection − fault start
 *   time to decide   = decision − detection
 *   time to roll back = rollback complete (stable serving and healthy) − decision
 *   time to recover  = start of the first sustained in-SLO stretch in the verify window − fault start
 * Each figure is rounded to what its observation can support and states how it was observed.
 */
import type { ObservationResolution } from '../core/adapter-context.js';
import type { Scenario } from '../scenario/model.js';
import type { TimelineEvent } from '../runner/timeline.js';
import type { Measurements, MeasurementName } from '../store/run-record.js';
import type { SliSample } from '../traffic/sli.js';
import { findSustainedRecoveryMs } from './recovery.js';
import { windowSli, type WindowSli } from './windows.js';
import { formatDurationMs } from '../core/errors.js';

export interface MeasurementInput {
  readonly scenario: Scenario;
  readonly timeline: readonly TimelineEvent[];
  readonly samples: readonly SliSample[];
  readonly observations: {
    readonly fault: ObservationResolution | null;
    readonly detection: ObservationResolution;
    readonly decision: ObservationResolution;
    readonly rollback: ObservationResolution | null;
  };
  readonly stableVersion: string;
  /** The version serving at the end of the verify window; null when unknown or nothing answered. */
  readonly versionAfterRollback: string | null;
}

export interface DrillWindows {
  readonly baseline: WindowSli | null;
  readonly fault: WindowSli | null;
  readonly postRollback: WindowSli | null;
}

export interface MeasurementOutput {
  readonly measurements: Measurements;
  readonly windows: DrillWindows;
  /** Monotonic ms at which recovery began (derived from the SLI series), when it did. */
  readonly recoveredAtMs: number | null;
}

const SAMPLE_RESOLUTION_SECONDS = 1;
const IN_PROCESS_SECONDS = 0.001;

export function findEvent(
  timeline: readonly TimelineEvent[],
  type: TimelineEvent['type'],
  phase?: TimelineEvent['phase'],
): TimelineEvent | undefined {
  return timeline.find((e) => e.type === type && (phase === undefined || e.phase === phase));
}

/** How many decimals a figure observed to ±resolutionSeconds supports (1 → 0, 0.1 → 1, 0.001 → 3). */
export function decimalsForResolution(resolutionSeconds: number): number {
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(Math.max(resolutionSeconds, 0.001)))));
}

/** Rounds seconds to the decimals its resolution supports (±1 s → 0 decimals, ±0.1 s → 1). */
export function roundToResolution(seconds: number, resolutionSeconds: number): number {
  const factor = 10 ** decimalsForResolution(resolutionSeconds);
  return Math.round(seconds * factor) / factor;
}

function between(
  fromMs: number | undefined,
  toMs: number | undefined,
  resolutionSeconds: number,
): number | null {
  if (fromMs === undefined || toMs === undefined) return null;
  return roundToResolution(Math.max(0, (toMs - fromMs) / 1000), resolutionSeconds);
}

export function computeMeasurements(input: MeasurementInput): MeasurementOutput {
  const { scenario, timeline, samples, observations } = input;
  const faultAt = findEvent(timeline, 'fault.injected')?.atMs;
  const detectedAt = findEvent(timeline, 'detected')?.atMs;
  const decidedAt = findEvent(timeline, 'decided')?.atMs;
  const rollbackCompleted = findEvent(timeline, 'rollback.completed');
  const rollbackFailed = findEvent(timeline, 'rollback.failed');
  const baselineStart = findEvent(timeline, 'phase.started', 'baseline')?.atMs;
  const verifyEnd = findEvent(timeline, 'phase.ended', 'verify')?.atMs;
  const lastSampleEnd = samples.length
    ? Math.max(...samples.map((s) => s.startMs + s.durationMs))
    : undefined;

  const faultRes = observations.fault?.resolutionSeconds ?? 0;
  const detectRes = observations.detection.resolutionSeconds;
  const decideRes = observations.decision.resolutionSeconds;
  const rollbackRes = observations.rollback?.resolutionSeconds ?? 0;
  const recoverRes = SAMPLE_RESOLUTION_SECONDS + faultRes;

  const rollbackCompletedAt = rollbackCompleted?.atMs;
  const verifyUntil = verifyEnd ?? lastSampleEnd;
  const recoveredAtMs =
    rollbackCompletedAt !== undefined && verifyUntil !== undefined
      ? findSustainedRecoveryMs(
          samples,
          scenario.slos,
          rollbackCompletedAt,
          verifyUntil,
          scenario.phases.verify.sustain,
        )
      : null;

  const windows: DrillWindows = {
    baseline:
      baselineStart !== undefined && faultAt !== undefined
        ? windowSli(samples, baselineStart, faultAt)
        : null,
    fault:
      faultAt !== undefined
        ? windowSli(samples, faultAt, rollbackCompletedAt ?? verifyUntil ?? faultAt)
        : null,
    postRollback:
      rollbackCompletedAt !== undefined && verifyUntil !== undefined
        ? windowSli(samples, rollbackCompletedAt, verifyUntil)
        : null,
  };

  const rollbackFailureReason = explainRollbackFailure({
    rollbackCompleted: rollbackCompleted !== undefined,
    rollbackFailedMessage: rollbackFailed?.message,
    decided: decidedAt !== undefined,
    versionAfterRollback: input.versionAfterRollback,
    stableVersion: input.stableVersion,
    recovered: recoveredAtMs !== null,
    verifyWindowMs: scenario.phases.verify.window,
    sustainMs: scenario.phases.verify.sustain,
  });

  const impactEnd = recoveredAtMs ?? verifyUntil;
  const impactWindow =
    faultAt !== undefined && impactEnd !== undefined
      ? windowSli(samples, faultAt, impactEnd, 'overlapping')
      : null;

  const observationFor: Record<MeasurementName, ObservationResolution> = {
    timeToDetectSeconds: {
      method: `fault: ${observations.fault?.method ?? 'not injected'}; detection: ${observations.detection.method}`,
      resolutionSeconds: roundToResolution(faultRes + detectRes, 0.001),
    },
    // The detection instant is when the harness received it (in-process), so its sampling
    // resolution bounds time to detect but not time to decide.
    timeToDecideSeconds: {
      method: `detection received in-process; decision: ${observations.decision.method}`,
      resolutionSeconds: roundToResolution(IN_PROCESS_SECONDS + decideRes, 0.001),
    },
    timeToRollbackSeconds: {
      method: `decision: ${observations.decision.method}; rollback: ${observations.rollback?.method ?? 'not run'}`,
      resolutionSeconds: roundToResolution(decideRes + rollbackRes, 0.001),
    },
    timeToRecoverSeconds: {
      method: `first ${formatDurationMs(scenario.phases.verify.sustain)} stretch of 1 s SLI samples within the SLO, after the rollback`,
      resolutionSeconds: roundToResolution(recoverRes, 0.001),
    },
  };

  const measurements: Measurements = {
    timeToDetectSeconds: between(faultAt, detectedAt, faultRes + detectRes),
    timeToDecideSeconds: between(detectedAt, decidedAt, IN_PROCESS_SECONDS + decideRes),
    timeToRollbackSeconds: between(decidedAt, rollbackCompletedAt, decideRes + rollbackRes),
    timeToRecoverSeconds: between(faultAt, recoveredAtMs ?? undefined, recoverRes),
    rollbackSucceeded: rollbackFailureReason === null,
    rollbackFailureReason,
    postRollbackSliDelta: sliDelta(windows.baseline, windows.postRollback),
    impact: {
      requests: impactWindow?.requests ?? 0,
      failedRequests: impactWindow?.errors ?? 0,
      droppedRequests: impactWindow?.dropped ?? 0,
      windowDescription:
        recoveredAtMs !== null
          ? 'fault start → recovery'
          : 'fault start → end of verify window (no recovery)',
    },
    observations: observationFor,
  };
  return { measurements, windows, recoveredAtMs };
}

interface RollbackFacts {
  readonly rollbackCompleted: boolean;
  readonly rollbackFailedMessage: string | undefined;
  readonly decided: boolean;
  readonly versionAfterRollback: string | null;
  readonly stableVersion: string;
  readonly recovered: boolean;
  readonly verifyWindowMs: number;
  readonly sustainMs: number;
}

/** A rollback that "ran" but did not restore service is a failure; null means it succeeded. */
export function explainRollbackFailure(facts: RollbackFacts): string | null {
  if (!facts.decided) return 'no rollback: no decision to roll back was taken';
  if (!facts.rollbackCompleted) return facts.rollbackFailedMessage ?? 'the rollback did not complete';
  if (facts.versionAfterRollback !== facts.stableVersion) {
    return `after the rollback ${facts.versionAfterRollback ?? 'nothing'} was serving, not the stable version ${facts.stableVersion}`;
  }
  if (!facts.recovered) {
    return `SLIs did not stay within the SLO for ${formatDurationMs(facts.sustainMs)} during the ${formatDurationMs(facts.verifyWindowMs)} verify window`;
  }
  return null;
}

function difference(after: number | null | undefined, before: number | null | undefined): number | null {
  return after === null || after === undefined || before === null || before === undefined
    ? null
    : after - before;
}

export function sliDelta(
  baseline: WindowSli | null,
  after: WindowSli | null,
): Measurements['postRollbackSliDelta'] {
  return {
    availability: difference(after?.availability, baseline?.availability),
    errorRatio: difference(after?.errorRatio, baseline?.errorRatio),
    latencyP50Ms: difference(after?.latencyMs?.p50, baseline?.latencyMs?.p50),
    latencyP95Ms: difference(after?.latencyMs?.p95, baseline?.latencyMs?.p95),
    latencyP99Ms: difference(after?.latencyMs?.p99, baseline?.latencyMs?.p99),
  };
}
