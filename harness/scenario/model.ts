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
  name: name.meta({ description: "the drill's name; a metric label, so keep it stable" }),
  service: name.meta({ description: 'the service under drill' }),
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

// Defaults are written as a user would write them (prefault: "10s", parsed like any input), so
// the generated JSON Schema shows editors the same text the file would hold.
const phases = z.strictObject({
  baseline: z
    .strictObject({
      duration: duration.prefault('10s').meta({ description: 'how long healthy SLIs are measured first' }),
    })
    .prefault({}),
  detection: z
    .strictObject({
      timeout: duration.prefault('2m').meta({ description: 'no detection by then = the drill fails' }),
    })
    .prefault({}),
  decision: z
    .strictObject({
      timeout: duration
        .prefault('1m')
        .meta({ description: 'no rollback decision by then = the drill fails' }),
    })
    .prefault({}),
  rollback: z
    .strictObject({
      timeout: duration
        .prefault('2m')
        .meta({ description: 'the stable version must serve and be healthy within this' }),
    })
    .prefault({}),
  verify: z
    .strictObject({
      window: duration.prefault('20s').meta({ description: 'how long SLIs are watched after the rollback' }),
      sustain: duration
        .prefault('5s')
        .meta({ description: 'how long SLIs must stay inside the SLO to count as recovered' }),
    })
    .prefault({}),
});

// Defaults from common practice for staged rollbacks (see docs/measurements.md).
const objectives = z.strictObject({
  timeToDetect: duration.prefault('5m').meta({ description: 'fault start → detection' }),
  timeToDecide: duration.prefault('10m').meta({ description: 'detection → decision to roll back' }),
  timeToRollback: duration
    .prefault('15m')
    .meta({ description: 'decision → stable version serving and healthy' }),
  timeToRecover: duration
    .prefault('30m')
    .meta({ description: 'fault start → SLIs back inside the SLO for the sustain time' }),
});

const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'expected an http(s) URL such as http://127.0.0.1:9091',
});

// Stop conditions (AWS FIS stop conditions, Chaos Toolkit safeguards): when one fires the drill
// stops at once, the cleanup stack clears the fault and rolls back, and the record says aborted.
const blastRadius = z
  .strictObject({
    errorRatio: ratio
      .optional()
      .meta({ description: 'stop when the share of failed requests stays above this, e.g. 30%' }),
    latency: z
      .strictObject({
        percentile: z.number().gt(0).lt(100).meta({ description: 'e.g. 99 for p99' }),
        threshold: duration.meta({ description: 'stop when the percentile stays above this' }),
      })
      .optional()
      .meta({ description: 'stop when this latency percentile stays above its threshold' }),
    sustain: duration
      .prefault('10s')
      .meta({ description: 'how long a limit must stay exceeded (every 1 s sample) before the drill stops' }),
  })
  .refine((guard) => guard.errorRatio !== undefined || guard.latency !== undefined, {
    message: 'a blast-radius guard needs a limit: expected errorRatio, latency or both, got neither',
  });

const prometheusStop = z.strictObject({
  url: httpUrl.meta({ description: 'Prometheus base URL, e.g. http://127.0.0.1:9090' }),
  query: z
    .string()
    .min(1)
    .meta({ description: 'PromQL; the drill stops when it returns any series (or a non-zero scalar)' }),
  interval: duration.prefault('5s').meta({ description: 'how often the query is evaluated' }),
});

const abortLimits = z.strictObject({
  maxDuration: duration.prefault('30m').meta({ description: 'the whole drill is aborted past this' }),
  blastRadius: blastRadius
    .optional()
    .meta({ description: 'stop the drill when the live SLIs show more harm than the drill may cause' }),
  prometheus: prometheusStop
    .optional()
    .meta({ description: 'stop the drill when a Prometheus expression returns a result' }),
});

const exportsConfig = z.strictObject({
  pushgateway: z
    .strictObject({
      url: httpUrl.meta({ description: 'Pushgateway base URL; the run is pushed when it ends' }),
      job: z.string().min(1).prefault('rollback_drill'),
    })
    .optional(),
  otlp: z
    .strictObject({
      endpoint: httpUrl.meta({ description: 'OTLP/HTTP base URL, e.g. http://collector:4318' }),
      protocol: z.enum(['http/json', 'http/protobuf']).prefault('http/protobuf'),
    })
    .optional(),
});

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION, { error: `expected apiVersion: ${SCENARIO_API_VERSION}` }),
  kind: z.literal('Drill', { error: 'expected kind: Drill' }),
  metadata,
  target: targetConfig.meta({ description: 'the system under drill; `type` chooses the adapter' }),
  traffic: trafficConfig.meta({ description: 'the load that produces the SLIs during the drill' }),
  slos: slosSchema.meta({ description: 'what "healthy" means: detection and recovery are judged on these' }),
  fault: faultConfig.meta({ description: 'what goes wrong: the bad release or network fault to inject' }),
  detection: detectionConfig.meta({ description: 'how the regression is noticed' }),
  decision: decisionConfig
    .prefault({ type: 'auto' })
    .meta({ description: 'how a detection becomes a decision to roll back' }),
  phases: phases.prefault({}),
  objectives: objectives
    .prefault({})
    .meta({ description: 'targets each measured time is compared with; a miss fails the drill' }),
  abort: abortLimits.prefault({}),
  exports: exportsConfig
    .optional()
    .meta({ description: 'where the run is exported besides run.json; CLI flags override these' }),
});

/** A validated scenario; durations are milliseconds and ratios are numbers in [0, 1]. */
export type Scenario = z.output<typeof scenarioSchema>;
export type Slos = Scenario['slos'];
export type ObjectiveName = keyof Scenario['objectives'];
export type AbortLimits = Scenario['abort'];
export type BlastRadiusLimits = NonNullable<AbortLimits['blastRadius']>;
export type PrometheusStopCondition = NonNullable<AbortLimits['prometheus']>;
