/**
 * A minimal Prometheus instant-query client: GET /api/v1/query, the answer reduced to what a
 * detector needs (the series and their values). Every failure — network, HTTP status, a PromQL
 * error, an answer of the wrong shape — is a PrometheusQueryError with Prometheus's own words.
 */
import {
  ApiRequestError,
  apiUrl,
  createApiGetter,
  type ApiAnswerText,
  type ApiGetterOptions,
} from './prometheus-http.js';

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromQueryAnswer {
  readonly resultType: 'vector' | 'scalar';
  /** A scalar is one sample with no labels. */
  readonly samples: readonly PromSample[];
  readonly warnings: readonly string[];
}

export class PrometheusQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

/** Runs one instant query; rejects with PrometheusQueryError (or an AbortError when `signal` aborts). */
export type InstantQuery = (query: string, signal: AbortSignal) => Promise<PromQueryAnswer>;

export interface PrometheusClient {
  readonly query: InstantQuery;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

export interface PrometheusClientOptions extends ApiGetterOptions {
  readonly url: string;
}

export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const getter = createApiGetter(options);
  const endpoint = apiUrl(options.url, 'api/v1/query');
  return {
    async query(query, signal) {
      const url = new URL(endpoint);
      url.searchParams.set('query', query);
      let answer: ApiAnswerText;
      try {
        answer = await getter.get(url, signal);
      } catch (error) {
        if (error instanceof ApiRequestError) throw new PrometheusQueryError(error.message);
        throw error;
      }
      return parseQueryAnswer(answer.status, answer.body);
    },
    close: () => getter.close(),
  };
}

interface ApiAnswer {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

/** Reads Prometheus's answer (any HTTP status) into samples, or throws PrometheusQueryError. */
export function parseQueryAnswer(httpStatus: number, body: string): PromQueryAnswer {
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(body) as ApiAnswer;
  } catch {
    throw new PrometheusQueryError(
      `HTTP ${httpStatus}, not a Prometheus API answer: ${body.slice(0, 120).replace(/\s+/g, ' ')}`,
    );
  }
  if (answer.status !== 'success') {
    const kind = typeof answer.errorType === 'string' ? `${answer.errorType}: ` : '';
    const message = typeof answer.error === 'string' ? answer.error : 'no error message';
    throw new PrometheusQueryError(`HTTP ${httpStatus}, ${kind}${message}`);
  }
  const warnings = Array.isArray(answer.warnings) ? answer.warnings.map(String) : [];
  const { resultType, result } = answer.data ?? {};
  if (resultType === 'scalar') {
    return { resultType, samples: [{ metric: {}, value: sampleValue(result) }], warnings };
  }
  if (resultType === 'vector' && Array.isArray(result)) {
    const samples = result.map((entry: unknown): PromSample => {
      const { metric, value } = (entry ?? {}) as { metric?: unknown; value?: unknown };
      return { metric: labelsOf(metric), value: sampleValue(value) };
    });
    return { resultType, samples, warnings };
  }
  if (resultType === 'matrix')
    throw new PrometheusQueryError(
      'the query returns a range vector (matrix); use an instant expression such as rate(x[1m]) > 0.01',
    );
  throw new PrometheusQueryError(`unexpected result type ${JSON.stringify(resultType)}`);
}

/** A [timestamp, "value"] pair; Prometheus writes NaN and ±Inf as strings. */
function sampleValue(pair: unknown): number {
  if (!Array.isArray(pair) || typeof pair[1] !== 'string')
    throw new PrometheusQueryError(`malformed sample ${JSON.stringify(pair)}`);
  const text = pair[1];
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

function labelsOf(metric: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (metric && typeof metric === 'object')
    for (const [name, value] of Object.entries(metric)) labels[name] = String(value);
  return labels;
}

/** `{version="1.5.0",code_class="5xx"}`, as Prometheus prints a series. */
export function formatSeries(sample: PromSample): string {
  const labels = Object.entries(sample.metric).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${labels.join(',')}}`;
}
