/**
 * The manual abort: `rollback-drill abort RUN` (or the serve daemon, or anyone who can write to the
 * run folder) drops `abort-request.json` into the run's folder; the running drill polls for it and
 * stops as from any other stop condition. A file works across processes and hosts sharing the runs
 * folder, needs no pid, and leaves a trace of who asked and why. Any file of that name counts — even
 * one that cannot be read — because a request to stop must never be lost to a parse error.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-write.js';
import { RUN_RECORD_FILE, readRunRecord, runFolderOf } from '../store/run-store.js';
import { INTENTS_FILE } from './intents.js';
import { liveness } from './intents-processes.js';
import { readIntents } from './intents-read.js';
import type { StopCondition } from './stop-conditions.js';

export const ABORT_REQUEST_FILE = 'abort-request.json';
export const ABORT_REQUEST_API_VERSION = 'rollback-drill/abort-request/v1';
/** How often a drill looks for an abort request. */
export const ABORT_REQUEST_POLL_MS = 500;

const abortRequestSchema = z.object({
  apiVersion: z.literal(ABORT_REQUEST_API_VERSION),
  reason: z.string().max(500),
  requestedBy: z.string().max(200),
  requestedAt: z.string(),
});
export type AbortRequest = z.output<typeof abortRequestSchema>;

/** Resolves with the request if there is one (null if none); never rejects. */
export type AbortRequestReader = (runFolder: string) => Promise<AbortRequest | 'unreadable' | null>;

export const readAbortRequest: AbortRequestReader = async (runFolder) => {
  const path = join(runFolder, ABORT_REQUEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
  try {
    const parsed = abortRequestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
};

export function abortRequestCondition(
  runFolder: string,
  read: AbortRequestReader = readAbortRequest,
  intervalMs = ABORT_REQUEST_POLL_MS,
): StopCondition {
  return {
    name: 'abortRequest',
    start(ctx) {
      let stopped = false;
      let cancel = (): void => undefined;
      const poll = (): void => {
        void read(runFolder)
          .catch(() => null)
          .then((request) => {
            if (stopped) return;
            if (request) {
              ctx.fire({
                condition: 'abortRequest',
                reason:
                  request === 'unreadable'
                    ? `abort requested (${ABORT_REQUEST_FILE} appeared in the run folder)`
                    : `aborted by ${request.requestedBy}: ${request.reason}`,
                data:
                  request === 'unreadable'
                    ? { file: ABORT_REQUEST_FILE }
                    : { requestedBy: request.requestedBy, requestedAt: request.requestedAt },
              });
              return;
            }
            cancel = ctx.clock.setTimer(poll, intervalMs);
          });
      };
      poll();
      return () => {
        stopped = true;
        cancel();
      };
    },
  };
}

export type AbortRequestStatus =
  /** The request was written; the drill stops within about a poll interval. */
  | 'requested'
  /** The run already has a record: nothing to abort. */
  | 'finished'
  /** The run's harness is gone: `recover` is what it needs. */
  | 'not-running'
  | 'no-such-run';

export interface AbortRequestOutcome {
  readonly status: AbortRequestStatus;
  readonly runFolder: string;
  readonly detail: string;
}

/**
 * Asks a running drill to stop: writes its abort request (atomically). For the CLI and the serve
 * daemon. Refuses run ids that are not plain names; says when the run is finished or dead instead.
 */
export async function requestAbort(
  runsDir: string,
  runId: string,
  request: { readonly reason: string; readonly requestedBy: string; readonly now?: Date },
): Promise<AbortRequestOutcome> {
  const runFolder = runFolderOf(runsDir, runId);
  const exists = await stat(runFolder).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!exists) return { status: 'no-such-run', runFolder, detail: `no run ${runId} in ${runsDir}` };
  const record = await readRunRecord(join(runFolder, RUN_RECORD_FILE));
  if (record.ok) {
    return {
      status: 'finished',
      runFolder,
      detail: `run ${runId} already finished: ${record.record.result} (${record.record.reason})`,
    };
  }
  const intents = await readIntents(runFolder);
  if (intents.ok && liveness(intents.doc.harness) === 'dead') {
    return {
      status: 'not-running',
      runFolder,
      detail: `run ${runId} is not running: its harness (pid ${intents.doc.harness.pid}) is gone; run \`rollback-drill recover\` to undo what it left`,
    };
  }
  const body: AbortRequest = {
    apiVersion: ABORT_REQUEST_API_VERSION,
    reason: request.reason.slice(0, 500),
    requestedBy: request.requestedBy.slice(0, 200),
    requestedAt: (request.now ?? new Date()).toISOString(),
  };
  await writeFileAtomic(join(runFolder, ABORT_REQUEST_FILE), `${JSON.stringify(body, null, 2)}\n`);
  const note = intents.ok ? '' : ` (no ${INTENTS_FILE} yet: the drill may be starting)`;
  return { status: 'requested', runFolder, detail: `abort requested for run ${runId}${note}` };
}
