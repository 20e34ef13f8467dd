/**
 * A shortened demo bad-release drill whose detection and decision blocks a test chooses, written to
 * a temporary folder, and the helpers to run it through the built CLI and read its record.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runRecordSchema, type RunRecord } from '../../../harness/store/run-record.js';
import { startCli, type CliRun } from '../cli-process.js';

export interface DemoDrillOptions {
  readonly name: string;
  readonly detection: Record<string, unknown>;
  readonly decision?: Record<string, unknown>;
  /** A fixed router port, so a Prometheus can be told where to scrape before the drill starts. */
  readonly routerPort?: number;
  readonly baseline?: string;
  readonly detectionTimeout?: string;
  readonly decisionTimeout?: string;
  readonly timeToDetect?: string;
}

export interface DrillFolder {
  readonly dir: string;
  readonly outDir: string;
  scenarioFile(options: DemoDrillOptions): string;
  remove(): void;
}

export function drillFolder(prefix: string): DrillFolder {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    dir,
    outDir: join(dir, 'runs'),
    scenarioFile(options) {
      const file = join(dir, `${options.name}.yaml`);
      writeFileSync(file, demoScenarioYaml(options));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** release 1.5.0-errors fails 60% of checkouts: ≈ 6% of this mix. */
export function demoScenarioYaml(options: DemoDrillOptions): string {
  return stringify({
    apiVersion: 'rollback-drill/v1',
    kind: 'Drill',
    metadata: { name: options.name, service: 'demo-shop', environment: 'e2e', team: 'platform' },
    target: {
      type: 'embedded',
      stableVersion: '1.4.2',
      ...(options.routerPort ? { routerPort: options.routerPort } : {}),
    },
    traffic: {
      type: 'builtin',
      // Modest and patient: these drills are about detection, and the CI machine is shared.
      rate: 30,
      timeout: '5s',
      requests: [
        { method: 'GET', path: '/api/products', weight: 5 },
        { method: 'GET', path: '/api/products/1', weight: 3 },
        { method: 'POST', path: '/api/cart', weight: 1, body: { productId: 1, quantity: 2 } },
        { method: 'POST', path: '/api/checkout', weight: 1, body: { cartId: 'demo' } },
      ],
    },
    // A loose latency objective for the same reason.
    slos: { availability: '99.5%', latency: [{ percentile: 95, threshold: '1s' }] },
    fault: { type: 'release', version: '1.5.0-errors' },
    detection: options.detection,
    decision: options.decision ?? { type: 'auto', delay: '0s' },
    phases: {
      baseline: { duration: options.baseline ?? '10s' },
      detection: { timeout: options.detectionTimeout ?? '45s' },
      decision: { timeout: options.decisionTimeout ?? '30s' },
      rollback: { timeout: '30s' },
      verify: { window: '8s', sustain: '3s' },
    },
    objectives: {
      timeToDetect: options.timeToDetect ?? '30s',
      timeToDecide: '30s',
      timeToRollback: '30s',
      timeToRecover: '1m',
    },
    abort: { maxDuration: '3m' },
  });
}

export interface FinishedDrill {
  readonly code: number | null;
  readonly record: RunRecord;
  readonly run: CliRun;
}

/** Runs the scenario through the built CLI with --json and reads the record it wrote. */
export async function runDemoDrill(file: string, outDir: string): Promise<FinishedDrill> {
  const run = startCli(['run', file, '--out', outDir, '--json']);
  return finish(run);
}

export async function finish(run: CliRun): Promise<FinishedDrill> {
  const code = await run.exited;
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(run.stdout()) as Record<string, unknown>;
  } catch {
    throw new Error(`the drill printed no JSON summary (exit ${code}):\n${run.stderr()}`);
  }
  const record = runRecordSchema.parse(JSON.parse(readFileSync(String(summary['recordPath']), 'utf8')));
  return { code, record, run };
}

/** Seconds between two timeline events of a record. */
export function secondsBetween(record: RunRecord, from: string, to: string): number {
  const at = (type: string): number => {
    const event = record.timeline.find((e) => e.type === type);
    if (!event) throw new Error(`no ${type} event in the timeline`);
    return event.offsetSeconds;
  };
  return at(to) - at(from);
}
