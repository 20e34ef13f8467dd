/**
 * Where run records live: DIR/<runId>/run.json (+ report.md beside it). Writes are atomic and pass
 * through the secret redactor last; reads never crash on a truncated or corrupt file — they say what
 * is wrong with it, and listings skip it.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { secrets, type SecretRedactor } from '../core/secrets.js';
import { redactDeep } from './redact-record.js';
import { writeFileAtomic } from './atomic-write.js';
import { runRecordSchema, type RunRecord } from './run-record.js';

export const DEFAULT_RUNS_DIR = './drill-runs';
export const RUN_RECORD_FILE = 'run.json';
export const REPORT_FILE = 'report.md';

/** Bigger than any real record (a day-long drill is a few MB); a larger file is not read whole. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** Letters, digits, dots, dashes, underscores; no leading dot, no `..`: never a path. */
const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

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

/** Whether `runId` can name a run folder: no separators, no `..`, nothing hidden. */
export function isValidRunId(runId: string): boolean {
  return RUN_ID_PATTERN.test(runId) && !runId.includes('..');
}

/** DIR/<runId>, refusing ids that could point anywhere else (`../x`, `/etc`, `.hidden`). */
export function runFolderOf(runsDir: string, runId: string): string {
  if (!isValidRunId(runId)) {
    throw new UserError(
      `not a run id: ${JSON.stringify(runId)} (expected letters, digits, dots, dashes and underscores, e.g. 20261122T054500Z-demo-bad-release-1a2b)`,
    );
  }
  return resolve(runsDir, runId);
}

/** Creates (if needed) and returns the folder of a run: DIR/<runId>. */
export async function ensureRunFolder(runsDir: string, runId: string): Promise<string> {
  const folder = runFolderOf(runsDir, runId);
  await mkdir(folder, { recursive: true });
  return folder;
}

/**
 * Writes report.md then run.json, atomically, each through the redactor: no secret a scenario
 * resolved reaches either file, whatever an adapter put in a message.
 */
export async function saveRun(
  runsDir: string,
  record: RunRecord,
  reportMarkdown: string,
  redactor: SecretRedactor = secrets,
): Promise<SavedRun> {
  const folder = await ensureRunFolder(runsDir, record.runId);
  const recordPath = join(folder, RUN_RECORD_FILE);
  const reportPath = join(folder, REPORT_FILE);
  // The report first: run.json appearing is the signal that the run is complete.
  await writeFileAtomic(reportPath, redactor.redact(reportMarkdown));
  await writeFileAtomic(recordPath, `${JSON.stringify(redactDeep(record, redactor), null, 2)}\n`);
  return { folder, recordPath, reportPath };
}

export type RunReadResult =
  | { readonly ok: true; readonly record: RunRecord }
  | { readonly ok: false; readonly missing: boolean; readonly problem: string };

/** Reads and validates one run.json; a missing, truncated or invalid file is a result, not a throw. */
export async function readRunRecord(path: string): Promise<RunReadResult> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_RECORD_BYTES)
      return { ok: false, missing: false, problem: `${path}: larger than ${MAX_RECORD_BYTES} bytes` };
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, problem: `${path}: ${missing ? 'no such file' : describe(error)}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      missing: false,
      problem: `${path}: not valid JSON (${text.length} bytes; truncated or corrupt): ${describe(error)}`,
    };
  }
  const parsed = runRecordSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
    return {
      ok: false,
      missing: false,
      problem: `${path}: not a valid run record${where}: ${first?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, record: parsed.data };
}

/** Reads DIR/<runId>/run.json; refuses run ids that are not plain names. */
export function readRun(runsDir: string, runId: string): Promise<RunReadResult> {
  return readRunRecord(join(runFolderOf(runsDir, runId), RUN_RECORD_FILE));
}

export interface RunListing {
  /** Valid records, oldest run first (run ids sort by time). */
  readonly records: RunRecord[];
  /** Run folders whose record could not be read, and why; they are skipped, never fatal. */
  readonly problems: { readonly runId: string; readonly problem: string }[];
  /** Run folders without a run.json: drills still running, or interrupted ones awaiting recover. */
  readonly unfinished: string[];
}

/** Every run under `runsDir`; a missing folder is an empty listing. */
export async function listRuns(runsDir: string): Promise<RunListing> {
  const listing: RunListing = { records: [], problems: [], unfinished: [] };
  let entries: string[];
  try {
    entries = (await readdir(runsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && isValidRunId(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return listing;
    throw error;
  }
  for (const runId of entries) {
    const result = await readRunRecord(join(runsDir, runId, RUN_RECORD_FILE));
    if (result.ok) listing.records.push(result.record);
    else if (result.missing) listing.unfinished.push(runId);
    else listing.problems.push({ runId, problem: result.problem });
  }
  return listing;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
