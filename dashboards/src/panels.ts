/**
 * Panel factories with the settings every rollback-drill panel shares: the data source variable,
 * an explicit id, a description (the question the panel answers), and a size. Each returns the SDK
 * builder, so a dashboard adds its queries, unit and thresholds in plain view.
 */
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  LineInterpolation,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  TableCellDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
} from '@grafana/grafana-foundation-sdk/common';
import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugePanelBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './common.js';

export interface PanelSpec {
  readonly id: number;
  readonly title: string;
  /** The question the panel answers; Grafana shows it in the panel's info tooltip. */
  readonly description: string;
  /** Grid width (of 24) and height. */
  readonly width: number;
  readonly height: number;
}

/** The last value of each series: what a drill-level figure means on a stat or bar gauge. */
function lastValue(): ReduceDataOptionsBuilder {
  return new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
}

export function statPanel(spec: PanelSpec): StatPanelBuilder {
  return new StatPanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .span(spec.width)
    .height(spec.height)
    .reduceOptions(lastValue())
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .textMode(BigValueTextMode.Auto)
    .orientation(VizOrientation.Auto);
}

export function timeseriesPanel(spec: PanelSpec): TimeseriesPanelBuilder {
  return (
    new TimeseriesPanelBuilder()
      .id(spec.id)
      .title(spec.title)
      .description(spec.description)
      .datasource(DATASOURCE)
      .span(spec.width)
      .height(spec.height)
      .legend(
        new VizLegendOptionsBuilder()
          .showLegend(true)
          .displayMode(LegendDisplayMode.List)
          .placement(LegendPlacement.Bottom)
          .calcs([]),
      )
      .drawStyle(GraphDrawStyle.Line)
      .lineWidth(1)
      .fillOpacity(0)
      .showPoints(VisibilityMode.Auto)
      // Thresholds are drawn as dashed lines: where the target is, not a coloured background.
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
  );
}

/**
 * Per-drill figures (gauges set when a drill ends) hold their value until the next drill: drawn as
 * steps with points, each step is one drill.
 */
export function perDrillPanel(spec: PanelSpec): TimeseriesPanelBuilder {
  return timeseriesPanel(spec)
    .lineInterpolation(LineInterpolation.StepAfter)
    .showPoints(VisibilityMode.Always)
    .pointSize(6);
}

/** Counts per interval, stacked bars (drills by result). */
export function barsPanel(spec: PanelSpec): TimeseriesPanelBuilder {
  return timeseriesPanel(spec)
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
    .showPoints(VisibilityMode.Never);
}

export function barGaugePanel(spec: PanelSpec): BarGaugePanelBuilder {
  return new BarGaugePanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .span(spec.width)
    .height(spec.height)
    .reduceOptions(lastValue())
    .displayMode(BarGaugeDisplayMode.Basic)
    .orientation(VizOrientation.Horizontal)
    .showUnfilled(true);
}

/**
 * One row per series of an instant query in table format. Grafana's Time column and the label
 * columns nobody filters on are hidden; the value column is renamed to say what it holds.
 */
export function tablePanel(
  spec: PanelSpec,
  valueColumn: string,
  hide: readonly string[] = [],
): TablePanelBuilder {
  return new TablePanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .span(spec.width)
    .height(spec.height)
    .cellOptions({ type: TableCellDisplayMode.ColorBackground })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: Object.fromEntries(['Time', ...hide].map((name) => [name, true])),
        renameByName: { Value: valueColumn },
      },
    });
}

/** Value → text and colour, e.g. 1 → "met" (green), 0 → "missed" (red). */
export function valueTexts(
  entries: Readonly<Record<string, readonly [text: string, color: string]>>,
): ValueMapping[] {
  return [
    {
      type: MappingType.ValueToText,
      options: Object.fromEntries(
        Object.entries(entries).map(([value, [text, color]], index) => [value, { text, color, index }]),
      ),
    },
  ];
}
