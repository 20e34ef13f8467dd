/**
 * Real demo drills started through the serve API, run in-process by the daemon exactly as
 * `rollback-drill serve` runs them: seen through GET /api/runs and /metrics, refused on a busy
 * target, and aborted through the API with cleanup.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExtraReports } from '../../../exporters/reports/html-files.js';
import { SERVED_REPORTS } from '../../../harness/cli/serve.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { startServeDaemon, type ServeDaemon } from '../../../harness/server/daemon.js';
import { executeDrillInProcess } from '../../../harness/server/drill-executor.js';
import { runRecordSchema } from '../../../harness/store/run-record.js';
import { parseExposition, sampleValue } from '../../support/exposition.js';
import { waitUntil } from '../../support/wait.js';
import { writeShortDemoScenario } from './demo-scenario.js';

const TOKEN = 'demo-drill-test-token-0123456789';
const root = mkdtempSync(join(tmpdir(), 'serve-demo-'));
const runsDir = join(root, 'runs');
const scenariosDir = join(root, 'scenarios');
const logs: string[] = [];
let daemon: ServeDaemon;

beforeAll(async () => {
  mkdirSync(scenariosDir, { recursive: true });
  writeShortDemoScenario(scenariosDir, 'serve-demo');
  daemon = await startServeDaemon({
    host: '127.0.0.1',
    port: 0,
    runsDir,
    scenariosDir,
    auth: { mode: 'token', token: TOKEN },
    schedules: [],
    historyWindowMs: 86_400_000,
    clock: new SystemClock(),
    log: (line) => logs.push(line),
    execute: executeDrillInProcess,
    // the same reports and extra files `rollback-drill serve` wires
    reports: SERVED_REPORTS,
    writeExtraReports: (folder, record) => writeExtraReports(folder, record),
  });
});
afterAll(async () => {
  await daemon.shutdown('test over');
  rmSync(root, { recursive: true, force: true });
});

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const response = await fetch(`${daemon.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // /metrics
  }
  return { status: response.status, json, text };
}

async function waitForPhase(runId: string, phases: readonly string[]): Promise<void> {
  await waitUntil(
    async () => {
      const run = (await api('GET', `/api/runs/${runId}`)).json['run'] as { phase?: string } | undefined;
      return phases.includes(run?.phase ?? '') || undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, description: `run ${runId} to reach ${phases.join('/')}` },
  );
}

describe('demo drills through the serve API', () => {
  it('runs a demo drill started by POST /api/runs to a passed record, visible in /api/runs and /metrics; a second start gets 409', async () => {
    const started = await api('POST', '/api/runs', { scenario: 'serve-demo' });
    expect(started.status).toBe(202);
    const runId = String(started.json['runId']);
    const finished = daemon.supervisor.get(runId)?.finished;

    const busy = await api('POST', '/api/runs', { scenario: 'serve-demo' });
    expect(busy.status).toBe(409);
    expect(busy.json).toMatchObject({ runId, target: 'service:demo-shop@demo' });

    await waitForPhase(runId, ['baseline', 'fault', 'detect']);
    const listed = await api('GET', '/api/runs?result=running');
    expect((listed.json['runs'] as { runId: string }[]).map((r) => r.runId)).toEqual([runId]);
    const live = parseExposition((await api('GET', '/metrics')).text);
    expect(sampleValue(live, 'rollback_drill_in_progress', { scenario: 'serve-demo' })).toBe(1);

    const record = await finished;
    expect(record?.result, record?.reason).toBe('passed');
    expect(record?.target.versionAfterRun).toBe('1.4.2');
    const after = await api('GET', '/api/runs');
    expect(after.json['runs']).toEqual([
      expect.objectContaining({ runId, status: 'passed', service: 'demo-shop' }),
    ]);
    await waitUntil(
      async () =>
        (await api('GET', '/metrics')).text.includes(
          'rollback_drill_history_success_ratio{service="demo-shop"} 1',
        ),
      {
        timeoutMs: 5_000,
      },
    );
    const metrics = parseExposition((await api('GET', '/metrics')).text);
    expect(
      sampleValue(metrics, 'rollback_drill_runs_total', { scenario: 'serve-demo', result: 'passed' }),
    ).toBe(1);
    expect(sampleValue(metrics, 'rollback_drill_in_progress', { scenario: 'serve-demo' })).toBe(0);
    expect(
      sampleValue(metrics, 'rollback_drill_time_to_detect_seconds_count', { scenario: 'serve-demo' }),
    ).toBe(1);
    const report = await api('GET', `/api/runs/${runId}/report`);
    expect(report.text).toMatch(/^# Rollback drill: serve-demo — PASSED/);
    const html = await api('GET', `/api/runs/${runId}/report?format=html`);
    expect(html.text).toMatch(/^<!DOCTYPE html>/i);
    expect(html.text).toContain('<svg');
    expect((await api('GET', `/api/runs/${runId}/report?format=junit`)).text).toContain('<testsuites');
    for (const file of ['run.json', 'report.md', 'report.html', 'junit.xml'])
      expect(existsSync(join(runsDir, runId, file)), file).toBe(true);
  });

  it('aborts a demo drill through the API once the fault is in effect: cleaned up, stable version serving, record aborted', async () => {
    const started = await api('POST', '/api/runs', { scenario: 'serve-demo' });
    expect(started.status).toBe(202);
    const runId = String(started.json['runId']);
    await waitForPhase(runId, ['detect', 'decide', 'rollback']);
    const aborted = await api('POST', `/api/runs/${runId}/abort`, { by: 'test', reason: 'checking abort' });
    expect(aborted.status).toBe(202);
    const record = await daemon.supervisor.get(runId)?.finished;
    expect(record?.result).toBe('aborted');
    const saved = runRecordSchema.parse(JSON.parse(readFileSync(join(runsDir, runId, 'run.json'), 'utf8')));
    expect(saved.reason).toBe('aborted through the API by test: checking abort');
    expect(saved.target.versionAfterRun).toBe('1.4.2');
    expect(saved.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
    expect(saved.timeline.some((e) => e.type === 'fault.injected')).toBe(true);
  });
});
