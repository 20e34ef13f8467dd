import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { runDrill } from '../../../harness/runner/run-drill.js';
import { runRecordSchema, type RunRecord } from '../../../harness/store/run-record.js';
import { createWorld, type World, type WorldScript } from './scripted-world.js';
import { scenarioFixture } from './scenario-fixture.js';
import type { Scenario } from '../../../harness/scenario/model.js';

const BAD = { stable: 0, candidate: 0.3 };

async function drive(
  script: WorldScript,
  scenario: Scenario = scenarioFixture(),
  options: { abortAtMs?: number } = {},
): Promise<{ record: RunRecord; world: World; clock: FakeClock }> {
  const clock = new FakeClock();
  const world = createWorld(clock, script);
  const interruption = new AbortController();
  let record: RunRecord | undefined;
  const running = runDrill({
    scenario,
    scenarioFile: 'scripted.yaml',
    adapters: world.adapters,
    clock,
    runId: 'run-1',
    harnessVersion: 'test',
    signal: interruption.signal,
  }).then((r) => (record = r));
  // Drive time forward until the drill ends; a hard cap turns a hang into a test failure.
  for (let steps = 0; !record && steps < 20_000; steps++) {
    if (options.abortAtMs !== undefined && clock.now() >= options.abortAtMs && !interruption.signal.aborted) {
      interruption.abort(new Error('interrupted by SIGINT'));
    }
    await clock.advance(100);
  }
  await running;
  if (!record) throw new Error('drill did not finish');
  return { record, world, clock };
}

