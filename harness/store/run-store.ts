/** Where run records live: DIR/<runId>/run.json (+ report.md beside it). */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from './atomic-write.js';
import type { RunRecord } from './run-record.js';

export const DEFAULT_RUNS_DIR = './drill-runs';

export interface SavedRun {
  readonly folder: string;
  readonly recordPath: string;
  readonly reportPath: string;
}

/** 20261122T054500Z-demo-bad-release-1a2b: sortable by time, readable, unique. */
export function newRunId(scenarioName: string, epochMs: number): string {
  const stamp = new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${scenarioName}-${randomBytes(2).toString('hex')}`;
}

/** Creates (if needed) and returns the folder of a run: DIR/<runId>. */
export async function ensureRunFolder(runsDir: string, runId: string): Promise<string> {
  const folder = resolve(runsDir, runId);
  await mkdir(folder, { recursive: true });
  return folder;
}

export async function saveRun(runsDir: string, record: RunRecord, reportMarkdown: string): Promise<SavedRun> {
  const folder = await ensureRunFolder(runsDir, record.runId);
  const recordPath = join(folder, 'run.json');
  const reportPath = join(folder, 'report.md');
  // The report first: run.json appearing is the signal that the run is complete.
  await writeFileAtomic(reportPath, reportMarkdown);
  await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return { folder, recordPath, reportPath };
}
