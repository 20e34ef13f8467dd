/**
 * Every dashboard as the JSON file committed under dashboards/generated. Pure: the same sources
 * always give the same bytes, which is what the staleness test compares.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { executiveDashboard } from './executive.js';
import { onCallDashboard } from './on-call.js';
import { qualityDashboard } from './quality.js';

export const DASHBOARD_BUILDERS: readonly (() => DashboardBuilder)[] = [
  executiveDashboard,
  onCallDashboard,
  qualityDashboard,
];

export interface GeneratedFile {
  /** File name inside dashboards/generated, `<uid>.json`. */
  readonly name: string;
  readonly text: string;
}

export const REGENERATE_COMMAND = 'npm run gen:dashboards';

export function renderDashboards(): GeneratedFile[] {
  return DASHBOARD_BUILDERS.map((build) => {
    const dashboard = build().build();
    if (!dashboard.uid) throw new Error(`dashboard "${dashboard.title}" has no uid`);
    return { name: `${dashboard.uid}.json`, text: `${JSON.stringify(dashboard, null, 2)}\n` };
  });
}
