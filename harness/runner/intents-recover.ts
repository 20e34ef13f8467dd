/**
 * `recover`: finds runs that left an intent record but no run.json — drills whose harness died —
 * and undoes what they left: their processes, their toxics and proxies, the serving version. Then it
 * writes their record, result `interrupted`, with a report. A run whose harness is still alive is
 * never touched, so `run` and `serve` can call this at every start while other drills run.
 * An undo that fails leaves the run pending (retried next time) and is reported, never hidden.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdownReport } from '../../exporters/reports/markdown.js';
import { SystemClock, type Clock } from '../core/clock.js';
import { secrets, type SecretRedactor } from '../core/secrets.js';
import { TEMP_FILE_PATTERN, writeFileAtomic } from '../store/atomic-write.js';
import { isValidRunId, RUN_RECORD_FILE, runFolderOf, saveRun } from '../store/run-store.js';
import { INTENTS_FILE } from './intents.js';
import { readIntents } from './intents-read.js';
import {
  liveness,
  ownIdentity,
  processRunning,
  type Liveness,
  type ProcessIdentity,
} from './intents-processes.js';
import { interruptedRecord, type RecoveryStepReport } from './intents-record.js';
import { createUndoRunner, type TargetFactory } from './intents-undo.js';

export const RECOVERY_LOG_FILE = 'recovery.json';
const LOCK_FILE = 'recover.lock';

export interface RecoverOptions {
  readonly runsDir: string;
  /** Only this run; default: every interrupted run under runsDir. */
  readonly runId?: string;
  readonly clock?: Clock;
  /** Progress lines (one per run and step), already redacted. */
  readonly log?: (line: string) => void;
  /** Who recovers, for the record: `rollback-drill recover`, `rollback-drill run`, `serve`. */
  readonly recoveredBy?: string;
  /** Builds a target adapter from a scenario's target block (tests inject one). */
  readonly createTarget?: TargetFactory;
  /** Whether a harness is still alive (tests inject one). */
  readonly liveness?: (identity: ProcessIdentity) => Liveness;
  readonly redactor?: SecretRedactor;
  /** Recover runs written on another host or whose writer cannot be checked. */
  readonly force?: boolean;
}

export type RecoveryOutcome = 'recovered' | 'running' | 'skipped' | 'failed' | 'unreadable';

export interface RunRecovery {
  readonly runId: string;
  readonly outcome: RecoveryOutcome;
  /** One line: what was done, or why nothing was. */
  readonly detail: string;
  readonly steps: readonly RecoveryStepReport[];
  readonly recordPath?: string;
}

