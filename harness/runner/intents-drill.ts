/**
 * The runner's side of the intent record: one call before each world-changing action, one after.
 * Without a store (unit tests, a drill with no run folder) every call is a no-op, so the runner reads
 * the same either way. An intent that cannot be written becomes a DrillAbort: the action does not
 * happen, the cleanup stack unwinds what did, and the record says why.
 */
import type { Clock } from '../core/clock.js';
import { DrillAbort } from './drill-abort.js';
import type { UndoStep } from './intents.js';
import { IntentJournal, type IntentStore, type JournalStart } from './intents-journal.js';
import type { PhaseName, TimelineEvent } from './timeline.js';

type UndoSource = readonly UndoStep[] | (() => readonly UndoStep[] | Promise<readonly UndoStep[]>);

export class DrillJournal {
  private constructor(private readonly journal: IntentJournal | null) {}

  /** A journal that records nothing (no run folder, or before the record is opened). */
  static disabled(): DrillJournal {
    return new DrillJournal(null);
  }

  /** Opens the record (first durable write) or, without a store, a journal that records nothing. */
  static async open(
    store: IntentStore | undefined,
    clock: Clock,
    start: JournalStart,
    log: (message: string) => void,
  ): Promise<DrillJournal> {
    if (!store) return new DrillJournal(null);
    try {
      return new DrillJournal(await IntentJournal.open(store, clock, start, log));
    } catch (error) {
      throw new DrillAbort(`could not write the intent record (${describe(error)}); nothing was changed`);
    }
  }

  get enabled(): boolean {
    return this.journal !== null;
  }

  /** Writes the intent; returns its seq (null when journaling is off). Throws DrillAbort when it cannot. */
  async intend(action: string, phase: PhaseName, summary: string, undo: UndoSource): Promise<number | null> {
    if (!this.journal) return null;
    try {
      const steps = typeof undo === 'function' ? await undo() : undo;
      return await this.journal.intend({ action, phase, summary, undo: steps });
    } catch (error) {
      throw new DrillAbort(
        `could not write the intent record before "${summary}" (${describe(error)}); it was not done`,
      );
    }
  }

  /**
   * Runs the action the intent `seq` announced and records how it ended (and what it learned). The
   * outcome is written in the background: the intent itself is what had to be on disk first, and
   * the caller must not wait for a disk write between an action and what follows it.
   */
  async act<T>(
    seq: number | null,
    work: () => Promise<T>,
    undoAfter?: () => readonly UndoStep[],
  ): Promise<T> {
    try {
      const result = await work();
      this.settle(seq, 'done', undoAfter);
      return result;
    } catch (error) {
      this.settle(seq, 'failed', undoAfter);
      throw error;
    }
  }

  /** New facts about an action's undo; written in the background (never throws). */
  replaceUndo(seq: number | null, undo: () => readonly UndoStep[]): void {
    if (this.journal && seq !== null) void this.journal.replaceUndo(seq, safely(undo) ?? []);
  }

  async undone(seq: number | null): Promise<void> {
    if (this.journal && seq !== null) await this.journal.undone(seq);
  }

  phase(phase: PhaseName): void {
    this.journal?.phase(phase);
  }

  event(event: TimelineEvent): void {
    this.journal?.event(event);
  }

  async cleaningUp(): Promise<void> {
    await this.journal?.state('cleaning-up');
  }

  /** Every undo ran and succeeded: a crash from here on leaves nothing but a missing record. */
  async cleanedUp(): Promise<void> {
    await this.journal?.state('cleaned-up');
  }

  async flush(): Promise<void> {
    await this.journal?.flush();
  }

  private settle(seq: number | null, status: 'done' | 'failed', undoAfter?: () => readonly UndoStep[]): void {
    if (!this.journal || seq === null) return;
    const undo = undoAfter ? safely(undoAfter) : undefined;
    void this.journal.settle(seq, status, undo); // IntentJournal reports a failed write; it never rejects
  }
}

function safely(fn: () => readonly UndoStep[]): readonly UndoStep[] | undefined {
  try {
    return fn();
  } catch {
    return undefined; // new facts are a bonus; the steps already written still stand
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { JournalStart };
