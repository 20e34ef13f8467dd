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

/**
 * What `rollback_drill_info` adds to the scenario labels: how the scenario is drilled. Kept off the
 * other series (one info series per scenario, joined in PromQL) so changing a detector does not
 * split every counter and histogram of the scenario in two.
 */
export const INFO_LABEL_NAMES = ['target_type', 'detector', 'decision'] as const;
export type InfoLabels = Readonly<Record<(typeof INFO_LABEL_NAMES)[number], string>>;

/** From the scenario's `type:` fields, before any adapter has described itself. */
export function infoLabelsFromStart(info: RunStartInfo): InfoLabels {
  const { target, detection, decision } = info.scenario;
  return { target_type: target.type, detector: detection.type, decision: decision.type };
}

/** From the adapters' own `kind`s, as the run record holds them (the same names for built-in adapters). */
export function infoLabelsFromRecord(record: RunRecord): InfoLabels {
  return { target_type: record.target.kind, detector: record.detector.kind, decision: record.decision.kind };
}
