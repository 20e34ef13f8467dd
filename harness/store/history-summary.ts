/**
 * What the run history keeps of each run record: the few fields trends are computed from. A
 * summary is small enough that thousands of them fit in one index file, and it is a pure function
 * of the record, so the index can always be rebuilt from the run folders.
 */
import { z } from 'zod';
import { MEASUREMENT_NAMES, runRecordSchema, runResultSchema } from './run-record.js';

/**
 * The part of a run record a summary is made from, validated as strictly as the whole record's
 * schema validates it. The rest (the per-second SLI series, the timeline, the windows: most of a
 * record's bytes) is not read by the history, so a cold scan does not pay to validate it: that
 * halves the CPU per record. `rollback-drill` writes records through the full schema.
 */
export const summarySourceSchema = runRecordSchema.pick({
  apiVersion: true,
  runId: true,
  scenario: true,
  startedAt: true,
  endedAt: true,
  durationSeconds: true,
  result: true,
  reason: true,
  fault: true,
  measurements: true,
  objectives: true,
});
export type SummarySource = z.output<typeof summarySourceSchema>;

export const runSummarySchema = z.object({
  runId: z.string(),
  /** The run's folder name under the runs directory (normally the run id). */
  folder: z.string(),
  scenario: z.string(),
  service: z.string(),
  environment: z.string(),
  team: z.string(),
  faultKind: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  durationSeconds: z.number(),
  result: runResultSchema,
  reason: z.string(),
  rollbackSucceeded: z.boolean(),
  timeToDetectSeconds: z.number().nullable(),
  timeToDecideSeconds: z.number().nullable(),
  timeToRollbackSeconds: z.number().nullable(),
  timeToRecoverSeconds: z.number().nullable(),
  /** Names of the objectives the run missed (timeToDetect, …). */
  objectivesMissed: z.array(z.string()),
});

export type RunSummary = z.output<typeof runSummarySchema>;

export { MEASUREMENT_NAMES };

export function summarizeRun(record: SummarySource, folder: string): RunSummary {
  const m = record.measurements;
  return {
    runId: record.runId,
    folder,
    scenario: record.scenario.name,
    service: record.scenario.service,
    environment: record.scenario.environment,
    team: record.scenario.team,
    faultKind: record.fault.kind,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    durationSeconds: record.durationSeconds,
    result: record.result,
    reason: record.reason,
    rollbackSucceeded: m.rollbackSucceeded,
    timeToDetectSeconds: m.timeToDetectSeconds,
    timeToDecideSeconds: m.timeToDecideSeconds,
    timeToRollbackSeconds: m.timeToRollbackSeconds,
    timeToRecoverSeconds: m.timeToRecoverSeconds,
    objectivesMissed: record.objectives.filter((o) => !o.met).map((o) => o.name),
  };
}
