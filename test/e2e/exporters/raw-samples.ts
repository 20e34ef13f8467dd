/**
 * The raw samples Prometheus stored (a range-vector query: no evaluation steps, no extrapolation),
 * with the scrape timestamps, so a test can say when Prometheus first saw a value.
 */
import { getJson } from '../../support/http.js';

export interface RawSeries {
  readonly metric: Record<string, string>;
  /** [scrape time in Unix seconds, value] in time order. */
  readonly samples: readonly (readonly [number, number])[];
}

export async function rawSamples(
  prometheusUrl: string,
  selector: string,
  rangeSeconds = 900,
): Promise<RawSeries[]> {
  const params = new URLSearchParams({ query: `${selector}[${rangeSeconds}s]` });
  const answer = await getJson<{
    status: string;
    error?: string;
    data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
  }>(`${prometheusUrl}/api/v1/query?${params.toString()}`);
  if (answer.status !== 'success' || answer.data.resultType !== 'matrix')
    throw new Error(`range query ${selector} failed: ${answer.error ?? answer.data.resultType}`);
  return answer.data.result.map((r) => ({
    metric: r.metric,
    samples: r.values.map(([t, v]) => [t, Number(v)] as const),
  }));
}

/** Every label value of every series Prometheus holds for the selector, with its series' name. */
export async function labelValues(
  prometheusUrl: string,
  selector = '{__name__=~".+"}',
): Promise<{ name: string; label: string; value: string }[]> {
  const params = new URLSearchParams({ 'match[]': selector });
  const answer = await getJson<{ data: Record<string, string>[] }>(
    `${prometheusUrl}/api/v1/series?${params.toString()}`,
  );
  return answer.data.flatMap((labels) =>
    Object.entries(labels).map(([label, value]) => ({ name: labels['__name__'] ?? '', label, value })),
  );
}
