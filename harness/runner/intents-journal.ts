/**
 * Writes a drill's intent record as it goes. An intent is written — durably, awaited — before the
 * action it describes; an intent that cannot be written stops the drill before it changes anything
 * (a change nobody could undo after a crash is the damage this file exists to prevent). Progress
 * (phases, timeline events, outcomes) is written too, coalesced, in the background.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { secrets, type SecretRedactor } from '../core/secrets.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { redactDeep } from '../store/redact-record.js';
import {
  INTENTS_API_VERSION,
  INTENTS_FILE,
  type IntentAction,
  type IntentsDocument,
  type UndoStep,
} from './intents.js';
import type { ProcessIdentity } from './intents-processes.js';
import type { PhaseName, TimelineEvent } from './timeline.js';

/** Where intent records go: a file in the run folder, or memory (tests). */
export interface IntentStore {
  write(doc: IntentsDocument): Promise<void>;
}

/** intents.json in `folder`, written atomically and redacted. */
export function fileIntentStore(folder: string, redactor: SecretRedactor = secrets): IntentStore {
  const path = join(folder, INTENTS_FILE);
  return {
    write: (doc) => writeFileAtomic(path, `${JSON.stringify(redactDeep(doc, redactor), null, 2)}\n`),
  };
}

/** Keeps every version written, for tests. */
export function memoryIntentStore(): IntentStore & {
  readonly writes: IntentsDocument[];
  last(): IntentsDocument;
} {
  const writes: IntentsDocument[] = [];
  return {
    writes,
    write: async (doc) => void writes.push(structuredClone(doc)),
    last: () => {
      const doc = writes.at(-1);
      if (!doc) throw new Error('nothing was written');
      return doc;
    },
  };
}

export interface JournalStart {
  readonly runId: string;
  readonly harnessVersion: string;
  readonly scenarioFile: string | null;
  readonly scenario: Record<string, unknown>;
  readonly describe: IntentsDocument['describe'];
  readonly identity: ProcessIdentity;
  readonly envMarker: boolean;
}

export interface IntentToWrite {
  readonly action: string;
  readonly phase: PhaseName;
  readonly summary: string;
  readonly undo: readonly UndoStep[];
}

export class IntentJournal {
  private readonly doc: IntentsDocument;
  private writing: Promise<void> = Promise.resolve();
  private backgroundQueued = false;

  private constructor(
    private readonly store: IntentStore,
    private readonly clock: Clock,
    start: JournalStart,
    private readonly onBackgroundError: (message: string) => void,
  ) {
    const now = this.iso();
    this.doc = {
      apiVersion: INTENTS_API_VERSION,
      runId: start.runId,
      harnessVersion: start.harnessVersion,
      harness: { ...start.identity, envMarker: start.envMarker },
      startedAt: now,
      updatedAt: now,
      scenarioFile: start.scenarioFile,
      scenario: start.scenario,
      describe: start.describe,
      phase: null,
      state: 'running',
      actions: [],
      events: [],
    };
  }

  /** Writes the first version (who runs what); throws when it cannot be written. */
  static async open(
    store: IntentStore,
    clock: Clock,
    start: JournalStart,
    onBackgroundError: (message: string) => void = () => undefined,
  ): Promise<IntentJournal> {
    const journal = new IntentJournal(store, clock, start, onBackgroundError);
    await journal.writeNow();
    return journal;
  }

  /** Records an intent durably before its action; throws when it cannot be written. Returns its seq. */
  async intend(intent: IntentToWrite): Promise<number> {
    const seq = this.doc.actions.length + 1;
    this.doc.actions.push({
      seq,
      action: intent.action,
      phase: intent.phase,
      summary: intent.summary,
      intendedAt: this.iso(),
      status: 'intended',
      undo: [...intent.undo],
    });
    await this.writeNow();
    return seq;
  }

  /** The action returned (done) or threw (failed); `undo` replaces its steps when it learned more. */
  settle(seq: number, status: 'done' | 'failed', undo?: readonly UndoStep[]): Promise<void> {
    return this.update(seq, (action) => {
      action.status = status;
      action.settledAt = this.iso();
      if (undo) action.undo = [...undo];
    });
  }

  /** New facts about how to undo an action (e.g. the pids of processes it started since). */
  replaceUndo(seq: number, undo: readonly UndoStep[]): Promise<void> {
    return this.update(seq, (action) => void (action.undo = [...undo]));
  }

  /** The action's undo ran and succeeded: recover owes it nothing. */
  undone(seq: number): Promise<void> {
    return this.update(seq, (action) => {
      action.status = 'undone';
      action.settledAt = this.iso();
    });
  }

  phase(phase: PhaseName): void {
    this.doc.phase = phase;
    this.writeInBackground();
  }

  event(event: TimelineEvent): void {
    this.doc.events.push({
      type: event.type,
      at: new Date(this.clock.toEpochMs(event.atMs)).toISOString(),
      ...(event.phase ? { phase: event.phase } : {}),
      message: event.message,
    });
    this.writeInBackground();
  }

  state(state: IntentsDocument['state']): Promise<void> {
    this.doc.state = state;
    return this.writeQuietly();
  }

  /** Waits for every write queued so far. Never throws. */
  async flush(): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  /** A copy of the record as it stands. */
  snapshot(): IntentsDocument {
    return structuredClone(this.doc);
  }

  private update(seq: number, change: (action: IntentAction) => void): Promise<void> {
    const action = this.doc.actions.find((a) => a.seq === seq);
    if (!action) return Promise.resolve();
    change(action);
    return this.writeQuietly();
  }

  /** Outcomes are worth writing but not worth stopping a drill for: a failure is reported. */
  private async writeQuietly(): Promise<void> {
    try {
      await this.writeNow();
    } catch (error) {
      this.onBackgroundError(`could not update the intent record: ${describe(error)}`);
    }
  }

  private writeNow(): Promise<void> {
    const next = this.writing.catch(() => undefined).then(() => this.store.write(this.stamped()));
    this.writing = next;
    return next;
  }

  /** Coalesced: at most one background write waits in the queue, and it writes the latest state. */
  private writeInBackground(): void {
    if (this.backgroundQueued) return;
    this.backgroundQueued = true;
    const next = this.writing
      .catch(() => undefined)
      .then(() => {
        this.backgroundQueued = false;
        return this.store.write(this.stamped());
      });
    this.writing = next;
    next.catch((error: unknown) =>
      this.onBackgroundError(`could not update the intent record: ${describe(error)}`),
    );
  }

  private stamped(): IntentsDocument {
    this.doc.updatedAt = this.iso();
    return structuredClone(this.doc);
  }

  private iso(): string {
    return new Date(this.clock.toEpochMs(this.clock.now())).toISOString();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
