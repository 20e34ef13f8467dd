/**
 * The game day's own logic, with the drill runner replaced by a scripted one: order and parallelism,
 * continueOnFailure, an interrupt, the overall result, the preflight that stops a game day before any
 * drill when an adapter cannot be created, and the combined report written from the records.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/core/errors.js';
import { loadGamedayFile } from '../../../harness/gameday/load.js';
import type { GamedayPlan } from '../../../harness/gameday/model.js';
import { saveGamedayReport } from '../../../harness/gameday/report.js';
import { runGameday } from '../../../harness/gameday/run-gameday.js';
import type { ScenarioDrillOptions, ScenarioDrillResult } from '../../../harness/gameday/run-scenario.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gameday-run-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Result = 'passed' | 'failed' | 'aborted';

/** A drill runner that takes `ms` of real time and ends as scripted; logs starts and ends in order. */
function scripted(results: Record<string, Result>, events: string[], ms = 50) {
  return async (options: ScenarioDrillOptions): Promise<ScenarioDrillResult> => {
    const name = options.scenario.metadata.name;
    events.push(`start ${name}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    events.push(`end ${name}`);
    const result = options.signal?.aborted ? 'aborted' : (results[name] ?? 'passed');
    const base = result === 'failed' ? makeFailedRollbackRecord() : makeRunRecord();
    const record = { ...base, runId: `run-${name}`, result, scenario: { ...base.scenario, name } };
    const folder = join(out, record.runId);
    return {
      record,
      saved: { folder, recordPath: join(folder, 'run.json'), reportPath: join(folder, 'report.md') },
      exportSummary: [],
    };
  };
}

async function demoPlan(overrides: Partial<GamedayPlan> = {}): Promise<GamedayPlan> {
  return { ...(await loadGamedayFile(join(REPO, 'scenarios/gameday-demo.yaml'))), ...overrides };
}

describe('running a game day', () => {
  it('runs the steps in order and a parallel group side by side; all passed → passed', async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const outcome = await runGameday(await demoPlan(), {
      out,
      log: (l) => lines.push(l),
      runScenario: scripted({}, events),
    });
    expect(events.slice(0, 2)).toEqual(['start demo-latency-release', 'end demo-latency-release']);
    // Both drills of the group start before either ends.
    expect(events.slice(2, 4).sort()).toEqual(['start demo-bad-release', 'start demo-crashing-release']);
    expect(outcome.result).toBe('passed');
    expect(outcome.drills.map((d) => [d.step, d.scenarioName, d.status])).toEqual([
      [1, 'demo-latency-release', 'ran'],
      [2, 'demo-bad-release', 'ran'],
      [2, 'demo-crashing-release', 'ran'],
    ]);
    expect(lines).toContain('step 2: 2 drills in parallel: demo-bad-release, demo-crashing-release');
    expect(lines).toContain('[demo-latency-release] PASSED: ' + makeRunRecord().reason);
  });

  it('a failed drill fails the game day; with continueOnFailure false the rest does not run', async () => {
    const events: string[] = [];
    const outcome = await runGameday(await demoPlan({ continueOnFailure: false }), {
      out,
      log: () => undefined,
      runScenario: scripted({ 'demo-latency-release': 'failed' }, events),
    });
    expect(events).toEqual(['start demo-latency-release', 'end demo-latency-release']);
    expect(outcome.result).toBe('failed');
    expect(outcome.drills.map((d) => [d.scenarioName, d.status, d.reason ?? ''])).toEqual([
      ['demo-latency-release', 'ran', ''],
      ['demo-bad-release', 'not run', 'demo-latency-release failed and continueOnFailure is false'],
      ['demo-crashing-release', 'not run', 'demo-latency-release failed and continueOnFailure is false'],
    ]);
  });

  it('an interrupt aborts the running drills and runs no more; the game day is aborted', async () => {
    const interrupt = new AbortController();
    const events: string[] = [];
    const running = runGameday(await demoPlan(), {
      out,
      signal: interrupt.signal,
      log: () => undefined,
      runScenario: scripted({}, events, 300),
    });
    setTimeout(() => interrupt.abort(new Error('interrupted by SIGINT')), 100);
    const outcome = await running;
    expect(events).toEqual(['start demo-latency-release', 'end demo-latency-release']);
    expect(outcome.result).toBe('aborted');
    expect(outcome.drills.map((d) => d.record?.result ?? d.status)).toEqual([
      'aborted',
      'not run',
      'not run',
    ]);
  });

  it('a drill that cannot be created stops the game day before any drill runs', async () => {
    const plan = await demoPlan();
    const first = plan.steps[0]?.[0];
    if (!first) throw new Error('the demo game day has no first drill');
    const k6Drill = {
      ...first,
      ref: 'k6-drill.yaml',
      scenario: {
        ...first.scenario,
        traffic: {
          type: 'k6' as const,
          executor: 'constant-arrival-rate' as const,
          rate: 10,
          startRate: 0,
          timeout: 2000,
          requests: [{ method: 'GET' as const, path: '/', weight: 1 }],
          seed: 1,
          binary: 'k6-not-installed-here',
        },
      },
    };
    const events: string[] = [];
    const attempt = runGameday(
      { ...plan, steps: [...plan.steps, [k6Drill]] },
      { out, log: () => undefined, runScenario: scripted({}, events) },
    );
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(
      /^k6-drill\.yaml: traffic\.type k6: the k6 program "k6-not-installed-here" was not found/,
    );
    expect(events).toEqual([]);
  });

  it('writes one combined report of every drill, with what did not run', async () => {
    const plan = await demoPlan({ continueOnFailure: false });
    const outcome = await runGameday(plan, {
      out,
      log: () => undefined,
      runScenario: scripted({ 'demo-latency-release': 'failed' }, []),
    });
    const saved = await saveGamedayReport(out, plan, outcome);
    const markdown = readFileSync(saved.markdownPath, 'utf8');
    expect(markdown).toMatch(
      /^# Game day report\n\n> Game day \*\*demo-gameday\*\* — The demo shop's three bad releases, detected and rolled back\. \(`scenarios\/gameday-demo\.yaml`\): \*\*FAILED\*\*, 1 of 3 drills ran\./,
    );
    expect(markdown).toContain(
      '| 2 | demo-bad-release | `demo-bad-release.yaml` | not run: demo-latency-release failed and continueOnFailure is false |',
    );
    expect(readFileSync(saved.htmlPath, 'utf8')).toMatch(/<html/i);
    const index = JSON.parse(readFileSync(saved.indexPath, 'utf8')) as {
      apiVersion: string;
      result: string;
      drills: { runId: string | null }[];
    };
    expect(index.apiVersion).toBe('rollback-drill/gameday-result/v1');
    expect(index.result).toBe('failed');
    expect(index.drills.map((d) => d.runId)).toEqual(['run-demo-latency-release', null, null]);
  });
});
