/** Turns what the runner observed into the run record: measurements, windows, objectives, verdict. */
import type { ObservationResolution } from '../core/adapter-context.js';
import type { Decision } from '../decisions/port.js';
import type { Detection } from '../detectors/port.js';
import { computeMeasurements } from '../measure/measurements.js';
import { decideVerdict, evaluateObjectives } from '../measure/objectives.js';
import type { WindowSli } from '../measure/windows.js';
import { RUN_RECORD_API_VERSION, type RunRecord, type WindowRecord } from '../store/run-record.js';
import type { SliSample } from '../traffic/sli.js';
import type { DrillOptions } from './run-drill.js';
import type { Timeline } from './timeline.js';

export interface AssembleInput {
  readonly options: DrillOptions;
  readonly timeline: Timeline;
  readonly samples: readonly SliSample[];
  readonly startedAtMs: number;
  readonly abortReason: string | null;
  readonly phaseFailures: readonly string[];
  readonly observations: {
    readonly fault: ObservationResolution | null;
    readonly detection: ObservationResolution;
    readonly decision: ObservationResolution;
    readonly rollback: ObservationResolution | null;
  };
  readonly detection: Detection | null;
  readonly decision: Decision | null;
  readonly versionAfterRollback: string | null;
  readonly versionAfterRun: string | null;
}

export function assembleRecord(input: AssembleInput): RunRecord {
  const { options, timeline, samples, startedAtMs } = input;
  const { scenario, clock, adapters } = options;
  const output = computeMeasurements({
    scenario,
    timeline: timeline.events(),
    samples,
    observations: input.observations,
    stableVersion: adapters.target.stableVersion,
    versionAfterRollback: input.versionAfterRollback,
  });
  if (output.recoveredAtMs !== null) {
    timeline.record('recovered', 'SLIs back inside the SLO (sustained)', {
      phase: 'verify',
      atMs: output.recoveredAtMs,
      data: { derivedFrom: 'sli series' },
    });
  }
  const objectives = evaluateObjectives(scenario.objectives, output.measurements);
  const verdict = decideVerdict({
    abortReason: input.abortReason,
    phaseFailures: input.phaseFailures,
    measurements: output.measurements,
    objectives,
  });
  const endedAtMs = clock.now();
  const iso = (ms: number): string => new Date(clock.toEpochMs(ms)).toISOString();
  const offset = (ms: number): number => Math.round(ms - startedAtMs) / 1000;
  const windowRecord = (w: WindowSli | null): WindowRecord | null =>
    w && {
      startOffsetSeconds: offset(w.startMs),
      endOffsetSeconds: offset(w.endMs),
      requests: w.requests,
      errors: w.errors,
      dropped: w.dropped,
      availability: w.availability,
      errorRatio: w.errorRatio,
      latencyMs: w.latencyMs,
    };
  const detectorDescription = adapters.detector.describe();
  const events = [...timeline.events()].sort((a, b) => a.atMs - b.atMs);

  return {
    apiVersion: RUN_RECORD_API_VERSION,
    runId: options.runId,
    harnessVersion: options.harnessVersion,
    scenario: {
      file: options.scenarioFile,
      name: scenario.metadata.name,
      service: scenario.metadata.service,
      environment: scenario.metadata.environment,
      team: scenario.metadata.team,
      spec: scenario as unknown as Record<string, unknown>,
    },
    startedAt: iso(startedAtMs),
    endedAt: iso(endedAtMs),
    durationSeconds: offset(endedAtMs),
    result: verdict.result,
    reason: verdict.reason,
    failures: verdict.failures,
    target: {
      kind: adapters.target.kind,
      stableVersion: adapters.target.stableVersion,
      versionAfterRun: input.versionAfterRun,
    },
    fault: adapters.fault.describe(),
    detector: {
      kind: detectorDescription.kind,
      settings: detectorDescription.settings,
      observation: detectorDescription.observation,
      fired: input.detection !== null,
      reason: input.detection?.reason ?? null,
    },
    decision: {
      kind: adapters.decision.kind,
      settings: adapters.decision.describe(),
      decidedBy: input.decision?.decidedBy ?? null,
    },
    timeline: events.map((e) => ({
      type: e.type,
      at: iso(e.atMs),
      offsetSeconds: offset(e.atMs),
      ...(e.phase ? { phase: e.phase } : {}),
      message: e.message,
      ...(e.data ? { data: e.data } : {}),
    })),
    sli: {
      intervalSeconds: 1,
      samples: samples.map((s) => ({
        offsetSeconds: offset(s.startMs),
        at: iso(s.startMs),
        requests: s.requests,
        errors: s.errors,
        dropped: s.dropped,
        errorsByClass: { ...s.errorsByClass },
        latencyMs: s.latencyMs,
        latencyHistogram: s.latencyHistogram,
      })),
    },
    windows: {
      baseline: windowRecord(output.windows.baseline),
      fault: windowRecord(output.windows.fault),
      postRollback: windowRecord(output.windows.postRollback),
    },
    measurements: output.measurements,
    objectives,
    exports: {},
  };
}
