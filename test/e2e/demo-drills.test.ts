/**
 * Whole demo drills through the built CLI: real processes, real sockets on loopback. These are the
 * acceptance checks of the core drill — the measured effect must match what each release injects.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRecordSchema, type RunRecord } from '../../harness/store/run-record.js';
import { startCli, survivorsAfter } from './cli-process.js';

const outDir = mkdtempSync(join(tmpdir(), 'drill-e2e-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function runScenario(file: string): Promise<{
  code: number | null;
  record: RunRecord;
  report: string;
  summary: Record<string, unknown>;
  marker: string;
}> {
  const run = startCli(['run', file, '--out', outDir, '--json']);
  const code = await run.exited;
  const summary = JSON.parse(run.stdout()) as Record<string, unknown>;
  const record = runRecordSchema.parse(JSON.parse(readFileSync(String(summary['recordPath']), 'utf8')));
  const report = readFileSync(String(summary['reportPath']), 'utf8');
  return { code, record, report, summary, marker: run.marker };
}

describe('demo drills end to end', () => {
  it('demo-bad-release passes: all four measurements ≥ 0, rollback succeeded, stable serving, nothing left running', async () => {
    const started = Date.now();
    const { code, record, report, marker, summary } = await runScenario('scenarios/demo-bad-release.yaml');
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(record.result, record.reason).toBe('passed');
    expect(code).toBe(0);
    for (const name of [
      'timeToDetectSeconds',
      'timeToDecideSeconds',
      'timeToRollbackSeconds',
      'timeToRecoverSeconds',
    ] as const) {
      expect(record.measurements[name], name).not.toBeNull();
      expect(record.measurements[name] ?? -1, name).toBeGreaterThanOrEqual(0);
    }
    expect(record.measurements.rollbackSucceeded).toBe(true);
    expect(record.target.versionAfterRun).toBe('1.4.2');
    // 1.5.0-errors fails 60% of checkouts; checkout is 1/10 of the mix → ≈ 6% errors during the fault.
    expect(record.windows.fault?.errorRatio ?? 0).toBeGreaterThan(0.03);
    expect(record.windows.fault?.errorRatio ?? 1).toBeLessThan(0.09);
    expect(record.windows.baseline?.errors).toBe(0);
    expect(record.windows.postRollback?.errors).toBe(0);
    expect(report).toContain('# Rollback drill: demo-bad-release — PASSED');
    const others = (summary['otherReports'] as string[]).map((path) => path.split('/').pop());
    expect(others).toEqual(['report.html', 'junit.xml']);
    expect(await survivorsAfter(marker)).toEqual([]);
  });

  it('demo-latency-release measures the 250 ms the release adds (within 10%)', async () => {
    const { record, marker } = await runScenario('scenarios/demo-latency-release.yaml');
    expect(record.result, record.reason).toBe('passed');
    const added =
      (record.windows.fault?.latencyMs?.p50 ?? 0) - (record.windows.baseline?.latencyMs?.p50 ?? 0);
    expect(added).toBeGreaterThan(225);
    expect(added).toBeLessThan(275);
    expect(record.detector.reason ?? '').toMatch(/p95/);
    expect(Math.abs(record.measurements.postRollbackSliDelta.latencyP50Ms ?? 99)).toBeLessThan(25);
    expect(await survivorsAfter(marker)).toEqual([]);
  });

  it('demo-crashing-release sees (almost) every request fail while the crashed release is routed, then recovers', async () => {
    const { record, marker } = await runScenario('scenarios/demo-crashing-release.yaml');
    expect(record.result, record.reason).toBe('passed');
    expect(record.windows.fault?.availability ?? 1).toBeLessThan(0.2);
    expect(record.windows.postRollback?.availability).toBe(1);
    expect(record.target.versionAfterRun).toBe('1.4.2');
    expect(await survivorsAfter(marker)).toEqual([]);
  });
});
