/**
 * The real drills the dashboard proof runs: shortened copies of the demo's bad-release scenarios
 * (3 s baseline, 5 s verify window) through the built CLI, exporting to a Pushgateway or a live /metrics port.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runRecordSchema, type RunRecord } from '../../../harness/store/run-record.js';
import { startCli, survivorsAfter } from '../../e2e/cli-process.js';

export interface ProofScenario {
  readonly name: string;
  readonly service: string;
  /** The demo release that carries the fault. */
  readonly badVersion: '1.5.0-errors' | '1.5.0-crash';
  /** Objectives to override, e.g. `{ timeToRecover: '2500ms' }` to make the drill fail on purpose. */
  readonly objectives?: Readonly<Record<string, string>>;
  /**
   * How long the automatic decision waits (default 0s). A drill meant to miss an objective needs a
   * lower bound on a measured time: recovery comes strictly after the decision, so a 3 s delay makes
   * time to recover > 3 s whatever the machine's speed, where a measured 0–2 s is not.
   */
  readonly decisionDelay?: string;
}

export const PROOF_ENVIRONMENT = 'proof';

export function scenarioYaml(scenario: ProofScenario): string {
  return stringify({
    apiVersion: 'rollback-drill/v1',
    kind: 'Drill',
    metadata: {
      name: scenario.name,
      service: scenario.service,
      environment: PROOF_ENVIRONMENT,
      team: 'platform',
      description: `dashboard proof: ${scenario.badVersion}`,
    },
    target: { type: 'embedded', stableVersion: '1.4.2' },
    traffic: {
      type: 'builtin',
      // Lighter than the demo's 50/s: three drills share two cores with Prometheus.
      rate: 20,
      timeout: '2s',
      requests: [
        { method: 'GET', path: '/api/products', weight: 5 },
        { method: 'GET', path: '/api/products/1', weight: 3 },
        { method: 'POST', path: '/api/cart', weight: 1, body: { productId: 1, quantity: 2 } },
        { method: 'POST', path: '/api/checkout', weight: 1, body: { cartId: 'demo' } },
      ],
    },
    // Both bad releases fail requests, so detection rides on errors. The latency SLO is loose on
    // purpose: on a shared two-core machine a cold demo's baseline p95 can pass 200 ms, and a drill
    // aborted for its baseline proves nothing about the dashboards.
    slos: { availability: '99.5%', latency: [{ percentile: 95, threshold: '1500ms' }] },
    fault: { type: 'release', version: scenario.badVersion },
    detection: { type: 'threshold', window: '5s', minRequests: 20 },
    decision: { type: 'auto', delay: scenario.decisionDelay ?? '0s' },
    phases: {
      baseline: { duration: '3s' },
      detection: { timeout: '1m' },
      decision: { timeout: '1m' },
      rollback: { timeout: '1m' },
      verify: { window: '5s', sustain: '2s' },
    },
    objectives: {
      timeToDetect: '30s',
      timeToDecide: '1m',
      timeToRollback: '1m',
      timeToRecover: '2m',
      ...scenario.objectives,
    },
    abort: { maxDuration: '3m' },
  });
}

export interface DrillOutcome {
  readonly scenario: string;
  readonly exitCode: number | null;
  readonly result: string;
  readonly reason: string;
  readonly record: RunRecord | undefined;
  /** Processes the drill left running (must be none). */
  readonly survivors: readonly number[];
  readonly stderrTail: string;
}

/** Runs one drill through the built CLI and reads the result from its run.json. */
export async function runDrill(
  dir: string,
  file: string,
  scenario: ProofScenario,
  exportArgs: readonly string[],
): Promise<DrillOutcome> {
  const path = join(dir, file);
  await writeFile(path, scenarioYaml(scenario));
  const run = startCli(['run', path, '--out', join(dir, 'runs'), '--json', '--no-otel', ...exportArgs]);
  const exitCode = await run.exited;
  let record: RunRecord | undefined;
  let problem = '';
  try {
    const summary = JSON.parse(run.stdout()) as { recordPath: string };
    record = runRecordSchema.parse(JSON.parse(readFileSync(summary.recordPath, 'utf8')));
  } catch (error) {
    problem = `could not read the run record: ${(error as Error).message}`;
  }
  return {
    scenario: scenario.name,
    exitCode,
    result: record?.result ?? 'no run record',
    reason: record?.reason ?? problem,
    record,
    survivors: await survivorsAfter(run.marker),
    stderrTail: run.stderr().slice(-1500),
  };
}
