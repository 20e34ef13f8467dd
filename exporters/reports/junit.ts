/**
 * JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one <testsuite> per drill,
 * one <testcase> per objective plus one for the rollback itself. Test names are stable across runs
 * (the objective's target is in the message, not the name) so CI can track a case over time.
 *
 * - an objective missed, or not measured in a drill that ran to the end → <failure>;
 * - a drill that was aborted or interrupted → the rollback case is an <error>, and objectives it
 *   never reached are <skipped> (one error says what happened; four failures would not).
 */
import type { MeasurementName, ObjectiveRecord, RunRecord } from '../../harness/store/run-record.js';
import { seconds } from './format.js';
import { escapeXml as x } from './html-escape.js';

const CASE_NAMES: Record<MeasurementName, string> = {
  timeToDetectSeconds: 'time to detect',
  timeToDecideSeconds: 'time to decide',
  timeToRollbackSeconds: 'time to roll back',
  timeToRecoverSeconds: 'time to recover',
};

export const ROLLBACK_CASE_NAME = 'rollback restores service';

type Outcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failure' | 'error' | 'skipped'; readonly type: string; readonly message: string };

interface TestCase {
  readonly name: string;
  readonly timeSeconds: number;
  readonly outcome: Outcome;
  readonly detail: string;
}

export function renderJunit(records: readonly RunRecord[]): string {
  const suites = records.map((record, index) => suite(record, index));
  const total = (key: keyof SuiteCounts): number => suites.reduce((sum, s) => sum + s.counts[key], 0);
  const time = records.reduce((sum, r) => sum + r.durationSeconds, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rollback-drill" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}" time="${secondsAttr(time)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

interface SuiteCounts {
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function suite(record: RunRecord, index: number): { xml: string; counts: SuiteCounts } {
  const cases = testCases(record);
  const counts = {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome.kind === 'failure').length,
    errors: cases.filter((c) => c.outcome.kind === 'error').length,
    skipped: cases.filter((c) => c.outcome.kind === 'skipped').length,
  };
  const classname = `rollback-drill.${record.scenario.name}`;
  const properties: [string, string][] = [
    ['runId', record.runId],
    ['service', record.scenario.service],
    ['environment', record.scenario.environment],
    ['team', record.scenario.team],
    ['result', record.result],
    ['reason', record.reason],
    ['fault', `${record.fault.kind}: ${record.fault.summary}`],
    ['versionAfterRun', record.target.versionAfterRun ?? 'unknown'],
  ];
  const lines = [
    `  <testsuite name="${x(record.scenario.name)}" id="${index}" timestamp="${x(record.startedAt)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${secondsAttr(record.durationSeconds)}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${x(name)}" value="${x(value)}"/>`),
    '    </properties>',
  ];
  for (const testCase of cases) {
    const open = `    <testcase classname="${x(classname)}" name="${x(testCase.name)}" time="${secondsAttr(testCase.timeSeconds)}"`;
    const { outcome } = testCase;
    if (outcome.kind === 'passed') {
      lines.push(`${open}>`, `      <system-out>${x(testCase.detail)}</system-out>`, '    </testcase>');
      continue;
    }
    const attributes = `message="${x(outcome.message)}" type="${x(outcome.type)}"`;
    lines.push(
      `${open}>`,
      outcome.kind === 'skipped'
        ? `      <skipped ${attributes}/>`
        : `      <${outcome.kind} ${attributes}>${x(testCase.detail)}</${outcome.kind}>`,
      '    </testcase>',
    );
  }
  lines.push(
    `    <system-out>${x(`${record.result.toUpperCase()}: ${record.reason}`)}</system-out>`,
    '  </testsuite>',
  );
  return { xml: lines.join('\n'), counts };
}

function testCases(record: RunRecord): TestCase[] {
  const stopped = record.result === 'aborted' || record.result === 'interrupted';
  const cases = record.objectives.map((objective) => objectiveCase(record, objective, stopped));
  const m = record.measurements;
  let outcome: Outcome;
  if (stopped)
    outcome = {
      kind: 'error',
      type: record.result,
      message: `the drill was ${record.result}: ${record.reason}`,
    };
  else if (!m.rollbackSucceeded)
    outcome = {
      kind: 'failure',
      type: 'rollback-failed',
      message: `the rollback did not restore service: ${m.rollbackFailureReason ?? 'unknown reason'}`,
    };
  else outcome = { kind: 'passed' };
  cases.push({
    name: ROLLBACK_CASE_NAME,
    timeSeconds: m.timeToRollbackSeconds ?? 0,
    outcome,
    detail: `version serving after the run: ${record.target.versionAfterRun ?? 'unknown'} (stable ${record.target.stableVersion}); ${m.impact.failedRequests} of ${m.impact.requests} requests failed`,
  });
  return cases;
}

function objectiveCase(record: RunRecord, objective: ObjectiveRecord, stopped: boolean): TestCase {
  const name = CASE_NAMES[objective.measurement];
  const observation = record.measurements.observations[objective.measurement];
  const target = seconds(objective.targetSeconds);
  const actual = seconds(objective.actualSeconds, observation?.resolutionSeconds);
  const detail = `${name}: ${actual} (objective ≤ ${target})${observation ? `; observed by ${observation.method}, ±${observation.resolutionSeconds} s` : ''}`;
  const base = { name, timeSeconds: objective.actualSeconds ?? 0, detail };
  if (objective.met) return { ...base, outcome: { kind: 'passed' } };
  if (objective.actualSeconds === null)
    return {
      ...base,
      outcome: stopped
        ? {
            kind: 'skipped',
            type: 'not-measured',
            message: `not measured: the drill was ${record.result} first`,
          }
        : {
            kind: 'failure',
            type: 'not-measured',
            message: `${name} was not measured (objective ≤ ${target})`,
          },
    };
  return {
    ...base,
    outcome: {
      kind: 'failure',
      type: 'objective-missed',
      message: `${name} ${actual} missed its objective of ${target}`,
    },
  };
}

/** JUnit times are seconds with a dot; three decimals is the millisecond the clock has. */
function secondsAttr(value: number): string {
  return (+value.toFixed(3)).toString();
}
