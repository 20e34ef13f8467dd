/**
 * The run record of a drill that died: result `interrupted`, built from its intent record (what it
 * was, how far it got, what it had begun) and from what recover did about it. Nothing is measured —
 * the SLI series died with the harness — and the record says so rather than guess.
 */
import { evaluateObjectives } from '../measure/objectives.js';
import type { Scenario } from '../scenario/model.js';
import { RUN_RECORD_API_VERSION, runRecordSchema, type RunRecord } from '../store/run-record.js';
import type { IntentsDocument } from './intents.js';
import type { PhaseName, TimelineEventType } from './timeline.js';

/** One thing recover did (or failed to do), for the record's timeline. */
export interface RecoveryStepReport {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly at: string;
  readonly durationMs: number;
}

export interface InterruptedRecordInput {
  readonly intents: IntentsDocument;
  readonly steps: readonly RecoveryStepReport[];
  /** When recover started and finished (ISO). */
  readonly recoveredAt: string;
  /** What served after recover, when it could tell (non-embedded targets). */
  readonly versionAfterRun: string | null;
  /** Who recovered: `rollback-drill recover`, `rollback-drill run (start)`, `serve`. */
  readonly recoveredBy: string;
}

const NOT_MEASURED = 'not measured: the drill was interrupted';
const UNOBSERVED = { method: NOT_MEASURED, resolutionSeconds: 0 };

export function interruptedRecord(input: InterruptedRecordInput): RunRecord {
  const { intents, steps } = input;
  const spec = intents.scenario as Partial<Scenario>;
  const metadata = (spec.metadata ?? {}) as Partial<Scenario['metadata']>;
  const startedMs = Date.parse(intents.startedAt);
  const lastSignMs = Math.max(startedMs, Date.parse(intents.updatedAt));
  const offset = (iso: string): number => Math.round(Date.parse(iso) - startedMs) / 1000;
  const phase = intents.phase ?? 'setup';
  const begun = intents.actions.filter((a) => a.status !== 'undone');

  const timeline: RunRecord['timeline'] = intents.events.map((event) => ({
    type: event.type,
    at: event.at,
    offsetSeconds: offset(event.at),
    ...(event.phase ? { phase: event.phase } : {}),
    message: event.message,
  }));
  if (!timeline.some((e) => e.type === 'run.started')) {
    timeline.unshift(event('run.started', intents.startedAt, offset, `drill started (run ${intents.runId})`));
  }
  for (const action of intents.actions) {
    timeline.push(
      event('note', action.intendedAt, offset, `intent: ${action.summary} (${action.status})`, action.phase),
    );
  }
  timeline.push(
    event(
      'run.aborted',
      intents.updatedAt,
      offset,
      `interrupted: the harness (pid ${intents.harness.pid}) stopped during the ${phase} phase; last sign of life`,
      phase,
    ),
  );
  for (const step of steps) {
    timeline.push({
      ...event(
        step.ok ? 'cleanup.step' : 'cleanup.failed',
        step.at,
        offset,
        step.ok ? `recover: ${step.name}` : `recover: ${step.name}: FAILED: ${step.error ?? 'unknown'}`,
        'cleanup',
      ),
      data: { durationMs: Math.round(step.durationMs), recoveredBy: input.recoveredBy },
    });
  }
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const failures = steps.filter((s) => !s.ok).map((s) => `recover: ${s.name}: ${s.error ?? 'failed'}`);
  const undone = steps.filter((s) => s.ok).length;
  const measurements: RunRecord['measurements'] = {
    timeToDetectSeconds: null,
    timeToDecideSeconds: null,
    timeToRollbackSeconds: null,
    timeToRecoverSeconds: null,
    rollbackSucceeded: false,
    rollbackFailureReason: 'the drill was interrupted before its rollback was measured',
    postRollbackSliDelta: {
      availability: null,
      errorRatio: null,
      latencyP50Ms: null,
      latencyP95Ms: null,
      latencyP99Ms: null,
    },
    impact: { requests: 0, failedRequests: 0, droppedRequests: 0, windowDescription: NOT_MEASURED },
    observations: {
      timeToDetectSeconds: UNOBSERVED,
      timeToDecideSeconds: UNOBSERVED,
      timeToRollbackSeconds: UNOBSERVED,
      timeToRecoverSeconds: UNOBSERVED,
    },
  };
  const objectives = spec.objectives ? evaluateObjectives(spec.objectives, measurements) : [];
  const interruptedReason = (): string => {
    const recovered = `recovered ${input.recoveredAt} by ${input.recoveredBy} (${undone} recovery step${undone === 1 ? '' : 's'} done${failures.length ? `, ${failures.length} failed` : ''})`;
    if (intents.state === 'cleaned-up') {
      return `interrupted after its cleanup: the harness stopped before writing the record (its measurements are lost); ${recovered}`;
    }
    const what = begun.length === 0 ? 'it had changed nothing yet' : recovered;
    return `interrupted during the ${phase} phase: the harness stopped without finishing; ${what}`;
  };

  return runRecordSchema.parse({
    apiVersion: RUN_RECORD_API_VERSION,
    runId: intents.runId,
    harnessVersion: intents.harnessVersion,
    scenario: {
      file: intents.scenarioFile,
      name: String(metadata.name ?? 'unknown'),
      service: String(metadata.service ?? 'unknown'),
      environment: String(metadata.environment ?? 'unknown'),
      team: String(metadata.team ?? 'unknown'),
      spec: intents.scenario,
    },
    startedAt: intents.startedAt,
    endedAt: new Date(lastSignMs).toISOString(),
    durationSeconds: Math.round(lastSignMs - startedMs) / 1000,
    result: 'interrupted',
    reason: interruptedReason(),
    failures,
    target: { ...intents.describe.target, versionAfterRun: input.versionAfterRun },
    fault: intents.describe.fault,
    detector: {
      ...intents.describe.detector,
      fired: timeline.some((e) => e.type === 'detected'),
      reason: intents.events.find((e) => e.type === 'detected')?.message ?? null,
    },
    decision: { ...intents.describe.decision, decidedBy: null },
    timeline,
    sli: { intervalSeconds: 1, samples: [] },
    windows: { baseline: null, fault: null, postRollback: null },
    measurements,
    objectives,
    exports: {},
  });
}

function event(
  type: TimelineEventType,
  at: string,
  offset: (iso: string) => number,
  message: string,
  phase?: PhaseName,
): RunRecord['timeline'][number] {
  return { type, at, offsetSeconds: offset(at), ...(phase ? { phase } : {}), message };
}
