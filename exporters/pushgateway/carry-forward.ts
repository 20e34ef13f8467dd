/**
 * Adds a group's previous counters and histograms to one run's metrics, so the Pushgateway holds
 * running totals (and `increase()` / the success-rate ratio work the same as on the live /metrics).
 * Gauges describe the last run and are replaced, except those named in `keepGauges` (e.g. the last
 * success timestamp, which a failed run must not erase). Pure.
 */
import type { MetricFamily, Sample } from '../prometheus/text-format.js';

export interface CarryForwardResult {
  readonly families: MetricFamily[];
  /** What could not be carried (e.g. a histogram whose buckets changed): its total restarts. */
  readonly notes: string[];
}

export function carryForward(
  current: readonly MetricFamily[],
  previous: readonly MetricFamily[],
  keepGauges: readonly string[] = [],
): CarryForwardResult {
  const notes: string[] = [];
  const families = current.map((family) => {
    const before = previous.find((p) => p.name === family.name);
    if (!before) return family;
    if (before.type !== family.type) {
      notes.push(
        `${family.name} was a ${before.type} in the Pushgateway and is a ${family.type} now; not carried`,
      );
      return family;
    }
    if (family.type === 'counter') return { ...family, samples: addCounters(family.samples, before.samples) };
    if (family.type === 'histogram') return { ...family, samples: addHistograms(family, before, notes) };
    if (family.type === 'gauge' && keepGauges.includes(family.name))
      return { ...family, samples: keepMissing(family.samples, before.samples) };
    return family;
  });
  return { families, notes };
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([name]) => name !== 'le')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

function addCounters(now: readonly Sample[], before: readonly Sample[]): Sample[] {
  const byKey = new Map(before.map((s) => [seriesKey(s.labels), s]));
  const merged = now.map((s) => {
    const old = byKey.get(seriesKey(s.labels));
    byKey.delete(seriesKey(s.labels));
    return old ? { ...s, value: s.value + old.value } : s;
  });
  // Series this run did not touch (another team or fault kind earlier) keep their totals.
  return [...merged, ...byKey.values()];
}

function keepMissing(now: readonly Sample[], before: readonly Sample[]): Sample[] {
  const present = new Set(now.map((s) => seriesKey(s.labels)));
  return [...now, ...before.filter((s) => !present.has(seriesKey(s.labels)))];
}

interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: Map<number, Sample>;
  sum?: Sample;
  count?: Sample;
}

function groupHistogram(family: MetricFamily): Map<string, HistogramSeries> {
  const series = new Map<string, HistogramSeries>();
  for (const sample of family.samples) {
    const key = seriesKey(sample.labels);
    let entry = series.get(key);
    if (!entry) {
      const { le: _le, ...labels } = sample.labels;
      entry = { labels, buckets: new Map() };
      series.set(key, entry);
    }
    if (sample.name.endsWith('_bucket')) entry.buckets.set(Number(sample.labels['le']), sample);
    else if (sample.name.endsWith('_sum')) entry.sum = sample;
    else if (sample.name.endsWith('_count')) entry.count = sample;
  }
  return series;
}

function flatten(series: HistogramSeries): Sample[] {
  const buckets = [...series.buckets.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
  return [...buckets, ...(series.sum ? [series.sum] : []), ...(series.count ? [series.count] : [])];
}

function sameBuckets(a: HistogramSeries, b: HistogramSeries): boolean {
  return a.buckets.size === b.buckets.size && [...a.buckets.keys()].every((le) => b.buckets.has(le));
}

function addHistograms(now: MetricFamily, before: MetricFamily, notes: string[]): Sample[] {
  const oldSeries = groupHistogram(before);
  const samples: Sample[] = [];
  for (const [key, series] of groupHistogram(now)) {
    const old = oldSeries.get(key);
    oldSeries.delete(key);
    if (old && !sameBuckets(series, old)) {
      notes.push(`${now.name}: bucket boundaries changed, so its totals restart from this run`);
    } else if (old) {
      for (const [le, sample] of series.buckets)
        series.buckets.set(le, { ...sample, value: sample.value + (old.buckets.get(le)?.value ?? 0) });
      if (series.sum) series.sum = { ...series.sum, value: series.sum.value + (old.sum?.value ?? 0) };
      if (series.count)
        series.count = { ...series.count, value: series.count.value + (old.count?.value ?? 0) };
    }
    samples.push(...flatten(series));
  }
  for (const old of oldSeries.values()) samples.push(...flatten(old));
  return samples;
}
