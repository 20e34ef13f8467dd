/**
 * The observe decision in a whole drill (scripted world, fake clock): the harness never rolls back;
 * someone else does, 3 s after the detection, and the drill measures that rollback.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { createObserveDecision } from '../../../harness/decisions/observe.js';
import { runDrill } from '../../../harness/runner/run-drill.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { createWorld } from '../runner/scripted-world.js';
import { scenarioFixture } from '../runner/scenario-fixture.js';

describe('observe decision in a drill', () => {
  it('leaves the rollback to someone else and measures it from the decision to the stable version serving', async () => {
    const clock = new FakeClock();
    const world = createWorld(clock, { errorRatioByVersion: { stable: 0, candidate: 0.3 } });
    const { target } = world.adapters;
    const controller = new AbortController();
    let record: RunRecord | undefined;
    let rollbacksByHarness = 0;
    const running = runDrill({
      scenario: scenarioFixture({ decision: { type: 'observe', waitForMark: false, pollInterval: 200 } }),
      scenarioFile: 'observe.yaml',
      adapters: {
        ...world.adapters,
        // Count rollbacks the harness itself asks for during the rollback phase.
        target: {
          ...target,
          rollback: (ctx) => {
            rollbacksByHarness += 1;
            return target.rollback(ctx);
          },
        },
        decision: createObserveDecision({ waitForMark: false, pollInterval: 200 }),
      },
      clock,
      runId: 'observe-1',
      harnessVersion: 'test',
      observers: [
        {
          event: (event) => {
            // The team's pipeline rolls back 3 s after the alert, outside the harness.
            if (event.type === 'decided')
              clock.setTimer(
                () => void target.rollback({ clock, signal: controller.signal, log: () => undefined }),
                3_000,
              );
          },
        },
      ],
    }).then((r) => (record = r));
    for (let steps = 0; !record && steps < 5_000; steps++) await clock.advance(100);
    await running;
    if (!record) throw new Error('drill did not finish');

    expect(record.result, record.reason).toBe('passed');
    expect(record.decision).toMatchObject({
      kind: 'observe',
      decidedBy: 'observe',
      settings: { rollbackBy: 'external' },
    });
    expect(rollbacksByHarness).toBe(0);
    expect(record.timeline.find((e) => e.type === 'rollback.started')?.message).toBe(
      'waiting for an external rollback to stable',
    );
    // 3 s after the decision, seen by the runner's 500 ms health poll.
    expect(record.measurements.timeToRollbackSeconds).toBeGreaterThanOrEqual(3);
    expect(record.measurements.timeToRollbackSeconds).toBeLessThanOrEqual(3.5);
    expect(record.measurements.rollbackSucceeded).toBe(true);
  });
});
