/**
 * Quiet traffic never rolls back by itself: a whole drill (scripted world, fake clock) whose
 * traffic stays below a windowed detector's minimum count — even with every request failing —
 * ends without a detection, a decision or a rollback phase, and says "no data" while it waits.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { runDrill } from '../../../harness/runner/run-drill.js';
import { detectionConfig } from '../../../harness/scenario/schema/detection.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { createWorld } from '../runner/scripted-world.js';
import { scenarioFixture } from '../runner/scenario-fixture.js';

async function quietDrill(
  detection: Record<string, unknown>,
): Promise<{ record: RunRecord; logs: string[] }> {
  const clock = new FakeClock();
  // 2 requests a second; after the fault every one of them fails.
  const world = createWorld(clock, {
    errorRatioByVersion: { stable: 0, candidate: 1 },
    requestsPerSecond: 2,
  });
  const config = detectionConfig.parse(detection);
  const scenario = scenarioFixture({
    detection: config,
    // The baseline's SLO check needs no minimum; keep it short so the drill reaches the fault.
    phases: { ...scenarioFixture().phases, detection: { timeout: 60_000 } },
  });
  const logs: string[] = [];
  let record: RunRecord | undefined;
  const running = runDrill({
    scenario,
    scenarioFile: 'quiet.yaml',
    adapters: { ...world.adapters, detector: createDetector(config) },
    clock,
    runId: 'quiet-1',
    harnessVersion: 'test',
    log: (line) => logs.push(line),
  }).then((r) => (record = r));
  for (let steps = 0; !record && steps < 5_000; steps++) await clock.advance(100);
  await running;
  if (!record) throw new Error('drill did not finish');
  return { record, logs };
}

describe('traffic below the minimum count (whole drill)', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['threshold', { type: 'threshold', window: '5s', minRequests: 20 }],
    ['burn-rate', { type: 'burn-rate', minRequests: 100 }],
    ['argo-style', { type: 'argo-style', interval: '5s', scrapeInterval: '0s', minRequests: 200 }],
  ];
  it.each(cases)(
    '%s: no detection, no decision, no rollback phase; "no data" is reported',
    async (kind, detection) => {
      const { record, logs } = await quietDrill(detection);
      expect(record.detector).toMatchObject({ kind, fired: false, reason: null });
      expect(record.decision.decidedBy).toBeNull();
      const types = record.timeline.map((event) => event.type);
      expect(types).toContain('fault.injected');
      expect(types).not.toContain('detected');
      expect(types).not.toContain('decided');
      expect(types).not.toContain('rollback.started');
      expect(record.failures[0]).toBe('not detected within 1m');
      expect(record.result).toBe('failed');
      // Every request failed: the quiet stretch was seen and reported, never evaluated.
      expect(record.windows.fault?.errorRatio).toBe(1);
      expect(logs.some((line) => line.startsWith(`${kind}: no data`))).toBe(true);
    },
  );
});
