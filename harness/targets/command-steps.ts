/**
 * What the command and http targets did to the world, step by step: each deploy or rollback command
 * (argv, exit, bounded stdout/stderr) or HTTP call (status, head of the answer), redacted the moment it
 * is recorded. The journal shows each step on the progress log, appends it to
 * `<run folder>/target-steps.jsonl` (so a rollback done by the cleanup stack is kept too), and hands
 * the steps of a deploy or rollback back to the target to put in its observation — which the runner
 * stores in the run record's timeline (`fault.injected` / `rollback.completed` → data.observation.steps).
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';
import { formatDurationMs } from '../core/errors.js';
import { secrets } from '../core/secrets.js';

export type TargetAction = 'deploy' | 'rollback';

interface StepBase {
  readonly action: TargetAction;
  /** 1-based position in the action's list, and the list's length. */
  readonly step: number;
  readonly of: number;
  readonly ok: boolean;
  readonly durationMs: number;
}

export interface CommandStepRecord extends StepBase {
  readonly kind: 'command';
  readonly argv: readonly string[];
  readonly workingDirectory: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly startError?: string;
  /** The last 64 KiB of each stream; the byte counts say whether it was cut. */
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
}

export interface HttpStepRecord extends StepBase {
  readonly kind: 'http';
  readonly method: string;
  readonly url: string;
  readonly status: number | null;
  readonly error?: string;
  readonly timedOut: boolean;
  /** The first 64 KiB of the answer; responseBytes counts all of it. */
  readonly response: string;
  readonly responseBytes: number;
}

export type TargetStepRecord = CommandStepRecord | HttpStepRecord;

/** An observation that also carries the steps that led to it (stored with it in the timeline). */
export interface StepsObservation extends ObservationResolution {
  readonly steps: readonly TargetStepRecord[];
}

export const STEPS_FILE = 'target-steps.jsonl';

/** Passes every string of a record through the process-wide redactor. */
export function redactStep<T extends TargetStepRecord>(record: T): T {
  return JSON.parse(secrets.redact(JSON.stringify(record))) as T;
}

/** "deploy 1/2: kubectl rollout undo deployment/shop → exit 0 in 1.3s" */
export function describeStep(record: TargetStepRecord): string {
  const where = `${record.action} ${record.step}/${record.of}`;
  const took = formatDurationMs(record.durationMs);
  if (record.kind === 'http') {
    const outcome = record.error !== undefined ? `failed: ${record.error}` : `HTTP ${record.status ?? '?'}`;
    return `${where}: ${record.method} ${record.url} → ${outcome} in ${took}`;
  }
  const outcome = record.startError
    ? record.startError
    : record.timedOut
      ? 'timed out; its process group was killed'
      : record.signal
        ? `killed by ${record.signal}`
        : `exit ${record.exitCode ?? '?'}`;
  return `${where}: ${record.argv.join(' ')} → ${outcome} in ${took}`;
}

/** The last lines a failed step printed, for the error message (the full tail is in the record). */
export function lastWords(record: TargetStepRecord, maxChars = 1_000): string {
  const text =
    record.kind === 'command' ? record.stderr.trim() || record.stdout.trim() : record.response.trim();
  if (!text) return '';
  const tail = text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
  return `; it said: ${tail}`;
}

export class StepJournal {
  private writeFailed = false;

  /** Redacts, logs and appends one step; resolves with the redacted record. */
  async record<T extends TargetStepRecord>(record: T, ctx: AdapterContext): Promise<T> {
    const redacted = redactStep(record);
    ctx.log(describeStep(redacted));
    if (ctx.run && !this.writeFailed) {
      try {
        await appendFile(join(ctx.run.folder, STEPS_FILE), `${JSON.stringify(redacted)}\n`, 'utf8');
      } catch (error) {
        // The record in run.json still has the step; one warning, then stop trying.
        this.writeFailed = true;
        ctx.log(
          `could not append to ${STEPS_FILE}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return redacted;
  }
}
