/**
 * Realistic hand-built drill data for tests: a scenario, the RunStartInfo a runner would pass to
 * observers, and a RunRecord of a passed bad-release drill against the demo shop. Builders take
 * deep-partial overrides (arrays are replaced, not merged) and validate the result against the
 * run-record schema, so a fixture can never drift from the contract unnoticed.
 */
import type { RunStartInfo } from '../../harness/runner/observer.js';
import { scenarioSchema, type Scenario } from '../../harness/scenario/model.js';
import { RUN_RECORD_API_VERSION, runRecordSchema, type RunRecord } from '../../harness/store/run-record.js';
import {
  FIXTURE_EVENTS,
  FIXTURE_STARTED_AT_MS,
  iso,
  sliSamples,
  timelineRecord,
} from './fixture-timeline.js';

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace; `undefined` leaves the base value. */
export function deepMerge<T>(base: T, overrides: DeepPartial<T> | undefined): T {
  if (overrides === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    merged[key] = isPlainObject(merged[key]) && isPlainObject(value) ? deepMerge(merged[key], value) : value;
  }
  return merged as T;
}

export {
  FIXTURE_EVENTS,
  FIXTURE_STARTED_AT_MS,
  timelineRecord,
  type FixtureEvent,
} from './fixture-timeline.js';

export const FIXTURE_RUN_ID = '20261122T060000Z-checkout-bad-release-7f3a9c';

/** The scenario file input (before parsing); override any field, then it is validated. */
export function scenarioInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return deepMerge<Record<string, unknown>>(
    {
      apiVersion: 'rollback-drill/v1',
      kind: 'Drill',
      metadata: {
        name: 'checkout-bad-release',
        service: 'shop',
        environment: 'staging',
        team: 'payments',
        description: 'Deploy a release that fails 30% of checkouts; the drill must roll it back.',
      },
      target: { type: 'embedded', stableVersion: '1.4.2' },
      traffic: {
        type: 'builtin',
        rate: 50,
        requests: [
          { method: 'GET', path: '/api/products', weight: 3 },
          { method: 'POST', path: '/api/checkout', weight: 1, body: { sku: 'A-1', qty: 1 } },
        ],
      },
      slos: { availability: '99.5%', latency: [{ percentile: 95, threshold: '300ms' }] },
      fault: { type: 'release', version: '1.5.0-errors' },
      detection: { type: 'threshold', window: '5s', minRequests: 20 },
      decision: { type: 'auto', delay: '0s' },
    },
    overrides,
  );
}

export function makeScenario(overrides: Record<string, unknown> = {}): Scenario {
  return scenarioSchema.parse(scenarioInput(overrides));
}

/** What a runner passes to runStarted; monotonic 0 = `epochAtStartMs`. */
export function makeRunStartInfo(
  options: {
    scenario?: Scenario;
    runId?: string;
    startedAtMs?: number;
    epochAtZeroMs?: number;
    faultKind?: string;
  } = {},
): RunStartInfo {
  const epochAtZero = options.epochAtZeroMs ?? FIXTURE_STARTED_AT_MS;
  return {
    runId: options.runId ?? FIXTURE_RUN_ID,
    scenario: options.scenario ?? makeScenario(),
    fault: {
      kind: options.faultKind ?? 'release',
      summary: 'deploy 1.5.0-errors (5xx on 30% of checkouts)',
      details: { version: '1.5.0-errors' },
    },
    startedAtMs: options.startedAtMs ?? 0,
    toEpochMs: (monotonicMs) => epochAtZero + monotonicMs,
  };
}