describe('runDrill on a scripted system (fake clock)', () => {
  it('measures each phase exactly as defined and passes when every objective is met', async () => {
    const { record, world } = await drive({ errorRatioByVersion: BAD, rollbackTakesMs: 3_000 });
    expect(runRecordSchema.parse(record)).toBeTruthy();
    expect(record.result).toBe('passed');
    // fault in effect at 10 s; the first bad 1 s sample ends at 11 s.
    expect(record.measurements.timeToDetectSeconds).toBe(1);
    expect(record.measurements.timeToDecideSeconds).toBe(2);
    expect(record.measurements.timeToRollbackSeconds).toBe(3);
    // rollback completes at 16 s; the first sample starting then is in SLO and stays so for 5 s.
    expect(record.measurements.timeToRecoverSeconds).toBe(6);
    expect(record.measurements.rollbackSucceeded).toBe(true);
    expect(record.target.versionAfterRun).toBe('stable');
    expect(record.windows.fault?.errorRatio).toBeCloseTo(0.3, 5);
    expect(record.windows.postRollback?.errorRatio).toBe(0);
    expect(record.measurements.postRollbackSliDelta.availability).toBe(0);
    expect(record.measurements.impact.failedRequests).toBe(30 * 6);
    expect(record.objectives.every((o) => o.met)).toBe(true);
    expect(world.disposed).toBe(true);
    const types = record.timeline.map((e) => e.type);
    for (const type of [
      'fault.injected',
      'detected',
      'decided',
      'rollback.started',
      'rollback.completed',
      'recovered',
    ]) {
      expect(types).toContain(type);
    }
    const offsets = record.timeline.map((e) => e.offsetSeconds);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('fails with "not detected within 2m" when detection never happens, and still restores the stable version', async () => {
    const { record, world } = await drive({ errorRatioByVersion: BAD, detector: 'never' });
    expect(record.result).toBe('failed');
    expect(record.reason).toBe('not detected within 2m');
    expect(record.measurements.timeToDetectSeconds).toBeNull();
    expect(record.measurements.timeToRecoverSeconds).toBeNull();
    expect(record.measurements.rollbackSucceeded).toBe(false);
    expect(record.objectives.find((o) => o.name === 'timeToDetect')?.met).toBe(false);
    expect(world.version()).toBe('stable');
    expect(world.log).toContain('rollback'); // the cleanup stack cleared the fault
    expect(record.target.versionAfterRun).toBe('stable');
  });

  it('fails when the rollback command fails, and says why', async () => {
    const { record, world } = await drive({ errorRatioByVersion: BAD, rollbackBehaviour: 'throw' });
    expect(record.result).toBe('failed');
    expect(record.measurements.rollbackSucceeded).toBe(false);
    expect(record.measurements.rollbackFailureReason).toContain('helm rollback: release not found');
    expect(record.measurements.timeToRollbackSeconds).toBeNull();
    expect(record.timeline.map((e) => e.type)).toContain('rollback.failed');
    expect(world.version()).toBe('stable'); // cleanup retried and restored it
  });

  it('fails when the rollback does not complete within its timeout', async () => {
    const scenario = scenarioFixture();
    const { record } = await drive(
      { errorRatioByVersion: BAD, rollbackBehaviour: 'hang' },
      { ...scenario, phases: { ...scenario.phases, rollback: { timeout: 30_000 } } },
    );
    expect(record.result).toBe('failed');
    expect(record.failures).toContain('rollback did not complete within 30s');
    expect(record.measurements.rollbackFailureReason).toBe('rollback did not complete within 30s');
  });

  it('counts a rollback that reports success while the candidate keeps serving as failed', async () => {
    const { record } = await drive({ errorRatioByVersion: BAD, rollbackBehaviour: 'wrong-version' });
    expect(record.result).toBe('failed');
    expect(record.measurements.rollbackSucceeded).toBe(false);
    expect(record.measurements.rollbackFailureReason).toContain(
      'candidate was serving, not the stable version stable',
    );
  });

  it('fails when recovery is never sustained within the verify window', async () => {
    const { record } = await drive({ errorRatioByVersion: BAD, errorsLingerAfterRollbackMs: 60_000 });
    expect(record.result).toBe('failed');
    expect(record.measurements.timeToRecoverSeconds).toBeNull();
    expect(record.measurements.rollbackSucceeded).toBe(false);
    expect(record.measurements.rollbackFailureReason).toBe(
      'SLIs did not stay within the SLO for 5s during the 20s verify window',
    );
    expect(record.measurements.impact.windowDescription).toContain('no recovery');
  });

  it('finds a recovery that starts late in the verify window', async () => {
    const { record } = await drive({
      errorRatioByVersion: BAD,
      rollbackTakesMs: 3_000,
      errorsLingerAfterRollbackMs: 4_000,
    });
    expect(record.result).toBe('passed');
    expect(record.measurements.timeToRecoverSeconds).toBe(10); // 16 s rollback + 4 s lingering − 10 s fault start
  });

  it('fails and names the objective when a phase is too slow', async () => {
    const { record } = await drive(
      { errorRatioByVersion: BAD, rollbackTakesMs: 90_000 },
      scenarioFixture({}),
    );
    // the rollback phase times out at 60 s before the 90 s rollback finishes
    expect(record.result).toBe('failed');
    const slow = await drive(
      { errorRatioByVersion: BAD, rollbackTakesMs: 45_000 },
      {
        ...scenarioFixture(),
        objectives: {
          timeToDetect: 30_000,
          timeToDecide: 60_000,
          timeToRollback: 40_000,
          timeToRecover: 120_000,
        },
      },
    );
    expect(slow.record.result).toBe('failed');
    expect(slow.record.reason).toBe('time to roll back 45s missed its objective of 40s');
    expect(record.failures[0]).toBe('rollback did not complete within 1m');
  });

  it('aborts on interruption during the fault, records why, and unwinds every cleanup step', async () => {
    const { record, world } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      scenarioFixture(),
      { abortAtMs: 15_000 },
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe('interrupted by SIGINT');
    expect(world.version()).toBe('stable');
    expect(world.disposed).toBe(true);
    expect(world.log).toContain('traffic stopped');
    const cleanupSteps = record.timeline.filter((e) => e.type === 'cleanup.step').map((e) => e.message);
    expect(cleanupSteps).toEqual([
      'clear the fault: done',
      'stop traffic: done',
      'make sure the stable version serves: done',
      'stop the target: done',
    ]);
  });

  it('aborts without injecting anything when the baseline is already outside the SLO', async () => {
    const { record, world } = await drive({ errorRatioByVersion: { stable: 0.02, candidate: 0.3 } });
    expect(record.result).toBe('aborted');
    expect(record.reason).toContain('the baseline did not meet the SLO (error ratio 2.0% > 0.50%)');
    expect(world.log).not.toContain('deploy candidate');
  });

  it('measures an external rollback it only observes (decision rollbackBy: external)', async () => {
    const clock = new FakeClock();
    const world = createWorld(clock, { errorRatioByVersion: BAD });
    const observing = {
      kind: 'observe',
      describe: () => ({}),
      decide: async () => {
        // Someone else (the team's pipeline) rolls back 4 s after the decision.
        clock.setTimer(
          () =>
            void world.adapters.target.rollback({
              clock,
              signal: new AbortController().signal,
              log: () => undefined,
            }),
          4_000,
        );
        return { atMs: clock.now(), decidedBy: 'on-call via pipeline', rollbackBy: 'external' as const };
      },
    };
    let record: RunRecord | undefined;
    const running = runDrill({
      scenario: scenarioFixture(),
      scenarioFile: null,
      adapters: { ...world.adapters, decision: observing },
      clock,
      runId: 'r',
      harnessVersion: 't',
    }).then((r) => (record = r));
    while (!record) await clock.advance(100);
    await running;
    expect(record.result, record.reason).toBe('passed');
    // polled every 500 ms: the rollback at +4 s is seen within one poll
    expect(record.measurements.timeToRollbackSeconds).toBeGreaterThanOrEqual(4);
    expect(record.measurements.timeToRollbackSeconds).toBeLessThanOrEqual(4.5);
    expect(record.measurements.observations.timeToRollbackSeconds.method).toContain(
      'external rollback observed',
    );
    expect(world.rollbackCalls).toBe(1); // the harness itself never rolled back
  });

  it('states a polled decision with its polling resolution, not as an in-process event', async () => {
    const clock = new FakeClock();
    const world = createWorld(clock, { errorRatioByVersion: BAD });
    const polled = {
      kind: 'manual',
      describe: () => ({ observation: { method: 'a mark read every 200ms', resolutionSeconds: 0.2 } }),
      decide: async () => ({ atMs: clock.now(), decidedBy: 'alice' }),
    };
    let record: RunRecord | undefined;
    const running = runDrill({
      scenario: scenarioFixture(),
      scenarioFile: null,
      adapters: { ...world.adapters, decision: polled },
      clock,
      runId: 'r',
      harnessVersion: 't',
    }).then((r) => (record = r));
    while (!record) await clock.advance(100);
    await running;
    expect(record.measurements.observations.timeToDecideSeconds).toEqual({
      method: 'detection received in-process; decision: a mark read every 200ms',
      resolutionSeconds: 0.201,
    });
    expect(record.measurements.observations.timeToRollbackSeconds.resolutionSeconds).toBe(0.3);
  });

  it('aborts when the drill runs past its maximum duration', async () => {
    const { record } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      { ...scenarioFixture(), abort: { maxDuration: 30_000 } },
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe('the drill ran past its maximum duration of 30s');
  });
});
