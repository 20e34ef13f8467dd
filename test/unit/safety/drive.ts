/** Runs a scripted drill on a FakeClock to its record, with the safety options a test needs. */
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { runDrill, type DrillOptions } from '../../../harness/runner/run-drill.js';
import type { Scenario } from '../../../harness/scenario/model.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { scenarioFixture } from '../runner/scenario-fixture.js';
import { createWorld, type World, type WorldScript } from '../runner/scripted-world.js';

export const BAD = { stable: 0, candidate: 0.3 };

export interface Driven {
  readonly record: RunRecord;
  readonly world: World;
  readonly clock: FakeClock;
  readonly logs: string[];
}

export async function drive(
  script: WorldScript,
  scenario: Scenario = scenarioFixture(),
  extra: Partial<DrillOptions> = {},
  build: (clock: FakeClock, world: World) => Partial<DrillOptions> = () => ({}),
): Promise<Driven> {
  const clock = new FakeClock();
  const world = createWorld(clock, script);
  const logs: string[] = [];
  let record: RunRecord | undefined;
  const running = runDrill({
    scenario,
    scenarioFile: 'scripted.yaml',
    adapters: world.adapters,
    clock,
    runId: 'run-1',
    harnessVersion: 'test',
    log: (line) => logs.push(line),
    ...extra,
    ...build(clock, world),
  }).then((r) => (record = r));
  // A hard cap turns a hang into a test failure instead of a stuck test.
  for (let steps = 0; !record && steps < 20_000; steps++) await clock.advance(100);
  await running;
  if (!record) throw new Error('drill did not finish');
  return { record, world, clock, logs };
}

export { scenarioFixture };