/** A passed drill: detected in 3.2 s, decided at once, rolled back in 2.4 s, recovered 7.05 s after the fault. */
export function baseRunRecord(): RunRecord {
  const scenario = scenarioInput();
  const parsed = scenarioSchema.parse(scenario);
  const startedAt = FIXTURE_STARTED_AT_MS;
  return {
    apiVersion: RUN_RECORD_API_VERSION,
    runId: FIXTURE_RUN_ID,
    harnessVersion: '0.1.0',
    scenario: {
      file: 'scenarios/demo-bad-release.yaml',
      name: parsed.metadata.name,
      service: parsed.metadata.service,
      environment: parsed.metadata.environment,
      team: parsed.metadata.team,
      spec: parsed as unknown as Record<string, unknown>,
    },
    startedAt: iso(startedAt),
    endedAt: iso(startedAt + 37_900),
    durationSeconds: 37.9,
    result: 'passed',
    reason: 'rolled back in 2.4s and recovered; all objectives met',
    failures: [],
    target: { kind: 'embedded', stableVersion: '1.4.2', versionAfterRun: '1.4.2' },
    fault: {
      kind: 'release',
      summary: 'deploy 1.5.0-errors (5xx on 30% of checkouts)',
      details: { version: '1.5.0-errors' },
    },
    detector: {
      kind: 'threshold',
      settings: { window: 5000, minRequests: 20 },
      observation: { method: 'client-side SLIs, 1 s samples', resolutionSeconds: 1 },
      fired: true,
      reason: 'error ratio 31% over 5s > 0.5% budget',
    },
    decision: { kind: 'auto', settings: { delay: 0 }, decidedBy: 'auto' },
    timeline: timelineRecord(FIXTURE_EVENTS, startedAt),
    sli: { intervalSeconds: 1, samples: sliSamples(startedAt) },
    windows: {
      baseline: {
        startOffsetSeconds: 1.2,
        endOffsetSeconds: 11.2,
        requests: 500,
        errors: 0,
        dropped: 0,
        availability: 1,
        errorRatio: 0,
        latencyMs: { p50: 12, p90: 20, p95: 24, p99: 38, max: 61 },
      },
      fault: {
        startOffsetSeconds: 11.85,
        endOffsetSeconds: 17.45,
        requests: 280,
        errors: 87,
        dropped: 0,
        availability: 1 - 87 / 280,
        errorRatio: 87 / 280,
        latencyMs: { p50: 14, p90: 24, p95: 31, p99: 55, max: 90 },
      },
      postRollback: {
        startOffsetSeconds: 17.45,
        endOffsetSeconds: 37.45,
        requests: 1000,
        errors: 1,
        dropped: 0,
        availability: 0.999,
        errorRatio: 0.001,
        latencyMs: { p50: 12.5, p90: 21, p95: 25, p99: 40, max: 70 },
      },
    },
    measurements: {
      timeToDetectSeconds: 3.2,
      timeToDecideSeconds: 0,
      timeToRollbackSeconds: 2.4,
      timeToRecoverSeconds: 7.05,
      rollbackSucceeded: true,
      rollbackFailureReason: null,
      postRollbackSliDelta: {
        availability: -0.001,
        errorRatio: 0.001,
        latencyP50Ms: 0.5,
        latencyP95Ms: 1,
        latencyP99Ms: 2,
      },
      impact: {
        requests: 280,
        failedRequests: 87,
        droppedRequests: 0,
        windowDescription: 'from the fault taking effect to the rollback completing',
      },
      observations: {
        timeToDetectSeconds: { method: 'detector on 1 s SLI samples', resolutionSeconds: 1 },
        timeToDecideSeconds: { method: 'auto decision, same clock', resolutionSeconds: 0.001 },
        timeToRollbackSeconds: { method: 'health polled every 100 ms', resolutionSeconds: 0.1 },
        timeToRecoverSeconds: { method: '1 s SLI samples', resolutionSeconds: 1 },
      },
    },
    objectives: fixtureObjectives({
      timeToDetect: 3.2,
      timeToDecide: 0,
      timeToRollback: 2.4,
      timeToRecover: 7.05,
    }),
    exports: {},
  };
}

type ObjectiveName = RunRecord['objectives'][number]['name'];

/** The default objectives (5, 10, 15, 30 min) against these actual times; met when within them. */
function fixtureObjectives(actuals: Record<ObjectiveName, number | null>): RunRecord['objectives'] {
  const targets: Record<ObjectiveName, number> = {
    timeToDetect: 300,
    timeToDecide: 600,
    timeToRollback: 900,
    timeToRecover: 1800,
  };
  return (Object.keys(targets) as ObjectiveName[]).map((name) => {
    const actualSeconds = actuals[name];
    return {
      name,
      measurement: `${name}Seconds` as const,
      targetSeconds: targets[name],
      actualSeconds,
      met: actualSeconds !== null && actualSeconds <= targets[name],
    };
  });
}

/** The fixture record with overrides; throws if the result breaks the run-record schema. */
export function makeRunRecord(overrides: DeepPartial<RunRecord> = {}): RunRecord {
  const merged = deepMerge(baseRunRecord(), overrides);
  const checked = runRecordSchema.safeParse(merged);
  if (!checked.success) throw new Error(`makeRunRecord: not a valid run record: ${checked.error.message}`);
  return checked.data;
}

/** A drill whose rollback ran but did not restore service. */
export function makeFailedRollbackRecord(overrides: DeepPartial<RunRecord> = {}): RunRecord {
  return makeRunRecord(
    deepMerge<DeepPartial<RunRecord>>(
      {
        result: 'failed',
        reason: 'rollback completed but the SLOs did not hold again',
        failures: ['post-rollback availability 97.1% < SLO 99.5%'],
        measurements: {
          timeToRecoverSeconds: null,
          rollbackSucceeded: false,
          rollbackFailureReason: 'SLOs did not hold after the rollback',
        },
        objectives: fixtureObjectives({
          timeToDetect: 3.2,
          timeToDecide: 0,
          timeToRollback: 2.4,
          timeToRecover: null,
        }),
      },
      overrides,
    ),
  );
}
