/**
 * Shortened copies of scenarios/demo-bad-release.yaml for the exporter e2e tests: the same demo,
 * fault and detector, with a 3 s baseline and a 6 s verify window (about 12 s a drill). All
 * variants share the metadata, so Prometheus and the Pushgateway see one scenario drilled
 * several times; only the outcome differs.
 *
 * Made robust to a busy shared machine, where the demo's baseline alone can miss the SLO and abort
 * the drill (which says nothing about the exporters; a p95 of 1.4 s was seen at load average 12
 * on 2 cores): half the load (25 req/s), a 5 s request timeout instead of 2 s, and no latency
 * SLO — only availability. The fault (60% of checkouts fail) is still detected by the error
 * ratio within a second or two.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../cli-process.js';

/** The labels every exported series of these drills carries. */
export const DRILL_LABELS = {
  scenario: 'e2e-exporters',
  service: 'demo-shop',
  environment: 'demo',
  team: 'platform',
  fault_kind: 'release',
} as const;

export interface ShortDrillFiles {
  /** Passes: detected, rolled back, recovered, every objective met. */
  readonly passing: string;
  /**
   * Fails on an objective only, the rollback itself succeeds: time to recover ≤ 500 ms, while
   * recovery is the start of an SLI sample that begins after the rollback, which comes after the
   * detection at the end of a sample: at least 1 s after the fault (time to detect can be 0 s).
   */
  readonly missedObjective: string;
  /**
   * Fails its rollback: a 1 ms rollback timeout, while the embedded target needs a /healthz round
   * trip through the router and the stop of the bad release's process (≈ 10 ms) to confirm one.
   */
  readonly failedRollback: string;
}

type ScenarioDocument = Record<string, Record<string, unknown>>;

function baseScenario(): ScenarioDocument {
  const demo = parse(
    readFileSync(join(REPO_ROOT, 'scenarios/demo-bad-release.yaml'), 'utf8'),
  ) as ScenarioDocument;
  const phases = demo['phases'] ?? {};
  return {
    ...demo,
    traffic: { ...demo['traffic'], rate: 25, timeout: '5s' },
    slos: { ...demo['slos'], latency: [] },
    metadata: { ...demo['metadata'], name: DRILL_LABELS.scenario },
    phases: { ...phases, baseline: { duration: '3s' }, verify: { window: '6s', sustain: '2s' } },
  };
}

export function writeShortDrills(dir: string): ShortDrillFiles {
  const write = (name: string, change: (scenario: ScenarioDocument) => ScenarioDocument): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, stringify(change(baseScenario())));
    return file;
  };
  return {
    passing: write('passing', (s) => s),
    missedObjective: write('missed-objective', (s) => ({
      ...s,
      objectives: { ...s['objectives'], timeToRecover: '500ms' },
    })),
    failedRollback: write('failed-rollback', (s) => ({
      ...s,
      phases: { ...s['phases'], rollback: { timeout: '1ms' } },
    })),
  };
}
