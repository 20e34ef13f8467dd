import type { Scenario } from '../../../harness/scenario/model.js';

/** A validated scenario (durations in ms) for runner tests. */
export function scenarioFixture(overrides: Partial<Scenario> = {}): Scenario {
  return {
    apiVersion: 'rollback-drill/v1',
    kind: 'Drill',
    metadata: { name: 'scripted-drill', service: 'shop', environment: 'test', team: 'sre' },
    target: { type: 'embedded', stableVersion: 'stable', healthPollInterval: 100 },
    traffic: {
      type: 'builtin',
      rate: 100,
      timeout: 2000,
      maxInFlight: 512,
      requests: [{ method: 'GET', path: '/', weight: 1 }],
      seed: 1,
    },
    slos: { availability: 0.995, latency: [{ percentile: 95, threshold: 200 }] },
    fault: { type: 'release', version: 'candidate' },
    detection: { type: 'threshold', window: 5000, minRequests: 20 },
    decision: { type: 'auto', delay: 2000 },
    phases: {
      baseline: { duration: 10_000 },
      detection: { timeout: 120_000 },
      decision: { timeout: 60_000 },
      rollback: { timeout: 60_000 },
      verify: { window: 20_000, sustain: 5_000 },
    },
    objectives: {
      timeToDetect: 30_000,
      timeToDecide: 60_000,
      timeToRollback: 60_000,
      timeToRecover: 120_000,
    },
    abort: { maxDuration: 600_000 },
    ...overrides,
  } as Scenario;
}
