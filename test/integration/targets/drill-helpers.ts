/**
 * Running a whole drill in the test process against a real staging-like system: the same runner,
 * adapters and clock as `rollback-drill run`, with phases shortened so a test takes ~30 s.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../../harness/core/clock.js';
import { createAdapters } from '../../../harness/runner/adapters.js';
import { runDrill } from '../../../harness/runner/run-drill.js';
import type { Scenario } from '../../../harness/scenario/model.js';
import { runRecordSchema, type RunRecord } from '../../../harness/store/run-record.js';

export function shortenPhases(scenario: Scenario): Scenario {
  return {
    ...scenario,
    phases: {
      ...scenario.phases,
      baseline: { duration: 5_000 },
      verify: { window: 10_000, sustain: 3_000 },
    },
  };
}

export async function runDrillHere(
  scenario: Scenario,
): Promise<{ record: RunRecord; log: string[]; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'drill-run-'));
  const log: string[] = [];
  const record = await runDrill({
    scenario,
    scenarioFile: null,
    adapters: createAdapters(scenario),
    clock: new SystemClock(),
    runId: `test-${scenario.metadata.name}`,
    harnessVersion: 'test',
    runFolder: folder,
    log: (line) => log.push(line),
  });
  // The record must be what run.json would hold.
  return { record: runRecordSchema.parse(JSON.parse(JSON.stringify(record))), log, folder };
}

export function eventAt(record: RunRecord, type: RunRecord['timeline'][number]['type']): number {
  const event = record.timeline.find((e) => e.type === type);
  if (!event) throw new Error(`no ${type} event in the timeline: ${record.reason}`);
  return Date.parse(event.at);
}

export function eventData(
  record: RunRecord,
  type: RunRecord['timeline'][number]['type'],
): Record<string, unknown> {
  return record.timeline.find((e) => e.type === type)?.data ?? {};
}

/** Pids of live processes whose working directory is `folder` (the app a deploy root runs). */
export function processesIn(folder: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, 'latin1'))) continue;
      if (readlinkSync(`/proc/${entry}/cwd`) === folder) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
