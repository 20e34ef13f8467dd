/**
 * The run record (run.json), `apiVersion: rollback-drill/run/v1`: one durable, documented file per
 * drill. This zod schema is the single source of its type and of docs/schemas/run-record.v1.json.
 * Times are ISO-8601 UTC plus seconds from the run start; durations are seconds.
 */
import { z } from 'zod';
import { TIMELINE_EVENT_TYPES, PHASES } from '../runner/timeline.js';

export const RUN_RECORD_API_VERSION = 'rollback-drill/run/v1';

const iso = z.string().meta({ description: 'ISO-8601 UTC timestamp' });
const observation = z.object({
  method: z.string(),
  resolutionSeconds: z.number().nonnegative(),
});

const latencySummary = z.object({
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});

export const windowRecordSchema = z.object({
  startOffsetSeconds: z.number(),
  endOffsetSeconds: z.number(),
  requests: z.int().nonnegative(),
  errors: z.int().nonnegative(),
  dropped: z.int().nonnegative(),
  availability: z.number().nullable(),
  errorRatio: z.number().nullable(),
  latencyMs: latencySummary.nullable(),
});

export const sliSampleRecordSchema = z.object({
  offsetSeconds: z.number().meta({ description: 'interval start, seconds from the run start' }),
  at: iso,
  requests: z.int().nonnegative(),
  errors: z.int().nonnegative(),
  dropped: z.int().nonnegative(),
  errorsByClass: z.record(z.string(), z.int().nonnegative()),
  latencyMs: latencySummary.nullable(),
  latencyHistogram: z
    .string()
    .nullable()
    .meta({ description: 'HdrHistogram V2 compressed base64, microseconds' }),
});

export const timelineEventRecordSchema = z.object({
  type: z.enum(TIMELINE_EVENT_TYPES),
  at: iso,
  offsetSeconds: z.number(),
  phase: z.enum(PHASES).optional(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const MEASUREMENT_NAMES = [
  'timeToDetectSeconds',
  'timeToDecideSeconds',
  'timeToRollbackSeconds',
  'timeToRecoverSeconds',
] as const;
export type MeasurementName = (typeof MEASUREMENT_NAMES)[number];

const sliDelta = z.object({
  availability: z.number().nullable(),
  errorRatio: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  latencyP99Ms: z.number().nullable(),
});

export const measurementsSchema = z.object({
  timeToDetectSeconds: z.number().nullable(),
  timeToDecideSeconds: z.number().nullable(),
  timeToRollbackSeconds: z.number().nullable(),
  timeToRecoverSeconds: z.number().nullable(),
  rollbackSucceeded: z.boolean(),
  rollbackFailureReason: z.string().nullable(),
  postRollbackSliDelta: sliDelta.meta({ description: 'post-rollback window SLI − baseline window SLI' }),
  impact: z.object({
    requests: z.int().nonnegative(),
    failedRequests: z.int().nonnegative(),
    droppedRequests: z.int().nonnegative(),
    windowDescription: z.string(),
  }),
  observations: z.record(z.enum(MEASUREMENT_NAMES), observation),
});

export const objectiveRecordSchema = z.object({
  name: z.enum(['timeToDetect', 'timeToDecide', 'timeToRollback', 'timeToRecover']),
  measurement: z.enum(MEASUREMENT_NAMES),
  targetSeconds: z.number(),
  actualSeconds: z.number().nullable(),
  met: z.boolean(),
});

export const runResultSchema = z.enum(['passed', 'failed', 'aborted', 'interrupted']);
export type RunResult = z.output<typeof runResultSchema>;

export const runRecordSchema = z.object({
  apiVersion: z.literal(RUN_RECORD_API_VERSION),
  runId: z.string(),
  harnessVersion: z.string(),
  scenario: z.object({
    file: z.string().nullable(),
    name: z.string(),
    service: z.string(),
    environment: z.string(),
    team: z.string(),
    spec: z.record(z.string(), z.unknown()).meta({ description: 'the validated scenario, durations in ms' }),
  }),
  startedAt: iso,
  endedAt: iso,
  durationSeconds: z.number(),
  result: runResultSchema,
  reason: z.string(),
  failures: z.array(z.string()),
  target: z.object({ kind: z.string(), stableVersion: z.string(), versionAfterRun: z.string().nullable() }),
  fault: z.object({ kind: z.string(), summary: z.string(), details: z.record(z.string(), z.unknown()) }),
  detector: z.object({
    kind: z.string(),
    settings: z.record(z.string(), z.unknown()),
    observation,
    fired: z.boolean(),
    reason: z.string().nullable(),
  }),
  decision: z.object({
    kind: z.string(),
    settings: z.record(z.string(), z.unknown()),
    decidedBy: z.string().nullable(),
  }),
  timeline: z.array(timelineEventRecordSchema),
  sli: z.object({ intervalSeconds: z.number(), samples: z.array(sliSampleRecordSchema) }),
  windows: z.object({
    baseline: windowRecordSchema.nullable(),
    fault: windowRecordSchema.nullable(),
    postRollback: windowRecordSchema.nullable(),
  }),
  measurements: measurementsSchema,
  objectives: z.array(objectiveRecordSchema),
  exports: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .default({})
    .meta({ description: 'what each exporter did: {pushgateway: {...}, otel: {traceId, ...}}' }),
});

export type RunRecord = z.output<typeof runRecordSchema>;
export type Measurements = z.output<typeof measurementsSchema>;
export type WindowRecord = z.output<typeof windowRecordSchema>;
export type ObjectiveRecord = z.output<typeof objectiveRecordSchema>;
