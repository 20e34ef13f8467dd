/** Objectives (a target per measured time) and the run's verdict. Pure. */
import type { Scenario, ObjectiveName } from '../scenario/model.js';
import type { Measurements, MeasurementName, ObjectiveRecord, RunResult } from '../store/run-record.js';
import { formatDurationMs } from '../core/errors.js';

export const OBJECTIVE_MEASUREMENT: Record<ObjectiveName, MeasurementName> = {
  timeToDetect: 'timeToDetectSeconds',
  timeToDecide: 'timeToDecideSeconds',
  timeToRollback: 'timeToRollbackSeconds',
  timeToRecover: 'timeToRecoverSeconds',
};

const OBJECTIVE_WORDS: Record<ObjectiveName, string> = {
  timeToDetect: 'time to detect',
  timeToDecide: 'time to decide',
  timeToRollback: 'time to roll back',
  timeToRecover: 'time to recover',
};

export function objectiveWords(name: ObjectiveName): string {
  return OBJECTIVE_WORDS[name];
}

export function evaluateObjectives(
  objectives: Scenario['objectives'],
  measurements: Measurements,
): ObjectiveRecord[] {
  return (Object.keys(OBJECTIVE_MEASUREMENT) as ObjectiveName[]).map((name) => {
    const measurement = OBJECTIVE_MEASUREMENT[name];
    const actualSeconds = measurements[measurement];
    const targetSeconds = objectives[name] / 1000;
    return {
      name,
      measurement,
      targetSeconds,
      actualSeconds,
      met: actualSeconds !== null && actualSeconds <= targetSeconds,
    };
  });
}

export interface Verdict {
  readonly result: RunResult;
  readonly reason: string;
  readonly failures: string[];
}

/**
 * passed = the rollback succeeded and every objective was met; failed says which; aborted wins over
 * both because an aborted drill measured nothing complete.
 */
export function decideVerdict(input: {
  readonly abortReason: string | null;
  readonly phaseFailures: readonly string[];
  readonly measurements: Measurements;
  readonly objectives: readonly ObjectiveRecord[];
}): Verdict {
  const failures: string[] = [...input.phaseFailures];
  if (input.abortReason !== null) {
    return { result: 'aborted', reason: input.abortReason, failures };
  }
  if (!input.measurements.rollbackSucceeded && input.measurements.rollbackFailureReason) {
    const text = `rollback failed: ${input.measurements.rollbackFailureReason}`;
    if (!failures.some((f) => f.includes(input.measurements.rollbackFailureReason ?? '')))
      failures.push(text);
  }
  for (const objective of input.objectives) {
    if (objective.met) continue;
    const words = objectiveWords(objective.name);
    const target = formatDurationMs(objective.targetSeconds * 1000);
    failures.push(
      objective.actualSeconds === null
        ? `${words}: not measured (objective ${target})`
        : `${words} ${formatDurationMs(objective.actualSeconds * 1000)} missed its objective of ${target}`,
    );
  }
  if (failures.length === 0)
    return { result: 'passed', reason: 'rollback succeeded and every objective was met', failures };
  return { result: 'failed', reason: failures[0] ?? 'failed', failures };
}
