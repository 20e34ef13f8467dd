/**
 * A real serve daemon on 127.0.0.1 (any free port) with drills the test controls: each fake drill
 * reports to its observers like a real one, then waits until the test finishes it or it is
 * aborted, and returns a schema-valid record. Real drills against the demo are in demo-drill.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SystemClock } from '../../../harness/core/clock.js';
import { abortReasonOf } from '../../../harness/runner/drill-abort.js';
import { startServeDaemon, type ServeDaemon, type ServeOptions } from '../../../harness/server/daemon.js';
import type { DrillExecutor, DrillLaunch } from '../../../harness/server/drill-supervisor.js';
import type { RunRecord, RunResult } from '../../../harness/store/run-record.js';
import { makeRunRecord, scenarioInput } from '../../support/fixtures.js';

export const TOKEN = 'serve-test-token-0123456789abcdef';

/** alpha and beta drill the same service (one target); gamma another. */
export function writeScenarios(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const drill = (name: string, service: string): string =>
    stringify(scenarioInput({ metadata: { name, service, environment: 'staging', team: 'payments' } }));
  writeFileSync(join(dir, 'alpha.yaml'), drill('alpha', 'shop'));
  writeFileSync(join(dir, 'beta.yaml'), drill('beta', 'shop'));
  writeFileSync(join(dir, 'gamma.yml'), drill('gamma', 'api'));
  writeFileSync(
    join(dir, 'broken.yaml'),
    'apiVersion: rollback-drill/v1\nkind: Drill\nmetadata: { name: broken }\n',
  );
  writeFileSync(
    join(dir, 'gameday.yaml'),
    'apiVersion: rollback-drill/gameday/v1\nkind: GameDay\nruns: []\n',
  );
  writeFileSync(join(dir, 'notes.txt'), 'not a scenario');
}

export class FakeDrills {
  readonly launches: DrillLaunch[] = [];
  private readonly waiting = new Map<string, (result: RunResult) => void>();
  /** When set, every drill finishes with this result at once. */
  autoFinish: RunResult | undefined;

  readonly execute: DrillExecutor = async (launch) => {
    this.launches.push(launch);
    const { clock, scenario, runId } = launch;
    const startedAtMs = clock.now();
    for (const observer of launch.observers)
      observer.runStarted?.({
        runId,
        scenario,
        fault: { kind: scenario.fault.type, summary: 'fake fault', details: {} },
        startedAtMs,
        toEpochMs: (ms) => clock.toEpochMs(ms),
      });
    for (const observer of launch.observers)
      observer.event?.({
        type: 'phase.started',
        atMs: clock.now(),
        phase: 'baseline',
        message: 'baseline started',
      });
    const result =
      this.autoFinish ??
      (await new Promise<RunResult>((resolve) => {
        this.waiting.set(runId, resolve);
        launch.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
      }));
    const record = makeRunRecord({
      runId,
      scenario: {
        name: scenario.metadata.name,
        service: scenario.metadata.service,
        environment: scenario.metadata.environment,
        team: scenario.metadata.team,
        file: launch.scenarioFile,
      },
      startedAt: new Date(clock.toEpochMs(startedAtMs)).toISOString(),
      endedAt: new Date(clock.toEpochMs(clock.now())).toISOString(),
      result,
      reason: result === 'aborted' ? abortReasonOf(launch.signal, 'aborted') : `fake drill ${result}`,
    });
    for (const observer of launch.observers) await observer.runFinished?.(record);
    return record;
  };

  /** Lets a waiting drill end with `result` (default passed). */
  finish(runId: string, result: RunResult = 'passed'): void {
    const resolve = this.waiting.get(runId);
    if (!resolve) throw new Error(`no fake drill ${runId} is waiting`);
    resolve(result);
  }
}

export interface ServeHarness {
  readonly daemon: ServeDaemon;
  readonly url: string;
  readonly runsDir: string;
  readonly scenariosDir: string;
  readonly drills: FakeDrills;
  readonly logs: string[];
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; text: string }>;
  /** Resolves with the record once the run's drill has finished and been saved. */
  finished(runId: string): Promise<RunRecord | undefined>;
  stop(): Promise<void>;
}

export async function startServeHarness(overrides: Partial<ServeOptions> = {}): Promise<ServeHarness> {
  const root = mkdtempSync(join(tmpdir(), 'serve-api-'));
  const runsDir = join(root, 'runs');
  const scenariosDir = join(root, 'scenarios');
  writeScenarios(scenariosDir);
  const drills = new FakeDrills();
  const logs: string[] = [];
  const daemon = await startServeDaemon({
    host: '127.0.0.1',
    port: 0,
    runsDir,
    scenariosDir,
    auth: { mode: 'token', token: TOKEN },
    schedules: [],
    historyWindowMs: 3_650 * 86_400_000,
    clock: new SystemClock(),
    log: (line) => logs.push(line),
    execute: drills.execute,
    ...overrides,
  }).catch((error: unknown) => {
    rmSync(root, { recursive: true, force: true });
    throw error;
  });
  const finishedRecords = new Map<string, Promise<RunRecord | undefined>>();
  return {
    daemon,
    url: daemon.url,
    runsDir,
    scenariosDir,
    drills,
    logs,
    async request(method, path, options = {}) {
      const token = options.token === undefined ? TOKEN : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers['authorization'] = `Bearer ${token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${daemon.url}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON (a report, /metrics)
      }
      return { status: response.status, headers: response.headers, json, text };
    },
    finished(runId) {
      let promise = finishedRecords.get(runId);
      if (!promise) {
        const run = daemon.supervisor.get(runId);
        if (!run) throw new Error(`run ${runId} is not running`);
        promise = run.finished;
        finishedRecords.set(runId, promise);
      }
      return promise;
    },
    async stop() {
      await daemon.shutdown('test over');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
