import { describe, expect, it } from 'vitest';
import { ManualDetector } from '../../../harness/detectors/manual.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { detectionConfig, manualDetectorConfig } from '../../../harness/scenario/schema/detection.js';
import { MemoryMarks } from '../decisions/mark-fixtures.js';
import { TestContext } from './fixtures.js';

class RunContext extends TestContext {
  readonly run = { id: 'run-7', folder: '/drills/run-7' };
}

function detector(marks: MemoryMarks, overrides: Record<string, unknown> = {}): ManualDetector {
  return new ManualDetector(manualDetectorConfig.parse({ type: 'manual', ...overrides }), {
    markSource: () => marks,
  });
}

const iso = (ctx: TestContext, ms: number): string => new Date(ctx.clock.toEpochMs(ms)).toISOString();

describe('manual detector', () => {
  it('detects at the time of the detected mark, and tells the user how to mark', async () => {
    const ctx = new RunContext();
    await ctx.clock.advance(10_000); // the fault is in effect at 10 s
    const marks = new MemoryMarks();
    const watch = detector(marks).watch(ctx);
    await ctx.clock.advance(4_000);
    marks.set({
      kind: 'detected',
      by: 'alice',
      note: 'checkout errors on the dashboard',
      at: iso(ctx, 13_900),
    });
    await ctx.clock.advance(200);
    const detection = await watch;
    expect(detection).toEqual({
      atMs: 13_900,
      reason: 'marked detected by alice: checkout errors on the dashboard',
      observed: { markReadLagMs: 300, pollIntervalMs: 200 }, // made at 13.9 s, read by the 14.2 s poll
    });
    expect(ctx.logs[0]).toBe(
      'waiting for a person to mark detection: rollback-drill mark run-7 detected --runs /drills',
    );
  });

  it('ignores a mark made before the fault was in effect', async () => {
    const ctx = new RunContext();
    await ctx.clock.advance(10_000);
    const marks = new MemoryMarks();
    marks.set({ kind: 'detected', by: 'eager', note: '', at: iso(ctx, 5_000) });
    let fired = false;
    const watch = detector(marks).watch(ctx);
    void watch.then(() => (fired = true));
    await ctx.clock.advance(5_000);
    expect(fired).toBe(false);
    expect(ctx.logs.some((line) => line.includes('predates this wait; mark again'))).toBe(true);
    marks.set({ kind: 'detected', by: 'eager', note: '', at: iso(ctx, 15_000) });
    await ctx.clock.advance(200);
    await expect(watch).resolves.toMatchObject({ atMs: 15_000 });
  });

  it('needs the run folder, and stops at once on abort', async () => {
    await expect(detector(new MemoryMarks()).watch(new TestContext())).rejects.toThrow(
      "the manual detector reads marks from the run's folder",
    );
    const ctx = new RunContext();
    const watch = detector(new MemoryMarks())
      .watch(ctx)
      .catch((error: unknown) => error);
    await ctx.clock.advance(1_000);
    ctx.controller.abort(Object.assign(new Error('drill interrupted'), { name: 'AbortError' }));
    expect(await watch).toMatchObject({ message: 'drill interrupted' });
    expect(ctx.clock.pendingTimers()).toBe(0);
  });

  it('describes its mark file and the poll interval as its resolution; the registry builds it', () => {
    const description = detector(new MemoryMarks(), { pollInterval: '500ms' }).describe();
    expect(description.kind).toBe('manual');
    expect(description.settings).toMatchObject({
      pollInterval: 500,
      markFile: 'marks/detected.json in the run folder',
    });
    expect(description.observation.resolutionSeconds).toBe(0.5);
    expect(createDetector(detectionConfig.parse({ type: 'manual' })).kind).toBe('manual');
  });
});
