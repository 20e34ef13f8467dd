/**
 * Scans a runs directory (DIR/<folder>/run.json) into run summaries. A small index file,
 * DIR/.history-index.json, remembers each record's summary with the file's size and mtime, so a
 * scan re-reads only records that are new or changed. The index is a cache: a missing, corrupt or
 * foreign index is rebuilt, and the run folders stay the truth.
 *
 * A record that cannot be read (truncated, not JSON, not a run record) is skipped and reported,
 * never thrown: one bad file must not hide months of history.
 */
import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { runSummarySchema, summarizeRun, summarySourceSchema, type RunSummary } from './history-summary.js';

export const HISTORY_INDEX_FILE = '.history-index.json';
export const HISTORY_INDEX_API_VERSION = 'rollback-drill/history-index/v1';

/**
 * Records are stat'ed and read synchronously in batches, yielding to the event loop between them
 * (the serve daemon keeps answering during a scan). A promise-based stat or read costs ~25 µs of
 * main-thread time per call on a 2-core machine — more than the read of an 11 KB record itself —
 * so 10,000 records spent over a second in fs promises alone. A batch takes a few ms warm and
 * ~25 ms cold (mostly JSON.parse).
 */
const BATCH_SIZE = 256;

// An atomic rewrite (temp file + rename) gives the record a new inode, so ino catches a rewrite
// even when the mtime and size happen to match.
const fileStamp = { mtimeMs: z.number(), size: z.number(), ino: z.number() };
const indexEntrySchema = z.union([
  z.object({ ...fileStamp, summary: runSummarySchema }),
  z.object({ ...fileStamp, problem: z.string() }),
]);
type IndexEntry = z.output<typeof indexEntrySchema>;

const indexFileSchema = z.object({
  apiVersion: z.literal(HISTORY_INDEX_API_VERSION),
  entries: z.record(z.string(), indexEntrySchema),
});

export interface UnreadableRecord {
  readonly folder: string;
  readonly path: string;
  /** What is wrong, in one line: "not valid JSON (truncated?): …", "not a run record: …". */
  readonly problem: string;
}

export interface HistoryScan {
  readonly runsDir: string;
  /** Every readable record's summary, oldest first (by start time, then run id). */
  readonly runs: readonly RunSummary[];
  readonly unreadable: readonly UnreadableRecord[];
  /** Folders without a run.json: a run still in progress, or one that crashed before finishing. */
  readonly incomplete: readonly string[];
  /** Why the index could not be written (a read-only runs directory); the scan is still complete. */
  readonly indexWarning?: string;
  /** Records actually read and parsed this scan (the rest came from the index). */
  readonly recordsRead: number;
}

export async function scanRunsDir(runsDir: string): Promise<HistoryScan> {
  const folders = await listRunFolders(runsDir);
  if (folders === undefined) return { runsDir, runs: [], unreadable: [], incomplete: [], recordsRead: 0 };

  const previous = await readIndex(runsDir);
  const next: Record<string, IndexEntry> = {};
  const incomplete: string[] = [];
  let recordsRead = 0;
  let changed = false;

  await forEachInBatches(folders, BATCH_SIZE, (folder) => {
    const path = join(runsDir, folder, 'run.json');
    const stamp = statFile(path);
    if (!stamp) {
      incomplete.push(folder);
      return;
    }
    const known = previous[folder];
    if (known && known.mtimeMs === stamp.mtimeMs && known.size === stamp.size && known.ino === stamp.ino) {
      next[folder] = known;
      return;
    }
    recordsRead += 1;
    changed = true;
    next[folder] = { ...stamp, ...readSummary(path, folder) };
  });
  if (Object.keys(previous).some((folder) => !(folder in next))) changed = true;

  let indexWarning: string | undefined;
  if (changed) {
    try {
      const file = { apiVersion: HISTORY_INDEX_API_VERSION, entries: sortedEntries(next) };
      await writeFileAtomic(join(runsDir, HISTORY_INDEX_FILE), `${JSON.stringify(file)}\n`);
    } catch (error) {
      indexWarning = `could not write the history index in ${runsDir}: ${messageOf(error)}`;
    }
  }

  const runs: RunSummary[] = [];
  const unreadable: UnreadableRecord[] = [];
  for (const [folder, entry] of Object.entries(next)) {
    if ('summary' in entry) runs.push(entry.summary);
    else unreadable.push({ folder, path: join(runsDir, folder, 'run.json'), problem: entry.problem });
  }
  runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
  unreadable.sort((a, b) => a.folder.localeCompare(b.folder));
  incomplete.sort();
  return {
    runsDir,
    runs,
    unreadable,
    incomplete,
    recordsRead,
    ...(indexWarning ? { indexWarning } : {}),
  };
}

/** Sub-folders of the runs directory; undefined when the directory does not exist yet. */
async function listRunFolders(runsDir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(runsDir, { withFileTypes: true });
    // Hidden folders are never runs (editors, temp folders, the index's own temp files).
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readIndex(runsDir: string): Promise<Record<string, IndexEntry>> {
  try {
    const text = await readFile(join(runsDir, HISTORY_INDEX_FILE), 'utf8');
    const parsed = indexFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.entries : {};
  } catch {
    // No index yet, or an unreadable one: it is only a cache, so start from the run folders.
    return {};
  }
}

function statFile(path: string): { mtimeMs: number; size: number; ino: number } | undefined {
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    return info?.isFile() ? { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino } : undefined;
  } catch {
    return undefined;
  }
}

function readSummary(path: string, folder: string): { summary: RunSummary } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problem: `cannot be read: ${messageOf(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (truncated or corrupt): ${messageOf(error)}` };
  }
  const parsed = summarySourceSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    const more = parsed.error.issues.length > 3 ? ` (+${parsed.error.issues.length - 3} more)` : '';
    return { problem: `not a rollback-drill run record: ${issues.join('; ')}${more}` };
  }
  return { summary: summarizeRun(parsed.data, folder) };
}

function sortedEntries(entries: Record<string, IndexEntry>): Record<string, IndexEntry> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
}

async function forEachInBatches<T>(
  items: readonly T[],
  batchSize: number,
  work: (item: T) => void,
): Promise<void> {
  for (let start = 0; start < items.length; start += batchSize) {
    if (start > 0) await nextTurn();
    for (const item of items.slice(start, start + batchSize)) work(item);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
