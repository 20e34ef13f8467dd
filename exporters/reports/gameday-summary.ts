/**
 * What a game day of several drills adds up to: results, rollback success, and per scenario the
 * median of each measured time. Pure; both the markdown and the HTML game-day reports render it.
 */
import { median } from '../../harness/dora/drills.js';
import type { MeasurementName, RunRecord } from '../../harness/store/run-record.js';
import { followUps, type FollowUp } from './follow-ups.js';

export const GAMEDAY_MEASUREMENTS: readonly MeasurementName[] = [
  'timeToDetectSeconds',
  'timeToDecideSeconds',
  'timeToRollbackSeconds',
  'timeToRecoverSeconds',
];

export interface ScenarioSummary {
  readonly scenario: string;
  readonly service: string;
  readonly runs: number;
  readonly passed: number;
  /** Median over the runs that measured it; null when none did. */
  readonly medians: Readonly<Record<MeasurementName, number | null>>;
}

export interface GamedaySummary {
  /** Sorted by start time. */
  readonly records: readonly RunRecord[];
  readonly firstStartedAt: string | null;
  readonly lastEndedAt: string | null;
  readonly results: Readonly<Record<RunRecord['result'], number>>;
  /** Drills in which a rollback was attempted, and how many restored service. */
  readonly rollbacksAttempted: number;
  readonly rollbacksSucceeded: number;
  readonly objectivesMet: number;
  readonly objectivesTotal: number;
  readonly scenarios: readonly ScenarioSummary[];
  readonly followUps: readonly {
    readonly runId: string;
    readonly scenario: string;
    readonly item: FollowUp;
  }[];
}

export function summarizeGameday(input: readonly RunRecord[]): GamedaySummary {
  const records = [...input].sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId),
  );
  const results = { passed: 0, failed: 0, aborted: 0, interrupted: 0 };
  for (const record of records) results[record.result] += 1;
  const attempted = records.filter((r) => r.timeline.some((e) => e.type === 'rollback.started'));
  const byScenario = new Map<string, RunRecord[]>();
  for (const record of records)
    byScenario.set(record.scenario.name, [...(byScenario.get(record.scenario.name) ?? []), record]);
  const scenarios = [...byScenario.entries()].map(([scenario, runs]): ScenarioSummary => {
    const medians = Object.fromEntries(
      GAMEDAY_MEASUREMENTS.map((name) => [
        name,
        median(runs.flatMap((r) => (r.measurements[name] === null ? [] : [r.measurements[name] as number]))),
      ]),
    ) as Record<MeasurementName, number | null>;
    return {
      scenario,
      service: runs[0]?.scenario.service ?? '',
      runs: runs.length,
      passed: runs.filter((r) => r.result === 'passed').length,
      medians,
    };
  });
  const objectives = records.flatMap((r) => r.objectives);
  return {
    records,
    firstStartedAt: records[0]?.startedAt ?? null,
    lastEndedAt: records.reduce<string | null>(
      (last, r) => (last === null || r.endedAt > last ? r.endedAt : last),
      null,
    ),
    results,
    rollbacksAttempted: attempted.length,
    rollbacksSucceeded: attempted.filter((r) => r.measurements.rollbackSucceeded).length,
    objectivesMet: objectives.filter((o) => o.met).length,
    objectivesTotal: objectives.length,
    scenarios,
    followUps: records.flatMap((r) =>
      followUps(r).map((item) => ({ runId: r.runId, scenario: r.scenario.name, item })),
    ),
  };
}

/** "5 drills: 3 passed, 1 failed, 1 aborted". */
export function gamedayHeadline(summary: GamedaySummary): string {
  const r = summary.results;
  const parts = [`${r.passed} passed`, `${r.failed} failed`];
  if (r.aborted) parts.push(`${r.aborted} aborted`);
  if (r.interrupted) parts.push(`${r.interrupted} interrupted`);
  return `${summary.records.length} drill${summary.records.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
