/**
 * A registry as plain data, and that data in the Prometheus text format (0.0.4). The Pushgateway
 * path needs both: it adds the gateway's previous counter values to a run's metrics before it
 * pushes, which prom-client's own objects cannot express (a histogram has no setter).
 */
import type { Registry } from 'prom-client';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The series name: the family name, or `<family>_bucket|_sum|_count` for histograms. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export const TEXT_FORMAT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The registry's current values as plain data; label values become strings (`le` too). */
export async function snapshotRegistry(registry: Registry): Promise<MetricFamily[]> {
  const json = await registry.getMetricsAsJSON();
  return json.map((family) => ({
    name: family.name,
    help: family.help,
    type: metricType(family.type),
    samples: family.values.map((v) => ({
      name: (v as { metricName?: string }).metricName ?? family.name,
      labels: Object.fromEntries(Object.entries(v.labels).map(([k, value]) => [k, String(value)])),
      value: v.value,
    })),
  }));
}

const METRIC_TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

// prom-client's typings declare a numeric enum, but at run time the type is the lowercase string.
function metricType(value: unknown): MetricType {
  return METRIC_TYPES.find((t) => t === value) ?? 'untyped';
}

export function renderTextFormat(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(renderSample(sample));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function renderSample(sample: Sample): string {
  const pairs = Object.entries(sample.labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  const labels = pairs.length ? `{${pairs.join(',')}}` : '';
  return `${sample.name}${labels} ${formatValue(sample.value)}`;
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function escapeLabelValue(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
