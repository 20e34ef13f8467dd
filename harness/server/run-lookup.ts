/**
 * Finds a run by id in the runs directory: finished (run.json readable), incomplete (the folder
 * exists without run.json — running in another process, or crashed), unreadable, or missing.
 * Callers must pass an id that passed isRunId, which keeps the path inside the runs directory.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runRecordSchema, type RunRecord } from '../store/run-record.js';

export type RunLookup =
  | { readonly status: 'finished'; readonly folder: string; readonly record: RunRecord }
  | { readonly status: 'incomplete'; readonly folder: string }
  | { readonly status: 'unreadable'; readonly folder: string; readonly problem: string }
  | { readonly status: 'missing' };

export async function lookUpRun(runsDir: string, runId: string): Promise<RunLookup> {
  const folder = resolve(runsDir, runId);
  let text: string;
  try {
    text = await readFile(join(folder, 'run.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      return { status: 'unreadable', folder, problem: messageOf(error) };
    return (await isDirectory(folder)) ? { status: 'incomplete', folder } : { status: 'missing' };
  }
  try {
    const parsed = runRecordSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { status: 'finished', folder, record: parsed.data };
    return { status: 'unreadable', folder, problem: 'run.json is not a valid run record' };
  } catch (error) {
    return { status: 'unreadable', folder, problem: `run.json is not valid JSON: ${messageOf(error)}` };
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
