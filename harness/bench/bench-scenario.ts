import type { Scenario } from '../scenario/model.js';

/** A short, validated-shape scenario for benchmarks that drive the runner with scripted adapters. */
export function benchScenario(): Scenario {
  return {
    apiVersion: 'rollback-drill/v1',
    kind: 'Drill',
    metadata: { name: 'accuracy', service: 'scripted', environment: 'bench', team: 'bench' },
    target: { type: 'embedded', stableVersion: 'stable', healthPollInterval: 100 },
    traffic: {
      type: 'builtin',
      rate: 100,
      timeout: 2000,
      maxInFlight: 512,
      requests: [{ method: 'GET', path: '/', weight: 1 }],
      seed: 1,
    },
    slos: { availability: 0.995, latency: [] },
    fault: { type: 'release', version: 'candidate' },
    detection: { type: 'threshold', window: 5000, minRequests: 20 },
    decision: { type: 'auto', delay: 0 },
    phases: {
      baseline: { duration: 4000 },
      detection: { timeout: 30_000 },
      decision: { timeout: 30_000 },
      rollback: { timeout: 30_000 },
      verify: { window: 6000, sustain: 2000 },
    },
    objectives: {
      timeToDetect: 60_000,
      timeToDecide: 60_000,
      timeToRollback: 60_000,
      timeToRecover: 120_000,
    },
    abort: { maxDuration: 120_000 },
  } as unknown as Scenario;
}
