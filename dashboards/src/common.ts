/**
 * What every rollback-drill dashboard shares: the data source and template variables, the label
 * selector every query carries, query and threshold helpers, and how objective lines are drawn.
 * The metric names are those of exporters/prometheus (docs/metrics.md); nothing here renames them.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type DynamicConfigValue,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DataqueryBuilder,
  PromQueryFormat,
  QueryEditorMode,
} from '@grafana/grafana-foundation-sdk/prometheus';

/** Every panel and query uses the data source the `datasource` variable picks. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** The template variables every drill series can be filtered by (labels of every rollback_drill_* series). */
export const FILTER_VARIABLES = ['environment', 'service', 'scenario'] as const;

/** The four measurements, as the `measurement` / `objective` label values and panel titles. */
export const MEASUREMENTS = [
  ['time_to_detect', 'Time to detect', 'fault in effect → detection'],
  ['time_to_decide', 'Time to decide', 'detection → decision to roll back'],
  ['time_to_rollback', 'Time to roll back', 'decision → stable version serving and healthy'],
  ['time_to_recover', 'Time to recover', 'fault in effect → SLIs back inside the SLO (sustained)'],
] as const;

/** The labels every drill series carries; a join onto `rollback_drill_info` matches on all of them. */
export const SCENARIO_LABELS = ['scenario', 'service', 'environment', 'team', 'fault_kind'] as const;

/**
 * Series that exist only while a drill runs (the live `/metrics` of `rollback-drill run`, or the
 * serve daemon): the Pushgateway never holds them, so their panels are empty for pushed drills.
 */
export const LIVE_METRICS = [
  'rollback_drill_live_requests_per_second',
  'rollback_drill_live_error_ratio',
  'rollback_drill_live_latency_seconds',
] as const;

/** The selector that applies the template variables; every panel query carries it. */
export const DRILL_FILTER = FILTER_VARIABLES.map((name) => `${name}=~"$${name}"`).join(', ');

/** `{outcome="succeeded", environment=~"$environment", …}`: extra matchers first, then the filter. */
export function drill(...matchers: string[]): string {
  return `{${[...matchers, DRILL_FILTER].join(', ')}}`;
}

/** A counter's growth over `window` for the selected drills, summed by `by` (nothing: one total). */
export function increaseBy(
  by: readonly string[],
  metric: string,
  window: string,
  ...matchers: string[]
): string {
  const grouping = by.length ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (increase(${metric}${drill(...matchers)}[${window}]))`;
}

/**
 * Share of rollbacks that succeeded over `window`, by `by`. Groups without a rollback in the window
 * are left out (`> 0` on the denominator) instead of showing 0/0 = NaN.
 */
export function rollbackSuccessRatio(by: readonly string[], window: string): string {
  const metric = 'rollback_drill_rollbacks_total';
  return `${increaseBy(by, metric, window, 'outcome="succeeded"')}\n/\n(${increaseBy(by, metric, window)} > 0)`;
}

/** The `q`-quantile of a drill measurement histogram over `window`, by `by` (plus `le`). */
export function measurementQuantile(
  q: number,
  by: readonly string[],
  histogram: string,
  window: string,
): string {
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (increase(${histogram}_bucket${drill()}[${window}])))`;
}

/**
 * One `rollback_drill_info` series per scenario over `window`. `last_over_time` keeps the info of a
 * one-off drill whose process has exited (its counters still count in `increase()`); `topk(1)`
 * keeps a single one where a scenario's info changed within the window or reached Prometheus twice
 * (pushed and scraped), which a `group_left` join would otherwise refuse.
 */
export function scenarioInfo(window: string): string {
  const by = SCENARIO_LABELS.join(', ');
  return `topk by (${by}) (1, last_over_time(rollback_drill_info${drill()}[${window}]))`;
}

/** `expr` (series with the scenario labels) with the info labels `labels` joined on; values unchanged. */
export function withInfo(expr: string, labels: readonly string[], window: string): string {
  return `${expr} * on (${SCENARIO_LABELS.join(', ')}) group_left (${labels.join(', ')}) ${scenarioInfo(window)}`;
}

