import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { createManualDecision } from '../../../harness/decisions/manual.js';
import { createObserveDecision } from '../../../harness/decisions/observe.js';
import { createDecisionMaker } from '../../../harness/decisions/registry.js';
import type { Detection } from '../../../harness/detectors/port.js';
import { decisionConfig } from '../../../harness/scenario/schema/detection.js';
import { MemoryMarks, markContext } from './mark-fixtures.js';

const detectionAt = (atMs: number): Detection => ({ atMs, reason: 'test', observed: {} });

function isoAt(clock: FakeClock, ms: number): string {
  return new Date(clock.toEpochMs(ms)).toISOString();
}

describe('manual decision', () => {
  it('waits for the decided mark and decides at its time; the harness rolls back', async () => {
    const clock = new FakeClock(20_000);
    const marks = new MemoryMarks();
    const ctx = markContext(clock);
    const decision = createManualDecision({ pollInterval: 200 }, { markSource: () => marks });
    let decided: Awaited<ReturnType<typeof decision.decide>> | undefined;
    void decision.decide(detectionAt(19_000), ctx).then((d) => (decided = d));
    await clock.advance(5_000);
    expect(decided).toBeUndefined();
    expect(ctx.logs[0]).toBe(
      'waiting for approval to roll back: rollback-drill mark run-1 decided --runs /runs',
    );
    marks.set({ kind: 'decided', by: 'alice', note: 'rolling back checkout', at: isoAt(clock, 25_000) });
    await clock.advance(200);
    expect(decided).toEqual({
      atMs: 25_000,
      decidedBy: 'manual: alice',
      note: 'rolling back checkout',
      rollbackBy: 'harness',
    });
  });

  it('counts a mark made before the detection at the detection, and says so', async () => {
    const clock = new FakeClock(20_000);
    const marks = new MemoryMarks();
    marks.set({ kind: 'decided', by: 'bob', note: '', at: isoAt(clock, 15_000) });
    const ctx = markContext(clock);
    const decided = await createManualDecision({ pollInterval: 200 }, { markSource: () => marks }).decide(
      detectionAt(19_500),
      ctx,
    );
    expect(decided.atMs).toBe(19_500);
    expect(decided).not.toHaveProperty('note');
    expect(ctx.logs.some((line) => line.includes('predates the detection'))).toBe(true);
  });

  it('is a clear error without a run folder, and rejects on abort (the phase timeout)', async () => {
    const clock = new FakeClock();
    const decision = createManualDecision({ pollInterval: 200 }, { markSource: () => new MemoryMarks() });
    await expect(decision.decide(detectionAt(0), markContext(clock, null))).rejects.toThrow(
      /the manual decision reads marks from the run's folder, but this drill was started without one/,
    );
    const ctx = markContext(clock);
    const waiting = decision.decide(detectionAt(0), ctx).catch((error: unknown) => error);
    await clock.advance(1_000);
    ctx.controller.abort(Object.assign(new Error('decision timed out'), { name: 'AbortError' }));
    expect(await waiting).toMatchObject({ name: 'AbortError' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('describes how it is marked and its resolution', () => {
    const settings = createManualDecision({ pollInterval: 500 }).describe();
    expect(settings).toMatchObject({
      pollIntervalMs: 500,
      markFile: 'marks/decided.json in the run folder',
      rollbackBy: 'harness',
      observation: { resolutionSeconds: 0.5 },
    });
  });
});

describe('observe decision', () => {
  it('decides at once that someone else rolls back', async () => {
    const clock = new FakeClock(30_000);
    const ctx = markContext(clock, null); // needs no run folder when not waiting for a mark
    const decided = await createObserveDecision({ waitForMark: false, pollInterval: 200 }).decide(
      detectionAt(29_000),
      ctx,
    );
    expect(decided).toMatchObject({ atMs: 30_000, decidedBy: 'observe', rollbackBy: 'external' });
    expect(decided.note).toContain('does not roll back');
  });

  it('with waitForMark, decides at the decided mark and still leaves the rollback to others', async () => {
    const clock = new FakeClock(30_000);
    const marks = new MemoryMarks();
    const ctx = markContext(clock);
    const decision = createObserveDecision(
      { waitForMark: true, pollInterval: 200 },
      { markSource: () => marks },
    );
    const waiting = decision.decide(detectionAt(29_000), ctx);
    await clock.advance(3_000);
    marks.set({ kind: 'decided', by: 'on-call', note: '', at: isoAt(clock, 33_000) });
    await clock.advance(200);
    await expect(waiting).resolves.toEqual({
      atMs: 33_000,
      decidedBy: 'observe: on-call',
      rollbackBy: 'external',
    });
  });

  it('describes what its time to roll back spans', () => {
    expect(createObserveDecision({ waitForMark: false, pollInterval: 200 }).describe()).toMatchObject({
      rollbackBy: 'external',
      waitForMark: false,
      decidesAt: expect.stringContaining('set waitForMark to split them') as string,
    });
    expect(createObserveDecision({ waitForMark: true, pollInterval: 200 }).describe()).toMatchObject({
      waitForMark: true,
      observation: { resolutionSeconds: 0.2 },
    });
  });
});

describe('decision registry and configs', () => {
  it('builds every decision type from its scenario block', () => {
    const kinds = [{ type: 'auto' }, { type: 'manual' }, { type: 'observe', waitForMark: true }].map(
      (block) => createDecisionMaker(decisionConfig.parse(block)).kind,
    );
    expect(kinds).toEqual(['auto', 'manual', 'observe']);
    expect(decisionConfig.parse({ type: 'manual' })).toEqual({ type: 'manual', pollInterval: 200 });
    expect(decisionConfig.parse({ type: 'observe' })).toEqual({
      type: 'observe',
      waitForMark: false,
      pollInterval: 200,
    });
  });

  it('refuses unknown types and polls faster than 50 ms in plain words', () => {
    expect(decisionConfig.safeParse({ type: 'vote' }).error?.issues[0]?.message).toBe(
      'expected a decision block with type: auto, manual or observe',
    );
    expect(decisionConfig.safeParse({ type: 'manual', pollInterval: '10ms' }).error?.issues[0]?.message).toBe(
      'expected at least 50ms',
    );
  });
});
