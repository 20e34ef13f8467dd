/**
 * Manual marks from the API: `<runFolder>/marks/<kind>.json` = `{ "kind", "by", "note", "at" }`,
 * written atomically through the marks contract (harness/runner/marks.ts) that the manual
 * detector and decisions wait for and `rollback-drill mark` writes from a shell.
 *
 * The API adds one rule: the first mark of a kind stands. A second `detected` would silently move
 * a measured time, so it is refused instead of replacing the first.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { MARK_KINDS, markPath, writeMark, type Mark } from '../runner/marks.js';

export const markRequestSchema = z.strictObject({
  kind: z.enum(MARK_KINDS, { error: 'expected kind: "detected" or "decided"' }),
  by: z
    .string({ error: 'expected by: who is marking, e.g. "alice" or "pager"' })
    .trim()
    .min(1, 'expected by: who is marking, e.g. "alice" or "pager"')
    .max(200),
  note: z.string().max(2000).default(''),
});
export type MarkRequest = z.output<typeof markRequestSchema>;

export type MarkResult =
  | { readonly written: true; readonly mark: Mark; readonly path: string }
  | { readonly written: false; readonly reason: 'already-marked'; readonly existingPath: string };

export class MarkWriter {
  /** Marks being written right now, so two concurrent requests cannot both pass the existence check. */
  private readonly inFlight = new Set<string>();

  async write(runFolder: string, request: MarkRequest, atEpochMs: number): Promise<MarkResult> {
    const path = markPath(runFolder, request.kind);
    // Claimed before the first await, so of two simultaneous requests exactly one gets through.
    if (this.inFlight.has(path)) return { written: false, reason: 'already-marked', existingPath: path };
    this.inFlight.add(path);
    try {
      if (await exists(path)) return { written: false, reason: 'already-marked', existingPath: path };
      const mark = await writeMark(runFolder, {
        kind: request.kind,
        by: request.by,
        note: request.note,
        at: new Date(atEpochMs),
      });
      return { written: true, mark, path };
    } finally {
      this.inFlight.delete(path);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
