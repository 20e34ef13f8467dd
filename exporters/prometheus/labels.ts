/**
 * The labels every drill metric carries. They come from the scenario's metadata and the fault's
 * kind: a handful of stable values per scenario. Never a run id — one series per run would grow
 * without bound and break every `sum()` a dashboard does.
 */
import type { RunStartInfo } from '../../harness/runner/observer.js';
import type { RunRecord } from '../../harness/store/run-record.js';

export const DRILL_LABEL_NAMES = ['scenario', 'service', 'environment', 'team', 'fault_kind'] as const;
export type DrillLabelName = (typeof DRILL_LABEL_NAMES)[number];
export type DrillLabels = Readonly<Record<DrillLabelName, string>>;

export function drillLabelsFromStart(info: RunStartInfo): DrillLabels {
  const { name, service, environment, team } = info.scenario.metadata;
  return { scenario: name, service, environment, team, fault_kind: info.fault.kind };
}

export function drillLabelsFromRecord(record: RunRecord): DrillLabels {
  const { name, service, environment, team } = record.scenario;
  return { scenario: name, service, environment, team, fault_kind: record.fault.kind };
}

/** A stable key for a label set, for maps of per-scenario state. */
export function drillLabelsKey(labels: DrillLabels): string {
  return DRILL_LABEL_NAMES.map((name) => `${name}=${labels[name]}`).join(',');
}
