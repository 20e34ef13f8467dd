/**
 * What every generated dashboard must hold to: explicit panel ids and refIds, the data source
 * variable everywhere, the four template variables applied by every query, units, thresholds at
 * the targets, objective lines, and a grid without overlaps.
 */
import { describe, expect, it } from 'vitest';
import {
  FILTER_VARIABLES,
  LIVE_METRICS,
  OBJECTIVE_LINE,
  SCENARIO_LABELS,
} from '../../../dashboards/src/common.js';
import { LIVE_METRIC_NAMES } from '../../../exporters/prometheus/drill-metrics.js';
import { DRILL_LABEL_NAMES } from '../../../exporters/prometheus/labels.js';
import {
  DAY_SECONDS,
  NOT_DRILLED_AFTER_DAYS,
  ROLLBACK_SUCCESS_TARGET_RATIO,
} from '../../../dashboards/src/objectives.js';
import {
  BUILTIN_VARIABLES,
  allPanels,
  annotationQueries,
  panelQueries,
  variablesIn,
} from '../../../dashboards/src/panel-queries.js';
import { renderDashboards } from '../../../dashboards/src/render.js';

interface Threshold {
  value: number | null;
  color: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: {
    refId?: string;
    expr: string;
    instant?: boolean;
    range?: boolean;
    datasource?: { uid: string };
  }[];
  fieldConfig?: {
    defaults: { unit?: string; thresholds?: { mode: string; steps: Threshold[] } };
    overrides: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
  };
}
interface Variable {
  name: string;
  type: string;
  query?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  datasource?: { uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  panels: Panel[];
  templating: { list: Variable[] };
  annotations?: {
    list: { name: string; expr?: string; useValueForTime?: boolean; datasource?: { uid: string } }[];
  };
}

const DASHBOARDS = renderDashboards().map((file) => JSON.parse(file.text) as Dashboard);
const DATASOURCE_UID = '${datasource}';
const INSTANT_PANELS = ['stat', 'table', 'bargauge'];

function dataPanels(dashboard: Dashboard): Panel[] {
  return (allPanels(dashboard) as unknown as Panel[]).filter((p) => p.type !== 'row');
}

function stepValues(panel: Panel): (number | null)[] {
  return panel.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value) ?? [];
}

it('generates the executive, on-call and quality dashboards with distinct uids', () => {
  expect(DASHBOARDS.map((d) => d.uid)).toEqual([
    'rollback-drill-executive',
    'rollback-drill-on-call',
    'rollback-drill-quality',
  ]);
  for (const d of DASHBOARDS) expect(d.tags).toContain('rollback-drill');
});

describe.each(DASHBOARDS.map((d) => [d.uid, d] as const))('%s', (_uid, dashboard) => {
  it('has the datasource, environment, service and scenario variables, each allowing All', () => {
    const variables = dashboard.templating.list;
    expect(variables.map((v) => v.name)).toEqual(['datasource', ...FILTER_VARIABLES]);
    expect(variables[0]).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const variable of variables.slice(1)) {
      expect(variable).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
      expect(variable.datasource?.uid).toBe(DATASOURCE_UID);
      expect(variable.query).toMatch(/^label_values\(rollback_drill_runs_total/);
    }
  });

  it('gives every panel, row included, its own explicit id', () => {
    const ids = allPanels(dashboard).map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every panel a description, the data source variable, a unit and queries with explicit refIds', () => {
    for (const panel of dataPanels(dashboard)) {
      const where = `${dashboard.uid} panel ${panel.id}`;
      expect(panel.description?.length ?? 0, where).toBeGreaterThan(20);
      expect(panel.datasource?.uid, where).toBe(DATASOURCE_UID);
      expect(['s', 'percentunit', 'none', 'dateTimeAsIso', 'reqps'], where).toContain(
        panel.fieldConfig?.defaults.unit,
      );
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      expect(refIds.length, where).toBeGreaterThan(0);
      expect(
        refIds.every((r) => r && /^[A-Z]$/.test(r)),
        where,
      ).toBe(true);
      expect(new Set(refIds).size, where).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, where).toBe(DATASOURCE_UID);
        expect(target.instant, `${where} ${target.refId}: instant for ${panel.type}`).toBe(
          INSTANT_PANELS.includes(panel.type),
        );
      }
    }
  });

  it('applies every template variable in every query and uses no other variable', () => {
    const known = new Set<string>([...FILTER_VARIABLES, ...BUILTIN_VARIABLES]);
    for (const query of [...panelQueries(dashboard), ...annotationQueries(dashboard)]) {
      const used = variablesIn(query.expr);
      // The dora_* series carry only a service label: the service variable is all that applies.
      const dora = query.expr.includes('dora_');
      const expected = dora ? ['service'] : FILTER_VARIABLES;
      for (const name of expected) expect(used, `${query.where}: ${query.expr}`).toContain(name);
      expect(
        used.filter((name) => !known.has(name)),
        query.where,
      ).toEqual([]);
      if (dora) expect(query.expr, query.where).not.toContain('rollback_drill_');
    }
  });

  it('draws rollback success against its target and ages against the not-drilled limit', () => {
    for (const panel of dataPanels(dashboard)) {
      const exprs = (panel.targets ?? []).map((t) => t.expr).join('\n');
      if (/rollback success/i.test(panel.title)) {
        expect(panel.fieldConfig?.defaults.unit, panel.title).toBe('percentunit');
        expect(stepValues(panel), panel.title).toEqual([null, ROLLBACK_SUCCESS_TARGET_RATIO]);
      }
      if (exprs.includes('time() - ') && exprs.includes('last_run_timestamp_seconds')) {
        expect(panel.fieldConfig?.defaults.unit, panel.title).toBe('s');
        expect(stepValues(panel), panel.title).toEqual([null, NOT_DRILLED_AFTER_DAYS * DAY_SECONDS]);
      }
    }
  });

  it('draws each scenario objective and SLO as a dashed line over the time series it bounds', () => {
    for (const panel of dataPanels(dashboard).filter((p) => p.type === 'timeseries')) {
      const bounds = (panel.targets ?? []).filter(
        (t) => t.expr.includes('objective_target_seconds') || t.expr.includes('rollback_drill_slo_'),
      );
      for (const target of bounds) {
        const override = panel.fieldConfig?.overrides.find(
          (o) => o.matcher.id === 'byFrameRefID' && o.matcher.options === target.refId,
        );
        expect(override?.properties, `${panel.title} ${target.refId}`).toEqual(OBJECTIVE_LINE);
      }
    }
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const boxes = (allPanels(dashboard) as unknown as Panel[]).map((p) => ({ id: p.id, ...p.gridPos }));
    for (const box of boxes) expect(box.x + box.w, `panel ${box.id}`).toBeLessThanOrEqual(24);
    for (const a of boxes)
      for (const b of boxes)
        if (a.id < b.id) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `panels ${a.id} and ${b.id} overlap`).toBe(false);
        }
  });
});

