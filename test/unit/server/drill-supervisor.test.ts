/** The supervisor's edges: a drill that throws still frees its target; extra reports after the record. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrillMetrics } from '../../../exporters/index.js';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { DrillSupervisor, type DrillExecutor } from '../../../harness/server/drill-supervisor.js';
import { makeRunRecord, makeScenario } from '../../support/fixtures.js';

let runsDir: string;
beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'supervisor-'));
});
afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

function supervisor(
  execute: DrillExecutor,
  extra: Partial<ConstructorParameters<typeof DrillSupervisor>[0]> = {},
) {
  const logs: string[] = [];
  const finished: (string | undefined)[] = [];
  const instance = new DrillSupervisor({
    runsDir,
    clock: new FakeClock(),
    metrics: createDrillMetrics(),
    execute,
    log: (line) => logs.push(line),
    onFinished: (record) => finished.push(record?.result),
    ...extra,
  });
  return { instance, logs, finished };
}

describe('DrillSupervisor', () => {
  it('frees the target and logs why when a drill throws instead of returning a record', async () => {
    const { instance, logs, finished } = supervisor(() => {
      throw new Error('adapter exploded');
    });
    const scenario = makeScenario();
    const started = await instance.start(scenario, 'x.yaml', 'api');
    if (!started.started) throw new Error('expected a start');
    expect(await started.run.finished).toBeUndefined();
    expect(logs.join('\n')).toContain(
      `${started.run.runId}: the drill could not be run or recorded: adapter exploded`,
    );
    expect(finished).toEqual([undefined]);
    expect(instance.holderOf(scenario)).toBeUndefined();
    expect(instance.list()).toEqual([]);
    expect((await instance.start(scenario, 'x.yaml', 'api')).started).toBe(true);
  });

  it('names run ids from the clock, writes extra reports before run.json, logs their problems, and saves', async () => {
    const seen: string[] = [];
    const { instance, finished, logs } = supervisor(
      (launch) => Promise.resolve(makeRunRecord({ runId: launch.runId })),
      {
        writeExtraReports: (folder, record) => {
          seen.push(
            `${record.runId} folder=${folder === join(runsDir, record.runId)} run.json=${existsSync(join(folder, 'run.json'))}`,
          );
          return Promise.resolve({ problems: ['report.html was not written: disk full'] });
        },
      },
    );
    const started = await instance.start(makeScenario(), 'x.yaml', 'schedule');
    if (!started.started) throw new Error('expected a start');
    // FakeClock wall time starts at 2026-11-22T06:00:00Z
    expect(started.run.runId).toMatch(/^20261122T060000Z-checkout-bad-release-[0-9a-f]{4}$/);
    expect(started.run.origin).toBe('schedule');
    const record = await started.run.finished;
    expect(record?.result).toBe('passed');
    expect(seen).toEqual([`${started.run.runId} folder=true run.json=false`]);
    expect(existsSync(join(runsDir, started.run.runId, 'run.json'))).toBe(true);
    expect(logs).toContain(`${started.run.runId}: report.html was not written: disk full`);
    expect(finished).toEqual(['passed']);
  });

  it('keeps the record when writing extra reports throws', async () => {
    const { instance, logs } = supervisor(
      (launch) => Promise.resolve(makeRunRecord({ runId: launch.runId })),
      {
        writeExtraReports: () => Promise.reject(new Error('renderer crashed')),
      },
    );
    const started = await instance.start(makeScenario(), 'x.yaml', 'api');
    if (!started.started) throw new Error('expected a start');
    expect((await started.run.finished)?.result).toBe('passed');
    expect(existsSync(join(runsDir, started.run.runId, 'run.json'))).toBe(true);
    expect(logs).toContain(`${started.run.runId}: extra reports not written: renderer crashed`);
  });

  it('reports an abort for a run it does not know as false', () => {
    const { instance } = supervisor(() => Promise.reject(new Error('unused')));
    expect(instance.abort('20261122T060000Z-nothing-0000', 'x')).toBe(false);
  });
});
