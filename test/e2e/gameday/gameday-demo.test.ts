/**
 * The demo game day for real: scenarios/gameday-demo.yaml runs the three demo drills (the slow
 * release alone, then the bad and the crashing releases side by side) in its own process, writes
 * each run's record and one combined report, and leaves no process behind.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runRecordSchema } from '../../../harness/store/run-record.js';
import { survivorsAfter } from '../cli-process.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./gameday-entry.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const out = mkdtempSync(join(tmpdir(), 'gameday-e2e-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Summary {
  result: string;
  reportPath: string;
  drills: { scenario: string; step: number; result: string | null; recordPath: string | null }[];
}

function runGamedayProcess(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; marker: string }> {
  const marker = `e2e-${randomUUID()}`;
  const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
    cwd: REPO,
    env: { ...process.env, ROLLBACK_DRILL_TEST_MARKER: marker, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, marker })));
}

describe('rollback-drill gameday scenarios/gameday-demo.yaml', () => {
  it('runs the three demo drills, two of them in parallel, and writes one combined report', async () => {
    const started = Date.now();
    const run = await runGamedayProcess(['gameday', 'scenarios/gameday-demo.yaml', '--out', out, '--json']);
    const took = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    expect(took).toBeLessThan(150_000);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.result).toBe('passed');
    expect(summary.drills.map((d) => [d.step, d.scenario, d.result])).toEqual([
      [1, 'demo-latency-release', 'passed'],
      [2, 'demo-bad-release', 'passed'],
      [2, 'demo-crashing-release', 'passed'],
    ]);
    const records = summary.drills.map((d) =>
      runRecordSchema.parse(JSON.parse(readFileSync(String(d.recordPath), 'utf8'))),
    );
    for (const record of records) {
      expect(record.measurements.rollbackSucceeded, record.scenario.name).toBe(true);
      expect(record.target.versionAfterRun).toBe('1.4.2');
      expect(existsSync(join(out, record.runId, 'report.md'))).toBe(true);
    }
    // The parallel group really overlapped; the first step finished before it began.
    const span = (index: number): { start: number; end: number } => {
      const record = records[index];
      if (!record) throw new Error(`no record ${index}`);
      return { start: Date.parse(record.startedAt), end: Date.parse(record.endedAt) };
    };
    const [slow, bad, crash] = [span(0), span(1), span(2)];
    expect(slow.end).toBeLessThanOrEqual(Math.min(bad.start, crash.start));
    expect(bad.start).toBeLessThan(crash.end);
    expect(crash.start).toBeLessThan(bad.end);
    // One combined report, beside the three run folders.
    const folders = readdirSync(out);
    expect(folders.filter((f) => f.includes('-gameday-demo-gameday-'))).toHaveLength(1);
    expect(folders).toHaveLength(4);
    const report = readFileSync(summary.reportPath, 'utf8');
    expect(report).toMatch(/\*\*PASSED\*\*, 3 of 3 drills ran/);
    for (const record of records) expect(report).toContain(record.runId);
    expect(run.stderr).toContain('step 2: 2 drills in parallel: demo-bad-release, demo-crashing-release');
    expect(await survivorsAfter(run.marker)).toEqual([]);
  }, 180_000);
});
