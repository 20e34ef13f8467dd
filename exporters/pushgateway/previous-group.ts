/**
 * Reads what a Pushgateway group holds now (`GET /api/v1/metrics`), so a push can carry the
 * counters forward instead of resetting them to this one run.
 */
import { z } from 'zod';
import type { MetricFamily, MetricType, Sample } from '../prometheus/text-format.js';
import type { Grouping } from './grouping.js';

const labels = z.record(z.string(), z.string());
const numeric = z.union([z.string(), z.number()]).transform(Number);
const metricEntry = z.object({
  labels,
  value: numeric.optional(),
  buckets: z.record(z.string(), numeric).optional(),
  count: numeric.optional(),
  sum: numeric.optional(),
});
const familyEntry = z.object({
  type: z.string(),
  help: z.string().optional(),
  metrics: z.array(metricEntry),
});
const apiResponse = z.object({
  status: z.string(),
  data: z.array(z.record(z.string(), z.unknown())).nullable(),
});

/** Labels the gateway adds to every series of a group; not part of the pushed metrics. */
export const GATEWAY_ADDED_LABELS = ['job', 'instance'] as const;
/** Series the gateway maintains itself; never pushed back. */
const GATEWAY_FAMILIES = new Set(['push_time_seconds', 'push_failure_time_seconds']);

export type PreviousGroup =
  | { readonly status: 'found'; readonly families: MetricFamily[] }
  | { readonly status: 'absent' }
  /** The gateway answered but not with its API (an old or proxied gateway): push without history. */
  | { readonly status: 'unreadable'; readonly reason: string };

/** Throws on network errors and timeouts (the caller retries); other problems are `unreadable`. */
export async function readPreviousGroup(
  baseUrl: string,
  headers: Record<string, string>,
  grouping: Grouping,
  signal: AbortSignal,
): Promise<PreviousGroup> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/metrics`, { headers, signal });
  const text = await response.text();
  if (!response.ok)
    return { status: 'unreadable', reason: `GET /api/v1/metrics answered ${response.status}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 'unreadable', reason: 'GET /api/v1/metrics did not return JSON' };
  }
  return parsePreviousGroup(json, grouping);
}

/** Pure: finds the group with exactly these grouping labels in an `/api/v1/metrics` answer. */
export function parsePreviousGroup(json: unknown, grouping: Grouping): PreviousGroup {
  const parsed = apiResponse.safeParse(json);
  if (!parsed.success) return { status: 'unreadable', reason: 'unexpected /api/v1/metrics answer' };
  const wanted: Record<string, string> = { ...grouping };
  const group = (parsed.data.data ?? []).find((g) => sameLabels(labels.safeParse(g['labels']).data, wanted));
  if (!group) return { status: 'absent' };

  const families: MetricFamily[] = [];
  for (const [name, value] of Object.entries(group)) {
    if (name === 'labels' || GATEWAY_FAMILIES.has(name)) continue;
    const family = familyEntry.safeParse(value);
    if (!family.success) continue;
    families.push(toFamily(name, family.data));
  }
  return { status: 'found', families };
}

function toFamily(name: string, entry: z.output<typeof familyEntry>): MetricFamily {
  const type = entry.type.toLowerCase() as MetricType;
  const samples: Sample[] = [];
  for (const metric of entry.metrics) {
    const own = withoutGatewayLabels(metric.labels);
    if (type === 'histogram') {
      for (const [le, count] of Object.entries(metric.buckets ?? {}))
        samples.push({ name: `${name}_bucket`, labels: { ...own, le }, value: count });
      samples.push({ name: `${name}_sum`, labels: own, value: metric.sum ?? 0 });
      samples.push({ name: `${name}_count`, labels: own, value: metric.count ?? 0 });
    } else if (metric.value !== undefined) {
      samples.push({ name, labels: own, value: metric.value });
    }
  }
  return { name, help: entry.help ?? '', type, samples };
}

function withoutGatewayLabels(all: Record<string, string>): Record<string, string> {
  const added: readonly string[] = GATEWAY_ADDED_LABELS;
  return Object.fromEntries(Object.entries(all).filter(([name]) => !added.includes(name)));
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