/** Run ids under `runsDir` with an intent record and no run.json, oldest first. */
export async function findUnfinishedRuns(runsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && isValidRunId(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const unfinished: string[] = [];
  for (const runId of names) {
    const files = new Set(await readdir(join(runsDir, runId)).catch(() => [] as string[]));
    if (files.has(INTENTS_FILE) && !files.has(RUN_RECORD_FILE)) unfinished.push(runId);
  }
  return unfinished;
}

/** Recovers every interrupted run under `options.runsDir` (or the one named). Never throws for one run. */
export async function recoverInterruptedRuns(options: RecoverOptions): Promise<RunRecovery[]> {
  const runIds = options.runId ? [options.runId] : await findUnfinishedRuns(options.runsDir);
  const results: RunRecovery[] = [];
  for (const runId of runIds) {
    let result: RunRecovery;
    try {
      result = await recoverRun(runId, options);
    } catch (error) {
      result = { runId, outcome: 'failed', detail: (error as Error).message, steps: [] };
    }
    results.push(result);
  }
  return results;
}

async function recoverRun(runId: string, options: RecoverOptions): Promise<RunRecovery> {
  const folder = runFolderOf(options.runsDir, runId);
  const log = options.log ?? ((): void => undefined);
  const redactor = options.redactor ?? secrets;
  const files = new Set(await readdir(folder).catch(() => [] as string[]));
  if (files.has(RUN_RECORD_FILE))
    return { runId, outcome: 'skipped', detail: 'finished: it has a run.json', steps: [] };
  const read = await readIntents(folder);
  if (!read.ok) {
    return { runId, outcome: 'unreadable', detail: `${read.problem}; nothing was undone`, steps: [] };
  }
  const doc = read.doc;
  const alive = (options.liveness ?? liveness)(doc.harness);
  if (alive === 'alive') {
    return { runId, outcome: 'running', detail: `still running (pid ${doc.harness.pid})`, steps: [] };
  }
  if (alive === 'unknown' && !options.force) {
    return {
      runId,
      outcome: 'skipped',
      detail: `written by pid ${doc.harness.pid} on ${doc.harness.hostname}, which cannot be checked from here (use --force if it is gone)`,
      steps: [],
    };
  }
  const lock = await takeLock(folder);
  if (!lock) return { runId, outcome: 'running', detail: 'another recover is working on it', steps: [] };
  try {
    const clock = options.clock ?? new SystemClock();
    const recoveredBy = options.recoveredBy ?? 'rollback-drill recover';
    log(`recovering ${runId}: interrupted during the ${doc.phase ?? 'setup'} phase (pid ${doc.harness.pid})`);
    const undo = createUndoRunner({
      doc,
      clock,
      ...(options.createTarget ? { createTarget: options.createTarget } : {}),
      onStep: (step) =>
        log(
          redactor.redact(`  ${step.ok ? '✓' : '✗'} ${step.name}${step.ok ? '' : `: ${step.error ?? ''}`}`),
        ),
    });
    const { steps, versionAfterRun } = await undo.run();
    const recoveredAt = new Date(clock.toEpochMs(clock.now())).toISOString();
    await removeStaleTempFiles(folder);
    if (steps.some((s) => !s.ok)) {
      await appendRecoveryLog(folder, { recoveredAt, recoveredBy, steps }, redactor);
      const failed = steps.filter((s) => !s.ok).length;
      return {
        runId,
        outcome: 'failed',
        detail: `${failed} recovery step${failed === 1 ? '' : 's'} failed; the run stays pending and is retried at the next recover`,
        steps,
      };
    }
    const record = interruptedRecord({ intents: doc, steps, recoveredAt, versionAfterRun, recoveredBy });
    const saved = await saveRun(options.runsDir, record, renderMarkdownReport(record), redactor);
    return {
      runId,
      outcome: 'recovered',
      detail:
        steps.length === 0
          ? 'nothing was left to undo'
          : `${steps.length} recovery step${steps.length === 1 ? '' : 's'} done`,
      steps,
      recordPath: saved.recordPath,
    };
  } finally {
    await rm(join(folder, LOCK_FILE), { force: true });
  }
}

/** recover.lock, created exclusively; a lock whose holder died is taken over. */
async function takeLock(folder: string): Promise<boolean> {
  const path = join(folder, LOCK_FILE);
  const me = JSON.stringify(ownIdentity());
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, me, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readFile(path, 'utf8').catch(() => '');
      let identity: ProcessIdentity | null;
      try {
        identity = JSON.parse(holder) as ProcessIdentity;
      } catch {
        identity = null;
      }
      if (identity && liveness(identity) === 'alive') return false;
      await rm(path, { force: true });
    }
  }
  return false;
}

async function appendRecoveryLog(
  folder: string,
  attempt: { recoveredAt: string; recoveredBy: string; steps: readonly RecoveryStepReport[] },
  redactor: SecretRedactor,
): Promise<void> {
  const path = join(folder, RECOVERY_LOG_FILE);
  let attempts: unknown[] = [];
  try {
    const previous = JSON.parse(await readFile(path, 'utf8')) as { attempts?: unknown };
    if (Array.isArray(previous.attempts)) attempts = previous.attempts;
  } catch {
    attempts = [];
  }
  attempts.push(attempt);
  const text = JSON.stringify({ apiVersion: 'rollback-drill/recovery/v1', attempts }, null, 2);
  await writeFileAtomic(path, `${redactor.redact(text)}\n`);
}

/** Temp files of atomic writes whose writer died mid-write (`.<name>.<pid>.<hex>.tmp`). */
async function removeStaleTempFiles(folder: string): Promise<void> {
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const match = TEMP_FILE_PATTERN.exec(name);
    if (match && !processRunning(Number(match[1]))) await rm(join(folder, name), { force: true });
  }
}
