/**
 * One drill through the built CLI (`run FILE --out DIR --json …`), waited for, with its run.json
 * and report.md read back. Work passed as `during` runs while the CLI does (e.g. reading its live
 * /metrics); if it throws, the CLI is stopped before the error is passed on.
 */
import { readFileSync } from 'node:fs';
import { runRecordSchema, type RunRecord } from '../../harness/store/run-record.js';
import { startCli, survivorsAfter, type CliRun } from './cli-process.js';

export interface FinishedDrill {
  readonly code: number | null;
  readonly record: RunRecord;
  readonly report: string;
  readonly stderr: string;
  /** Wall-clock ms when the test saw the CLI process exit. */
  readonly exitedAtMs: number;
  /** Processes still carrying the run's marker shortly after it exited (should be none). */
  readonly survivors: number[];
}

const running = new Set<CliRun>();

/** Stops every CLI this module started that is still running (for afterAll after a failure). */
export async function stopRunningDrills(): Promise<void> {
  await Promise.all(
    [...running].map(async (run) => {
      run.child.kill('SIGKILL');
      await run.exited;
    }),
  );
}

export async function runDrill<T = undefined>(
  scenarioFile: string,
  outDir: string,
  extraArgs: readonly string[],
  during?: (run: CliRun) => Promise<T>,
): Promise<FinishedDrill & { duringResult: T | undefined }> {
  const run = startCli(['run', scenarioFile, '--out', outDir, '--json', ...extraArgs]);
  running.add(run);
  let exitedAtMs = 0;
  const exited = run.exited.then((code) => {
    exitedAtMs = Date.now();
    running.delete(run);
    return code;
  });
  let duringResult: T | undefined;
  try {
    if (during) duringResult = await during(run);
  } catch (error) {
    run.child.kill('SIGTERM');
    await exited;
    throw new Error(`${(error as Error).message}\nCLI stderr:\n${run.stderr()}`, { cause: error });
  }
  const code = await exited;
  let summary: { recordPath?: string; reportPath?: string };
  try {
    summary = JSON.parse(run.stdout()) as typeof summary;
  } catch {
    throw new Error(`the CLI exited with ${code} and no JSON summary; stderr:\n${run.stderr()}`);
  }
  const record = runRecordSchema.parse(JSON.parse(readFileSync(String(summary.recordPath), 'utf8')));
  const report = readFileSync(String(summary.reportPath), 'utf8');
  const survivors = await survivorsAfter(run.marker);
  return { code, record, report, stderr: run.stderr(), exitedAtMs, survivors, duringResult };
}
