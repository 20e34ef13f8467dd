/**
 * The Prometheus rule files against their promises: every alert has a severity, summary,
 * description and a runbook that exists; thresholds equal the targets the dashboards draw; every
 * alert has promtool cases firing and not firing, and every recording rule a promtool expectation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from '../../../dashboards/src/generate.js';
import {
  NOT_DRILLED_AFTER_DAYS,
  PUSH_GROUP_STALE_AFTER_DAYS,
  ROLLBACK_SUCCESS_TARGET_RATIO,
} from '../../../dashboards/src/objectives.js';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface PromtoolTests {
  rule_files: string[];
  tests: {
    alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
    promql_expr_test?: { expr: string }[];
  }[];
}

const root = repositoryRoot();
const read = (...path: string[]): string => readFileSync(join(root, ...path), 'utf8');
const rulesIn = (file: string): Rule[] =>
  (parse(read('dashboards', 'prometheus', file)) as RuleFile).groups.flatMap((g) => g.rules);

const ALERTS = rulesIn('alerts.rules.yml');
const RECORDINGS = rulesIn('recording.rules.yml');
const ALERT_TESTS = ['alerts.test.yml', 'alerts-days.test.yml'].map(
  (file) => parse(read('dashboards', 'prometheus', 'tests', file)) as PromtoolTests,
);
const RECORDING_TESTS = parse(
  read('dashboards', 'prometheus', 'tests', 'recording.test.yml'),
) as PromtoolTests;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      (m[1] ?? '')
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}

function alert(name: string): Rule {
  const found = ALERTS.find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
}

it('has the alerts the project promises', () => {
  expect(ALERTS.map((r) => r.alert)).toEqual([
    'RollbackDrillFailed',
    'RollbackDrillSuccessRateBelowTarget',
    'RollbackDrillTimeToRecoverAboveObjective',
    'RollbackDrillServiceNotDrilled',
    'RollbackDrillPushgatewayGroupStale',
    'RollbackDrillPushFailed',
  ]);
});

describe.each(ALERTS.map((r) => [r.alert ?? '', r] as const))('%s', (name, rule) => {
  it('has a severity, a summary, a description and a runbook in docs/runbooks.md', () => {
    expect(rule.labels?.['severity']).toBe('ticket');
    expect(rule.annotations?.['summary']?.length ?? 0).toBeGreaterThan(10);
    expect(rule.annotations?.['description']?.length ?? 0).toBeGreaterThan(40);
    const url = rule.annotations?.['runbook_url'] ?? '';
    expect(url).toBe(`docs/runbooks.md#${name.toLowerCase()}`);
    expect(anchors(read('docs', 'runbooks.md'))).toContain(name.toLowerCase());
  });

  it('has promtool cases where it fires and where it does not', () => {
    const cases = ALERT_TESTS.flatMap((file) => file.tests)
      .flatMap((t) => t.alert_rule_test ?? [])
      .filter((c) => c.alertname === name);
    expect(
      cases.some((c) => c.exp_alerts.length > 0),
      'a firing case',
    ).toBe(true);
    expect(
      cases.some((c) => c.exp_alerts.length === 0),
      'a not-firing case',
    ).toBe(true);
  });
});

it('uses the targets the dashboards draw', () => {
  expect(alert('RollbackDrillSuccessRateBelowTarget').expr).toContain(`< ${ROLLBACK_SUCCESS_TARGET_RATIO}`);
  expect(alert('RollbackDrillSuccessRateBelowTarget').annotations?.['description']).toContain(
    `target ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}%`,
  );
  expect(alert('RollbackDrillServiceNotDrilled').expr).toContain(`> ${NOT_DRILLED_AFTER_DAYS} * 86400`);
  expect(alert('RollbackDrillServiceNotDrilled').annotations?.['description']).toContain(
    `limit ${NOT_DRILLED_AFTER_DAYS} days`,
  );
  expect(alert('RollbackDrillPushgatewayGroupStale').expr).toContain(
    `> ${PUSH_GROUP_STALE_AFTER_DAYS} * 86400`,
  );
  expect(alert('RollbackDrillPushgatewayGroupStale').annotations?.['description']).toContain(
    `limit ${PUSH_GROUP_STALE_AFTER_DAYS} days`,
  );
});

it('has a promtool expectation for every recording rule, and alerts use only rules that exist', () => {
  const tested = RECORDING_TESTS.tests.flatMap((t) => t.promql_expr_test ?? []).map((c) => c.expr);
  const names = RECORDINGS.map((r) => r.record ?? '');
  for (const name of names)
    expect(
      tested.some((expr) => expr.startsWith(name)),
      name,
    ).toBe(true);
  for (const rule of ALERTS)
    for (const used of rule.expr.match(/\b\w+:\w+:\w+\b/g) ?? []) expect(names, rule.alert).toContain(used);
});

it('names recording rules level:metric:operations over rollback_drill metrics', () => {
  for (const rule of RECORDINGS) expect(rule.record).toMatch(/^(scenario|service):rollback_drill_\w+:\w+$/);
});
