/**
 * The intent record a drill writes as it goes (FakeClock, memory store): every world-changing action
 * is announced durably before it happens, its outcome follows, cleanup marks each undone, and an
 * intent that cannot be written stops the drill before the action it announces.
 */
import { describe, expect, it } from 'vitest';
import type { IntentStore } from '../../../harness/runner/intents-journal.js';
import { intentsDocumentSchema, pendingUndo, type IntentsDocument } from '../../../harness/runner/intents.js';
import { BAD, drive, scenarioFixture } from './drive.js';

interface Write {
  readonly doc: IntentsDocument;
  /** What the scripted world had done when this version was written. */
  readonly worldLog: readonly string[];
}

function recordingStore(
  worldLog: () => readonly string[],
  failWhen?: (doc: IntentsDocument) => boolean,
): {
  store: IntentStore;
  writes: Write[];
} {
  const writes: Write[] = [];
  return {
    writes,
    store: {
      write: async (doc) => {
        if (failWhen?.(doc)) throw new Error('ENOSPC: no space left on device');
        writes.push({ doc: structuredClone(doc), worldLog: [...worldLog()] });
      },
    },
  };
}

const identity = { pid: 4242, startTicks: 1, bootId: 'boot', hostname: 'test-host' };

describe('the intent record of a drill', () => {
  it('announces each action before the world sees it, and ends cleaned-up with nothing owed', async () => {
    let recorder: ReturnType<typeof recordingStore> | undefined;
    const { record, world } = await drive(
      { errorRatioByVersion: BAD, rollbackTakesMs: 2_000 },
      scenarioFixture(),
      { identity },
      (_clock, w) => {
        recorder = recordingStore(() => w.log);
        return { intents: recorder.store };
      },
    );
    expect(record.result, record.reason).toBe('passed');
    const writes = recorder?.writes ?? [];
    const firstWriteWith = (action: string): Write | undefined =>
      writes.find((w) => w.doc.actions.some((a) => a.action === action));
    // Each intent is on disk while the world has not yet changed for it.
    expect(firstWriteWith('target.prepare')?.worldLog).toEqual([]);
    expect(firstWriteWith('fault.inject')?.worldLog).not.toContain('deploy candidate');
    expect(firstWriteWith('target.rollback')?.worldLog).not.toContain('rollback');
    expect(firstWriteWith('fault.inject')?.doc.actions.find((a) => a.action === 'fault.inject')?.status).toBe(
      'intended',
    );
    expect(world.log).toContain('deploy candidate');

    const last = writes.at(-1)?.doc as IntentsDocument;
    expect(intentsDocumentSchema.parse(last)).toBeTruthy();
    expect(last.state).toBe('cleaned-up');
    expect(last.harness).toEqual({ ...identity, envMarker: false });
    expect(last.runId).toBe('run-1');
    expect(last.describe.fault.kind).toBe('release');
    expect(last.actions.map((a) => `${a.action}:${a.status}`)).toEqual([
      'target.prepare:undone',
      'traffic.start:undone',
      'fault.inject:undone',
      'target.rollback:done',
    ]);
    expect(pendingUndo(last)).toEqual([]);
    expect(last.events.map((e) => e.type)).toContain('rollback.completed');
    // Phases are followed as they start.
    expect(writes.map((w) => w.doc.phase).filter((p, i, all) => p !== all[i - 1])).toEqual([
      null,
      'setup',
      'baseline',
      'fault',
      'detect',
      'decide',
      'rollback',
      'verify',
      'cleanup',
    ]);
  });

  it('an intent that cannot be written stops the drill before its action; what was done is undone', async () => {
    let recorder: ReturnType<typeof recordingStore> | undefined;
    const { record, world } = await drive(
      { errorRatioByVersion: BAD },
      scenarioFixture(),
      { identity },
      (_clock, w) => {
        recorder = recordingStore(
          () => w.log,
          (doc) => doc.actions.some((a) => a.action === 'fault.inject'),
        );
        return { intents: recorder.store };
      },
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe(
      'could not write the intent record before "inject: deploy candidate over stable on the scripted target" (ENOSPC: no space left on device); it was not done',
    );
    expect(world.log).not.toContain('deploy candidate');
    expect(world.disposed).toBe(true);
    expect(world.log).toContain('traffic stopped');
  });

  it('a record that cannot be opened stops the drill before anything is prepared', async () => {
    const { record, world } = await drive({ errorRatioByVersion: BAD }, scenarioFixture(), {
      identity,
      intents: { write: () => Promise.reject(new Error('EROFS: read-only file system')) },
    });
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe(
      'could not write the intent record (EROFS: read-only file system); nothing was changed',
    );
    expect(world.log).toEqual([]);
  });

  it('after an interruption the record shows what was begun and what cleanup undid', async () => {
    let recorder: ReturnType<typeof recordingStore> | undefined;
    const { record } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      { ...scenarioFixture(), abort: { maxDuration: 15_000 } },
      { identity },
      (_clock, w) => {
        recorder = recordingStore(() => w.log);
        return { intents: recorder.store };
      },
    );
    expect(record.result).toBe('aborted');
    const docs = (recorder?.writes ?? []).map((w) => w.doc);
    const midway = docs.find((d) => d.phase === 'detect');
    expect(midway?.state).toBe('running');
    // A target that outlives the harness (not the embedded demo) is owed a rollback to stable.
    expect(midway && pendingUndo(midway).map((p) => p.step)).toEqual([
      { type: 'restore-target', target: scenarioFixture().target, stableVersion: 'stable' },
    ]);
    expect(midway?.actions.find((a) => a.action === 'fault.inject')?.status).toBe('done');
    const last = docs.at(-1);
    expect(last?.state).toBe('cleaned-up');
    expect(last?.actions.every((a) => a.status === 'undone')).toBe(true);
  });
});
