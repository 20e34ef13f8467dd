/**
 * Reads one line of k6's `--out json` output (NDJSON): a Metric declaration or a Point. Tolerant, as
 * the format has moved over the versions: `tags` may be null, older output has a `tainted` key, newer
 * a `metadata` one, times carry nanoseconds and any UTC offset. Anything unreadable is reported as
 * ignored (with why), never thrown.
 */

export type K6OutputLine =
  | {
      readonly kind: 'metric';
      readonly name: string;
      /** counter, gauge, rate or trend, when given. */
      readonly metricType?: string;
      readonly thresholds: readonly string[];
    }
  | {
      readonly kind: 'point';
      readonly metric: string;
      /** Wall-clock epoch milliseconds (fractional: k6 writes nanoseconds). */
      readonly epochMs: number;
      readonly value: number;
      readonly tags: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'ignored'; readonly reason: string };

export function parseK6JsonLine(line: string): K6OutputLine {
  const text = line.trim();
  if (!text) return { kind: 'ignored', reason: 'empty line' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return { kind: 'ignored', reason: 'not JSON' };
  }
  if (!isRecord(parsed)) return { kind: 'ignored', reason: 'not a JSON object' };
  const data = isRecord(parsed.data) ? parsed.data : undefined;
  if (parsed.type === 'Metric') {
    const name =
      typeof parsed.metric === 'string'
        ? parsed.metric
        : typeof data?.name === 'string'
          ? data.name
          : undefined;
    if (!name) return { kind: 'ignored', reason: 'a Metric line without a name' };
    const thresholds = Array.isArray(data?.thresholds)
      ? data.thresholds.filter((t): t is string => typeof t === 'string')
      : [];
    return {
      kind: 'metric',
      name,
      ...(typeof data?.type === 'string' ? { metricType: data.type } : {}),
      thresholds,
    };
  }
  if (parsed.type === 'Point') {
    if (typeof parsed.metric !== 'string') return { kind: 'ignored', reason: 'a Point without a metric' };
    if (!data) return { kind: 'ignored', reason: 'a Point without data' };
    const epochMs = typeof data.time === 'string' ? parseRfc3339(data.time) : undefined;
    if (epochMs === undefined)
      return { kind: 'ignored', reason: `a Point with an unreadable time: ${String(data.time)}` };
    const value = typeof data.value === 'number' ? data.value : Number.NaN;
    if (!Number.isFinite(value)) return { kind: 'ignored', reason: 'a Point without a numeric value' };
    return { kind: 'point', metric: parsed.metric, epochMs, value, tags: stringTags(data.tags) };
  }
  return { kind: 'ignored', reason: `unknown line type ${JSON.stringify(parsed.type)}` };
}

/**
 * RFC 3339 with any number of fraction digits ("…T12:00:01.123456789Z", "…+02:00") → epoch ms with
 * the fraction kept (Date.parse alone is unreliable past milliseconds).
 */
export function parseRfc3339(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(text.trim());
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]}${(match[3] ?? 'Z').toUpperCase()}`);
  if (Number.isNaN(whole)) return undefined;
  const fraction = match[2] ? Number(`0.${match[2]}`) * 1000 : 0;
  return whole + fraction;
}

/** Tag values as strings; null or missing tags are no tags. */
function stringTags(tags: unknown): Record<string, string> {
  if (!isRecord(tags)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
