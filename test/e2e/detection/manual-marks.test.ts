/**
 * A person detects and decides: a drill with the manual detector and the manual decision, marked
 * from another process with `rollback-drill mark`, the way an on-call engineer would.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markPath } from '../../../harness/runner/marks.js';
import { CLI, REPO_ROOT, startCli, survivorsAfter } from '../cli-process.js';
import { drillFolder, finish, secondsBetween, type DrillFolder } from './demo-scenario.js';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rollback-drill ARGS` to completion. */
function cli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let folder: DrillFolder;
beforeAll(() => {
  folder = drillFolder('drill-marks');
});
afterAll(() => folder?.remove());

describe('manual detection and decision through `rollback-drill mark`', () => {
  it('the drill waits for each mark, counts it at the mark time, rolls back and passes', async () => {
    const file = folder.scenarioFile({
      name: 'demo-manual',
      detection: { type: 'manual' },
      decision: { type: 'manual' },
      detectionTimeout: '60s',
      decisionTimeout: '60s',
      timeToDetect: '1m',
    });
    const run = startCli(['run', file, '--out', folder.outDir, '--json']);
    try {
      await run.waitForStderr('fault in effect', 60_000);
      const runId = /— run (\S+)/.exec(run.stderr())?.[1] ?? '';
      expect(runId).toMatch(/-demo-manual-[0-9a-f]{4}$/);
      await run.waitForStderr(`rollback-drill mark ${runId} detected --runs`, 10_000);

      await pause(1_000); // someone looks at the dashboard for a second
      const detected = await cli([
        'mark',
        runId,
        'detected',
        '--runs',
        folder.outDir,
        '--by',
        'e2e-tester',
        '--note',
        'checkout 500s',
      ]);
      expect(detected.stderr).toBe('');
      expect(detected.code).toBe(0);
      expect(detected.stdout).toMatch(
        new RegExp(`^run ${runId}: marked detected by e2e-tester at \\S+Z \\(checkout 500s\\)\\n$`),
      );
      const detectedMark = JSON.parse(
        readFileSync(markPath(join(folder.outDir, runId), 'detected'), 'utf8'),
      ) as Record<string, unknown>;
      expect(detectedMark).toMatchObject({ kind: 'detected', by: 'e2e-tester', note: 'checkout 500s' });

      await run.waitForStderr(`rollback-drill mark ${runId} decided --runs`, 10_000);
      await pause(1_000); // and decides a second later
      const decided = await cli([
        'mark',
        runId,
        'decided',
        '--runs',
        folder.outDir,
        '--by',
        'e2e-tester',
        '--json',
      ]);
      expect(decided.code).toBe(0);
      expect(JSON.parse(decided.stdout)).toMatchObject({
        runId,
        mark: { kind: 'decided', by: 'e2e-tester', note: '' },
      });

      const { code, record } = await finish(run);
      expect(record.result, `${record.reason}\n${run.stderr()}`).toBe('passed');
      expect(code).toBe(0);
      expect(record.detector).toMatchObject({
        kind: 'manual',
        fired: true,
        reason: 'marked detected by e2e-tester: checkout 500s',
        observation: { resolutionSeconds: 0.2 },
      });
      expect(record.decision).toMatchObject({ kind: 'manual', decidedBy: 'manual: e2e-tester' });
      // Counted at the marks' own times: after the pauses, and well within the timeouts.
      const ttd = record.measurements.timeToDetectSeconds ?? -1;
      const ttdecide = record.measurements.timeToDecideSeconds ?? -1;
      expect(ttd).toBeGreaterThan(0.9);
      expect(ttd).toBeLessThan(20);
      expect(ttdecide).toBeGreaterThan(0.9);
      expect(ttdecide).toBeLessThan(20);
      const markedAt = Date.parse(String(detectedMark['at']));
      const detectedEvent = record.timeline.find((e) => e.type === 'detected');
      expect(Math.abs(Date.parse(detectedEvent?.at ?? '') - markedAt)).toBeLessThan(5);
      expect(secondsBetween(record, 'rollback.started', 'rollback.completed')).toBeGreaterThanOrEqual(0);
      expect(record.measurements.rollbackSucceeded).toBe(true);
      expect(await survivorsAfter(run.marker)).toEqual([]);

      // The run has finished: a mark now would not be read.
      const late = await cli(['mark', runId, 'decided', '--runs', folder.outDir]);
      expect(late.code).toBe(2);
      expect(late.stderr).toContain(`run ${runId} has already finished`);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 120_000);

  it('refuses an unknown run, a path for a run id and an unknown kind with exit 2', async () => {
    const unknown = await cli(['mark', '20261122T054500Z-nope-0000', 'detected', '--runs', folder.outDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: no run 20261122T054500Z-nope-0000 in');
    const traversal = await cli(['mark', '../etc', 'detected', '--runs', folder.outDir]);
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toContain('"../etc" is not a run id');
    const kind = await cli(['mark', 'some-run', 'fixed', '--runs', folder.outDir]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain(
      "'fixed' is invalid for argument 'kind'. Allowed choices are detected, decided.",
    );
    expect(existsSync(join(folder.outDir, 'some-run'))).toBe(false);
  });
});
