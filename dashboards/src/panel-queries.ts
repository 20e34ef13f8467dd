/**
 * Every query a generated dashboard would send to Prometheus — panel targets, annotations and
 * template-variable queries — and Grafana's variable interpolation, so a test can run them all
 * against a real Prometheus without a Grafana server. Pure: reads dashboard JSON, returns strings.
 */

export interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly panels?: readonly PanelJson[];
  readonly annotations?: { readonly list?: readonly AnnotationJson[] };
  readonly templating?: { readonly list?: readonly VariableJson[] };
}

export interface PanelJson {
  readonly id: number;
  readonly type: string;
  readonly title?: string;
  readonly interval?: string;
  readonly targets?: readonly TargetJson[];
  /** A collapsed row keeps its panels here. */
  readonly panels?: readonly PanelJson[];
}

export interface TargetJson {
  readonly refId?: string;
  readonly expr?: string;
  readonly instant?: boolean;
  readonly range?: boolean;
}

export interface AnnotationJson {
  readonly name: string;
  readonly expr?: string;
}

export interface VariableJson {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
}

export interface DashboardQuery {
  readonly dashboard: string;
  /** Where the query lives, for failure messages: `panel 7 "Title" query A`, `annotation "Drill phases"`. */
  readonly where: string;
  readonly expr: string;
  /** Stat, table and bar gauge targets are instant; time series targets and annotations are ranges. */
  readonly kind: 'instant' | 'range';
}

/** Panels at the top level and inside collapsed rows. */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export function panelQueries(dashboard: DashboardJson): DashboardQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      if (!target.expr) throw new Error(`${dashboard.uid}: panel ${panel.id} has a target without expr`);
      return {
        dashboard: dashboard.uid,
        where: `panel ${panel.id} "${panel.title ?? ''}" query ${target.refId ?? '?'}`,
        expr: target.expr,
        kind: target.instant && !target.range ? ('instant' as const) : ('range' as const),
      };
    }),
  );
}

export function annotationQueries(dashboard: DashboardJson): DashboardQuery[] {
  return (dashboard.annotations?.list ?? [])
    .filter((annotation) => annotation.expr)
    .map((annotation) => ({
      dashboard: dashboard.uid,
      where: `annotation "${annotation.name}"`,
      expr: annotation.expr ?? '',
      kind: 'range' as const,
    }));
}

export interface LabelValuesQuery {
  readonly dashboard: string;
  readonly variable: string;
  /** The series selector, e.g. `rollback_drill_runs_total{environment=~"$environment"}`. */
  readonly match: string;
  readonly label: string;
}

/** Query variables of the form `label_values(selector, label)` (Grafana's Prometheus variable query). */
export function variableQueries(dashboard: DashboardJson): LabelValuesQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : '';
      const parsed = /^label_values\((.+),\s*(\w+)\)$/.exec(query.trim());
      if (!parsed?.[1] || !parsed[2])
        throw new Error(
          `${dashboard.uid}: variable ${variable.name} is not label_values(selector, label): ${query}`,
        );
      return { dashboard: dashboard.uid, variable: variable.name, match: parsed[1].trim(), label: parsed[2] };
    });
}

export interface Interpolation {
  /** Template variable values, already in PromQL regex form (`.*` for All). */
  readonly variables: Readonly<Record<string, string>>;
  /** The dashboard time range, for `$__range`. */
  readonly rangeSeconds: number;
  /** The step of a range query, for `$__interval`. */
  readonly intervalSeconds: number;
  /** The data source's scrape interval, for `$__rate_interval`. */
  readonly scrapeIntervalSeconds: number;
}

/** Grafana's built-in range variables this project's dashboards use. */
export const BUILTIN_VARIABLES = ['__range', '__interval', '__rate_interval'] as const;

/**
 * Replaces variables the way Grafana does before it sends a query: `$__rate_interval` is
 * max(`$__interval` + scrape interval, 4 × scrape interval). Throws on a variable it does not know,
 * so a typo in a dashboard fails the test instead of querying for a literal `$servce`.
 */
export function interpolate(expr: string, values: Interpolation): string {
  const builtins: Record<(typeof BUILTIN_VARIABLES)[number], number> = {
    __range: values.rangeSeconds,
    __interval: values.intervalSeconds,
    __rate_interval: Math.max(
      values.intervalSeconds + values.scrapeIntervalSeconds,
      4 * values.scrapeIntervalSeconds,
    ),
  };
  return expr.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (match, braced: string | undefined, plain: string | undefined) => {
      const name = braced ?? plain ?? '';
      if (name in builtins) return `${Math.ceil(builtins[name as keyof typeof builtins])}s`;
      const value = values.variables[name];
      if (value === undefined) throw new Error(`unknown variable ${match} in ${expr}`);
      return value;
    },
  );
}

/** Names of the variables an expression uses (`$x` and `${x}`). */
export function variablesIn(expr: string): string[] {
  return [...expr.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => m[1] ?? m[2] ?? '');
}
