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

export async function saveRun(runsDir: string, record: RunRecord, reportMarkdown: string): Promise<SavedRun> {
  const folder = resolve(runsDir, record.runId);
  await mkdir(folder, { recursive: true });
  const recordPath = join(folder, 'run.json');
  const reportPath = join(folder, 'report.md');
  // The report first: run.json appearing is the signal that the run is complete.
  await writeFileAtomic(reportPath, reportMarkdown);
  await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return { folder, recordPath, reportPath };
}
