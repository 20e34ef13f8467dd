/**
 * The scenario file format, `apiVersion: rollback-drill/v1`. This is the one schema source: it
 * validates files, types the parsed plan, and generates scenarios/schema.json for editors.
 * Adapter blocks (target, traffic, fault, detection, decision) are chosen by their `type:` field.
 */
import { z } from 'zod';
import { duration, ratio } from './units.js';
import { targetConfig } from './schema/targets.js';
import { trafficConfig } from './schema/traffic.js';
import { faultConfig } from './schema/faults.js';
import { detectionConfig, decisionConfig } from './schema/detection.js';

export const SCENARIO_API_VERSION = 'rollback-drill/v1';

const name = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected a lowercase name of letters, digits and dashes (max 63)',
  );

const metadata = z.strictObject({
  name: name.meta({ description: 'Scenario name; a metric label, so keep it stable.' }),
  service: name.meta({ description: 'The service under drill.' }),
  environment: z.string().min(1).default('staging'),
  team: z.string().min(1).default('unknown'),
  description: z.string().optional(),
});

const latencySlo = z.strictObject({
  percentile: z.number().gt(0).lt(100).meta({ description: 'e.g. 95 for p95' }),
  threshold: duration.meta({ description: 'the percentile must stay at or below this' }),
});

export const slosSchema = z.strictObject({
  availability: ratio.meta({ description: 'share of requests that must succeed, e.g. 99.5%' }),
  latency: z.array(latencySlo).default([]),
});

const phases = z.strictObject({
  baseline: z.strictObject({ duration: duration.default(10_000) }).default({ duration: 10_000 }),
  detection: z.strictObject({ timeout: duration.default(120_000) }).default({ timeout: 120_000 }),
  decision: z.strictObject({ timeout: duration.default(60_000) }).default({ timeout: 60_000 }),
  rollback: z.strictObject({ timeout: duration.default(120_000) }).default({ timeout: 120_000 }),
  verify: z
    .strictObject({
      window: duration.default(20_000).meta({ description: 'how long SLIs are watched after the rollback' }),
      sustain: duration
        .default(5_000)
        .meta({ description: 'how long SLIs must stay inside the SLO to count as recovered' }),
    })
    .default({ window: 20_000, sustain: 5_000 }),
});

// Defaults from common practice for staged rollbacks (see docs/measurements.md).
const objectives = z.strictObject({
  timeToDetect: duration.default(300_000),
  timeToDecide: duration.default(600_000),
  timeToRollback: duration.default(900_000),
  timeToRecover: duration.default(1_800_000),
});

const abortLimits = z.strictObject({
  maxDuration: duration.default(1_800_000).meta({ description: 'the whole drill is aborted past this' }),
});

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION, { error: `expected apiVersion: ${SCENARIO_API_VERSION}` }),
  kind: z.literal('Drill', { error: 'expected kind: Drill' }),
  metadata,
  target: targetConfig,
  traffic: trafficConfig,
  slos: slosSchema,
  fault: faultConfig,
  detection: detectionConfig,
  decision: decisionConfig.default({ type: 'auto', delay: 0 }),
  phases: phases.default({
    baseline: { duration: 10_000 },
    detection: { timeout: 120_000 },
    decision: { timeout: 60_000 },
    rollback: { timeout: 120_000 },
    verify: { window: 20_000, sustain: 5_000 },
  }),
  objectives: objectives.default({
    timeToDetect: 300_000,
    timeToDecide: 600_000,
    timeToRollback: 900_000,
    timeToRecover: 1_800_000,
  }),
  abort: abortLimits.default({ maxDuration: 1_800_000 }),
});

/** A validated scenario; durations are milliseconds and ratios are numbers in [0, 1]. */
export type Scenario = z.output<typeof scenarioSchema>;
export type Slos = Scenario['slos'];
export type ObjectiveName = keyof Scenario['objectives'];