/** Share of rollbacks that succeeded over `window` per value of an info label (target_type, detector). */
export function rollbackSuccessRatioByInfo(label: string, window: string): string {
  const metric = 'rollback_drill_rollbacks_total';
  const attempts = (...matchers: string[]): string =>
    `sum by (${label}) (${withInfo(`increase(${metric}${drill(...matchers)}[${window}])`, [label], window)})`;
  return `${attempts('outcome="succeeded"')}\n/\n(${attempts()} > 0)`;
}

/** The `q`-quantile of a measurement histogram over `window` per value of an info label. */
export function measurementQuantileByInfo(
  q: number,
  label: string,
  histogram: string,
  window: string,
): string {
  const buckets = withInfo(`increase(${histogram}_bucket${drill()}[${window}])`, [label], window);
  return `histogram_quantile(${q}, sum by (${label}, le) (${buckets}))`;
}

function templateVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** datasource, environment, service, scenario — each narrowed by the ones before it. */
export function drillVariables(): cog.Builder<VariableModel>[] {
  const series = 'rollback_drill_runs_total';
  return [
    new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
    templateVariable('environment', 'Environment', `label_values(${series}, environment)`),
    templateVariable('service', 'Service', `label_values(${series}{environment=~"$environment"}, service)`),
    templateVariable(
      'scenario',
      'Scenario',
      `label_values(${series}{environment=~"$environment", service=~"$service"}, scenario)`,
    ),
  ];
}

/** A query evaluated once at the end of the range (stat, table, bar gauge panels). */
export function instantQuery(refId: string, expr: string, legendFormat = '__auto'): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(DATASOURCE)
    .editorMode(QueryEditorMode.Code)
    .refId(refId)
    .expr(expr)
    .legendFormat(legendFormat)
    .instant();
}

/** An instant query whose series become table rows: one column per label. */
export function tableQuery(refId: string, expr: string): DataqueryBuilder {
  return instantQuery(refId, expr).format(PromQueryFormat.Table);
}

/** A query evaluated over the dashboard's time range (time series panels). */
export function rangeQuery(refId: string, expr: string, legendFormat = '__auto'): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(DATASOURCE)
    .editorMode(QueryEditorMode.Code)
    .refId(refId)
    .expr(expr)
    .legendFormat(legendFormat)
    .range();
}

export type Step = readonly [value: number | null, color: string];

/** Absolute thresholds; the first step's value is null (the base colour). */
export function thresholds(...steps: Step[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

/** Red below the target, green at or above it (success ratios). */
export function atLeast(target: number): ThresholdsConfigBuilder {
  return thresholds([null, 'red'], [target, 'green']);
}

/** Green below the limit, red at or above it (ages, counts of failures). */
export function below(limit: number): ThresholdsConfigBuilder {
  return thresholds([null, 'green'], [limit, 'red']);
}

/** How an objective or SLO series is drawn over what it bounds: a dashed red line, never a filled area. */
export const OBJECTIVE_LINE: DynamicConfigValue[] = [
  { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
  { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
  { id: 'custom.fillOpacity', value: 0 },
  { id: 'custom.lineWidth', value: 2 },
];

/** The error ratio the availability SLO allows (1 − target), per scenario: a threshold line. */
export function sloErrorRatio(): string {
  return `max by (scenario) (1 - rollback_drill_slo_availability_ratio${drill()})`;
}

/** The scenario's latency SLO for one percentile (`p95`), where it has one: a threshold line. */
export function sloLatency(percentile: string): string {
  return `max by (scenario) (rollback_drill_slo_latency_threshold_seconds${drill(`percentile="${percentile}"`)})`;
}

/** A row heading. Panels follow it at the top level, as Grafana stores an expanded row. */
export function row(id: number, title: string): RowBuilder {
  return new RowBuilder(title).id(id).collapsed(false);
}

export const DASHBOARD_TAG = 'rollback-drill';

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  /** The question the dashboard answers. */
  readonly description: string;
  /** Default time range, e.g. `now-30d`. */
  readonly from: string;
  readonly refresh: string;
}

/** A dashboard with the shared tag, a menu of the other drill dashboards, and the template variables. */
export function drillDashboard(spec: DashboardSpec): DashboardBuilder {
  return new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([DASHBOARD_TAG])
    .timezone('browser')
    .time({ from: spec.from, to: 'now' })
    .refresh(spec.refresh)
    .link(
      new DashboardLinkBuilder('Rollback drill dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .variables(drillVariables());
}