it('marks phases and key events on the on-call dashboard, using each value as the time', () => {
  const onCall = DASHBOARDS.find((d) => d.uid === 'rollback-drill-on-call');
  const annotations = onCall?.annotations?.list ?? [];
  expect(annotations.map((a) => a.name)).toEqual(['Drill phases', 'Drill events']);
  for (const annotation of annotations) {
    expect(annotation.useValueForTime).toBe(true);
    expect(annotation.datasource?.uid).toBe(DATASOURCE_UID);
    expect(annotation.expr).toMatch(/^rollback_drill_(phase|event)_timestamp_seconds\{.*\} \* 1000$/);
  }
});

it('covers each measurement on the on-call and quality dashboards', () => {
  for (const uid of ['rollback-drill-on-call', 'rollback-drill-quality']) {
    const exprs = panelQueries(DASHBOARDS.find((d) => d.uid === uid) as Dashboard)
      .map((q) => q.expr)
      .join('\n');
    for (const measurement of ['time_to_detect', 'time_to_decide', 'time_to_rollback', 'time_to_recover'])
      expect(exprs, `${uid}: ${measurement}`).toContain(measurement);
  }
});

it('draws the SLO over the error ratio and p95 latency panels of the on-call dashboard', () => {
  const onCall = DASHBOARDS.find((d) => d.uid === 'rollback-drill-on-call') as Dashboard;
  const titles = (metric: string) =>
    dataPanels(onCall)
      .filter((p) => p.targets?.some((t) => t.expr.includes(metric)))
      .map((p) => p.title);
  const errorPanels = [...titles('window_error_ratio'), ...titles('live_error_ratio')];
  const latencyPanels = [
    ...titles('window_latency_seconds{percentile="p95"'),
    ...titles('live_latency_seconds{percentile="p95"'),
  ];
  expect(errorPanels.length).toBeGreaterThanOrEqual(2);
  expect(latencyPanels.length).toBeGreaterThanOrEqual(2);
  expect(titles('1 - rollback_drill_slo_availability_ratio').sort()).toEqual(errorPanels.sort());
  expect(titles('rollback_drill_slo_latency_threshold_seconds{percentile="p95"').sort()).toEqual(
    latencyPanels.sort(),
  );
});

it('shows the live SLIs only on the on-call dashboard, saying they need a live scrape', () => {
  expect([...LIVE_METRICS].sort()).toEqual([...LIVE_METRIC_NAMES].sort());
  for (const dashboard of DASHBOARDS)
    for (const panel of dataPanels(dashboard)) {
      const live = panel.targets?.some((t) => LIVE_METRICS.some((m) => t.expr.includes(m)));
      if (!live) continue;
      expect(dashboard.uid, panel.title).toBe('rollback-drill-on-call');
      expect(panel.type, panel.title).toBe('timeseries');
      expect(panel.description, panel.title).toMatch(/only while a drill runs/i);
    }
});

it('splits rollback success by target type and time to detect by detector through rollback_drill_info', () => {
  expect([...SCENARIO_LABELS]).toEqual([...DRILL_LABEL_NAMES]);
  const quality = DASHBOARDS.find((d) => d.uid === 'rollback-drill-quality') as Dashboard;
  const panel = (title: RegExp) => dataPanels(quality).find((p) => title.test(p.title));
  const join = `* on (${SCENARIO_LABELS.join(', ')}) group_left`;
  const byTarget = panel(/rollback success by target type/i);
  const byDetector = panel(/time to detect by detector/i);
  const detectorUsed = panel(/detector used/i);
  expect(byTarget?.targets?.[0]?.expr).toContain(`${join} (target_type) topk by`);
  expect(byTarget?.targets?.[0]?.expr).toMatch(/^sum by \(target_type\)/);
  expect(
    byDetector?.targets?.map(
      (t) => /^histogram_quantile\(([\d.]+), sum by \(detector, le\)/.exec(t.expr)?.[1],
    ),
  ).toEqual(['0.5', '0.95']);
  expect(byDetector?.targets?.[0]?.expr).toContain(`${join} (detector) topk by`);
  expect(detectorUsed?.type).toBe('table');
  expect(detectorUsed?.targets?.[0]?.expr).toContain('sum by (scenario, target_type, detector, decision)');
  expect(detectorUsed?.targets?.[0]?.expr).toContain(`${join} (target_type, detector, decision)`);
});
