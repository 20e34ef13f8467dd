import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { runDrill } from '../../../harness/runner/run-drill.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { renderMarkdownReport } from '../../../exporters/reports/markdown.js';
import { createWorld } from '../runner/scripted-world.js';
import { scenarioFixture } from '../runner/scenario-fixture.js';

async function scriptedRecord(detector: 'first-bad-sample' | 'never'): Promise<RunRecord> {
  const clock = new FakeClock();
  const world = createWorld(clock, { errorRatioByVersion: { stable: 0, candidate: 0.3 }, detector });
  let record: RunRecord | undefined;
  const running = runDrill({
    scenario: scenarioFixture(),
    scenarioFile: 'x.yaml',
    adapters: world.adapters,
    clock,
    runId: 'r1',
    harnessVersion: 't',
  }).then((r) => (record = r));
  while (!record) await clock.advance(1000);
  await running;
  return record;
}

describe('markdown postmortem', () => {
  it('has summary, measurements against objectives, SLI windows, timeline and no follow-ups for a passed run', async () => {
    const md = renderMarkdownReport(await scriptedRecord('first-bad-sample'));
    expect(md).toContain('# Rollback drill: scripted-drill — PASSED');
    expect(md).toMatch(/\| Time to detect \| 1s \| ≤ 30s \| ✅ met \|/);
    expect(md).toContain('| Baseline (');
    expect(md).toContain('| After rollback (');
    expect(md).toContain('**Delta after − baseline**');
    expect(md).toContain('| fault | fault in effect: deploy candidate over stable');
    expect(md).toContain('Nothing failed');
  });

  it('names each missed objective with a follow-up when detection never happened', async () => {
    const md = renderMarkdownReport(await scriptedRecord('never'));
    expect(md).toContain('— FAILED');
    expect(md).toMatch(/\| Time to detect \| — \| ≤ 30s \| ❌ missed \|/);
    expect(md).toContain('timeToDetectSeconds was not measured (objective 30s)');
    expect(md).toContain('Check the alert path end to end');
  });
});
