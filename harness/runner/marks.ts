/**
 * The marks contract: how a person tells a running drill "detected" or "decided". A mark is the
 * file `<runFolder>/marks/<kind>.json` holding `{ "kind", "by", "note", "at": ISO }`, written
 * atomically so a reader sees a whole mark or none. `rollback-drill mark` and the serve daemon's
 * `POST /api/runs/:id/marks` write it; the manual detector and the manual/observe decisions poll
 * for it (every 200 ms by default: the times they report are ±0.2 s).
 *
 * A file, not a socket, because the drill and the marker are separate processes that share only
 * the runs folder, and a file survives either of them restarting.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { AdapterContext } from '../core/adapter-context.js';
import { abortError } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';

export const MARK_KINDS = ['detected', 'decided'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

/** How often waitForMark reads the mark file by default; the resolution of a marked time. */
export const MARK_POLL_INTERVAL_MS = 200;
export const MARKS_FOLDER = 'marks';
const MAX_BY_LENGTH = 200;
const MAX_NOTE_LENGTH = 2_000;

export const markSchema = z.strictObject({
  kind: z.enum(MARK_KINDS),
  by: z.string().min(1).max(MAX_BY_LENGTH),
  note: z.string().max(MAX_NOTE_LENGTH),
  at: z.iso.datetime({ offset: true }),
});
export type Mark = z.output<typeof markSchema>;

/** What a writer supplies; `by`, `note` and `at` have defaults. */
export interface MarkInput {
  readonly kind: MarkKind;
  readonly by?: string;
  readonly note?: string;
  /** When the person decided; default: now. */
  readonly at?: Date;
}

export function isMarkKind(value: string): value is MarkKind {
  return (MARK_KINDS as readonly string[]).includes(value);
}

export function markPath(runFolder: string, kind: MarkKind): string {
  return join(runFolder, MARKS_FOLDER, `${kind}.json`);
}

/** Writes (or replaces) a mark atomically; returns what was written. Invalid input is a UserError. */
export async function writeMark(runFolder: string, input: MarkInput): Promise<Mark> {
  const candidate = {
    kind: input.kind,
    by: (input.by ?? '').trim() || 'unknown',
    note: (input.note ?? '').trim(),
    at: (input.at ?? new Date()).toISOString(),
  };
  const parsed = markSchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'mark'}: ${issue.message}`,
    );
    throw new UserError(`invalid mark: ${problems.join('; ')}`);
  }
  await mkdir(join(runFolder, MARKS_FOLDER), { recursive: true });
  await writeFileAtomic(markPath(runFolder, parsed.data.kind), `${JSON.stringify(parsed.data, null, 2)}\n`);
  return parsed.data;
}

/** One read of a mark file. */
export type MarkReading =
  | { readonly state: 'absent' }
  | { readonly state: 'ok'; readonly mark: Mark }
  | { readonly state: 'invalid'; readonly problem: string };

/** Where marks are read from: the run folder, or (in tests) memory. */
export interface MarkSource {
  read(kind: MarkKind): Promise<MarkReading>;
}

export function fileMarkSource(runFolder: string): MarkSource {
  return {
    async read(kind) {
      let text: string;
      try {
        text = await readFile(markPath(runFolder, kind), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
        throw error;
      }
      return parseMark(text, kind);
    },
  };
}

/** Parses a mark file's text; a file that is not a valid mark of `kind` is reported, not thrown. */
export function parseMark(text: string, kind: MarkKind): MarkReading {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'invalid', problem: 'not JSON' };
  }
  const parsed = markSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      state: 'invalid',
      problem: first ? `${first.path.join('.') || 'mark'}: ${first.message}` : 'not a mark',
    };
  }
  if (parsed.data.kind !== kind)
    return { state: 'invalid', problem: `kind is "${parsed.data.kind}", expected "${kind}"` };
  return { state: 'ok', mark: parsed.data };
}

/** A mark as the drill saw it, with both times on the drill's monotonic clock. */
export interface ObservedMark {
  readonly mark: Mark;
  /** The mark's `at`, on the drill's clock, never later than `observedAtMs`. */
  readonly markedAtMs: number;
  /** When the harness read the mark. */
  readonly observedAtMs: number;
}

export interface WaitForMarkOptions {
  readonly pollIntervalMs?: number;
  /**
   * Marks whose `at` is earlier than this (drill clock) belong to something before the wait began:
   * they are reported once and ignored until a newer mark replaces them.
   */
  readonly notBeforeMs?: number;
  /** Default: the mark files of `runFolder`. */
  readonly source?: MarkSource;
}

/**
 * Polls until a valid mark of `kind` exists (and is not older than `notBeforeMs`); rejects with an
 * AbortError when ctx.signal aborts. Unreadable or malformed files are logged once and retried:
 * a person can fix a hand-written mark while the drill waits.
 */
export async function waitForMark(
  runFolder: string,
  kind: MarkKind,
  ctx: AdapterContext,
  options: WaitForMarkOptions = {},
): Promise<ObservedMark> {
  const { clock, signal } = ctx;
  const pollIntervalMs = options.pollIntervalMs ?? MARK_POLL_INTERVAL_MS;
  const source = options.source ?? fileMarkSource(runFolder);
  let lastProblem: string | undefined;
  let lastStaleAt: string | undefined;
  for (;;) {
    if (signal.aborted) throw abortError(signal);
    let reading: MarkReading;
    try {
      reading = await source.read(kind);
    } catch (error) {
      reading = { state: 'invalid', problem: error instanceof Error ? error.message : String(error) };
    }
    if (signal.aborted) throw abortError(signal);
    const observedAtMs = clock.now();
    if (reading.state === 'ok') {
      // The mark's wall-clock time on the drill's clock: the same offset as the clock's own anchor.
      const epochOffsetMs = clock.toEpochMs(observedAtMs) - observedAtMs;
      const markedAtMs = Math.min(Date.parse(reading.mark.at) - epochOffsetMs, observedAtMs);
      if (options.notBeforeMs === undefined || markedAtMs >= options.notBeforeMs) {
        return { mark: reading.mark, markedAtMs, observedAtMs };
      }
      if (lastStaleAt !== reading.mark.at) {
        lastStaleAt = reading.mark.at;
        ctx.log(
          `ignoring the ${kind} mark made at ${reading.mark.at} by ${reading.mark.by}: it predates this wait; mark again`,
        );
      }
    } else if (reading.state === 'invalid' && reading.problem !== lastProblem) {
      lastProblem = reading.problem;
      ctx.log(
        `the ${kind} mark at ${markPath(runFolder, kind)} is unusable (${reading.problem}); still waiting`,
      );
    }
    await clock.sleep(pollIntervalMs, signal);
  }
}

/** The run folder an adapter needs for marks, or a clear error naming who needs it. */
export function requireRunFolder(ctx: AdapterContext, who: string): { id: string; folder: string } {
  if (!ctx.run) {
    throw new Error(
      `${who} reads marks from the run's folder, but this drill was started without one (runDrill needs runFolder)`,
    );
  }
  return ctx.run;
}

/** The command a person runs to make the mark, for progress lines. */
export function markCommand(run: { id: string; folder: string }, kind: MarkKind): string {
  return `rollback-drill mark ${run.id} ${kind} --runs ${shellWord(dirname(run.folder))}`;
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
