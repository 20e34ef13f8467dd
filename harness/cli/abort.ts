/**
 * `rollback-drill abort RUN`: asks a running drill to stop. It writes an abort request into the run's
 * folder (the drill polls for it every 500 ms, whether it runs under `run` or `serve`), then waits for
 * the drill's record: the drill clears its fault, rolls back, and records `aborted` with the reason.
 */
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SystemClock, type Clock } from '../core/clock.js';
import { ExitCode, UserError, type ExitCodeValue } from '../core/errors.js';
import { requestAbort } from '../runner/stop-conditions-abort-request.js';
import { DEFAULT_RUNS_DIR, readRunRecord, RUN_RECORD_FILE } from '../store/run-store.js';
import type { CliIo } from './io.js';

export interface AbortCommandOptions {
  readonly runs: string;
  readonly reason: string;
  /** Seconds to wait for the drill's record; 0: do not wait. */
  readonly wait: number;
}

const WAIT_POLL_MS = 250;

export function registerAbortCommand(program: Command, io: CliIo): void {
  program
    .command('abort')
    .description('stop a running drill: it clears its fault, rolls back and records "aborted"')
    .argument('<run>', 'the run id (the folder name under the runs folder)')
    .option('--runs <dir>', 'folder of run records', DEFAULT_RUNS_DIR)
    .option('--reason <text>', 'why, for the record', 'aborted by an operator')
    .option('--wait <seconds>', "how long to wait for the drill's record (0: do not wait)", parseSeconds, 120)
    .addHelpText(
      'after',
      `
Exit codes: 0 the drill stopped and recorded "aborted" (or, with --wait 0, the request was written),
1 the drill did not finish within --wait, 2 no such run, already finished, or not running (its harness
died: run \`rollback-drill recover\`).

Examples:
  $ rollback-drill abort 20261122T054500Z-demo-bad-release-1a2b
  $ rollback-drill abort 20261122T054500Z-demo-bad-release-1a2b --reason "real incident in progress"`,
    )
    .action(async (run: string, options: AbortCommandOptions) => {
      io.setExitCode(await abortCommand(run, options, io));
    });
}

export async function abortCommand(
  runId: string,
  options: AbortCommandOptions,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  clock: Clock = new SystemClock(),
): Promise<ExitCodeValue> {
  const outcome = await requestAbort(options.runs, runId, {
    reason: options.reason,
    requestedBy: requester(),
  });
  if (outcome.status !== 'requested') throw new UserError(outcome.detail);
  io.stderr(`${outcome.detail}\n`);
  if (options.wait === 0) return ExitCode.passed;

  const recordPath = join(outcome.runFolder, RUN_RECORD_FILE);
  const deadline = clock.now() + options.wait * 1000;
  while (clock.now() < deadline) {
    if (existsSync(recordPath)) {
      const record = await readRunRecord(recordPath);
      if (record.ok) {
        io.stdout(`run ${runId} ${record.record.result}: ${record.record.reason}\n`);
        return ExitCode.passed;
      }
    }
    await clock.sleep(WAIT_POLL_MS);
  }
  io.stderr(`run ${runId} has not finished after ${options.wait}s; its record will say when it does\n`);
  return ExitCode.failed;
}

/** "alice@host via rollback-drill abort": who asked, for the record. */
function requester(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container's arbitrary uid): the host still says something
  }
  return `${user}@${hostname()} via rollback-drill abort`;
}

function parseSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError('expected seconds ≥ 0');
  return value;
}
