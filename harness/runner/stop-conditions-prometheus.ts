/**
 * A Prometheus expression as a stop condition: evaluated every `interval` through the instant-query
 * API; the drill stops as soon as it returns any series (or a non-zero scalar) — the same rule as an
 * alerting rule. A query that cannot be evaluated (Prometheus down, bad PromQL) is reported once per
 * failure streak and does not stop the drill: the other guards still hold, and a flaky monitoring
 * stack must not make every drill abort.
 */
import { Agent, request } from 'undici';
import type { PrometheusStopCondition } from '../scenario/model.js';
import type { StopCondition } from './stop-conditions.js';

/** Runs an instant query; resolves with the decoded JSON answer, rejects when there is none. */
export type PrometheusQuery = (baseUrl: string, promql: string, signal: AbortSignal) => Promise<unknown>;

const MAX_QUERY_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface PrometheusVerdict {
  readonly fires: boolean;
  /** What came back, in words, e.g. "2 series, first {job="shop"} = 14". */
  readonly summary: string;
}

/** Pure: reads an instant-query answer; throws (with Prometheus's own words) when it is an error. */
export function interpretPrometheusAnswer(answer: unknown): PrometheusVerdict {
  if (!isRecord(answer)) throw new Error('the answer is not a JSON object');
  if (answer['status'] !== 'success') {
    const why = typeof answer['error'] === 'string' ? answer['error'] : 'status is not "success"';
    throw new Error(`Prometheus answered with an error: ${why}`);
  }
  const data = answer['data'];
  if (!isRecord(data)) throw new Error('the answer has no data');
  const result = data['result'];
  switch (data['resultType']) {
    case 'vector':
    case 'matrix': {
      if (!Array.isArray(result)) throw new Error(`the ${String(data['resultType'])} result is not a list`);
      if (result.length === 0) return { fires: false, summary: 'no series' };
      return { fires: true, summary: `${result.length} series, first ${describeSeries(result[0])}` };
    }
    case 'scalar': {
      const value = Array.isArray(result) ? Number(result[1]) : Number.NaN;
      // NaN is Prometheus's "no value"; only a real, non-zero number means true.
      return { fires: Number.isFinite(value) && value !== 0, summary: `scalar ${String(value)}` };
    }
    case 'string': {
      const text = Array.isArray(result) ? String(result[1] ?? '') : '';
      return { fires: text.length > 0, summary: `string ${JSON.stringify(text)}` };
    }
    default:
      throw new Error(`unknown resultType ${JSON.stringify(data['resultType'])}`);
  }
}

export function prometheusCondition(
  config: PrometheusStopCondition,
  query: PrometheusQuery = httpPrometheusQuery,
): StopCondition {
  return {
    name: 'prometheus',
    start(ctx) {
      let stopped = false;
      let cancelTimer = (): void => undefined;
      let inFlight: AbortController | null = null;
      let failing = false;
      const timeoutMs = Math.min(config.interval, MAX_QUERY_TIMEOUT_MS);

      const evaluate = async (): Promise<void> => {
        const controller = new AbortController();
        inFlight = controller;
        const cancelTimeout = ctx.clock.setTimer(
          () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        try {
          const verdict = interpretPrometheusAnswer(await query(config.url, config.query, controller.signal));
          if (failing) ctx.log(`prometheus stop condition: evaluating again (${verdict.summary})`);
          failing = false;
          if (verdict.fires && !stopped) {
            ctx.fire({
              condition: 'prometheus',
              reason: `stop condition met: Prometheus query ${JSON.stringify(config.query)} returned ${verdict.summary}`,
              data: { url: config.url, query: config.query, result: verdict.summary },
            });
          }
        } catch (error) {
          if (!failing && !stopped) {
            const why = controller.signal.aborted
              ? String((controller.signal.reason as Error | undefined)?.message ?? 'aborted')
              : error instanceof Error
                ? error.message
                : String(error);
            ctx.log(`prometheus stop condition could not be evaluated (the drill goes on): ${why}`);
          }
          failing = true;
        } finally {
          cancelTimeout();
          inFlight = null;
        }
      };
      const loop = (): void => {
        if (stopped) return;
        void evaluate().finally(() => {
          if (!stopped) cancelTimer = ctx.clock.setTimer(loop, config.interval);
        });
      };
      loop();
      return () => {
        stopped = true;
        cancelTimer();
        inFlight?.abort(new Error('stopped'));
      };
    },
  };
}

/** GET /api/v1/query on a pool of its own, closed after the answer, so no socket outlives a drill. */
export async function httpPrometheusQuery(
  baseUrl: string,
  promql: string,
  signal: AbortSignal,
): Promise<unknown> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', promql);
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 1 });
  try {
    const response = await request(url, { method: 'GET', signal, dispatcher });
    const text = await readBounded(response.body, MAX_ANSWER_BYTES);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`HTTP ${response.statusCode} with a body that is not JSON: ${text.slice(0, 120)}`);
    }
  } finally {
    void dispatcher.close().catch(() => undefined);
  }
}

async function readBounded(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new Error(`the answer is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeSeries(series: unknown): string {
  if (!isRecord(series)) return '?';
  const metric = isRecord(series['metric']) ? series['metric'] : {};
  const labels = Object.entries(metric)
    .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
    .join(',');
  const value = Array.isArray(series['value']) ? String(series['value'][1]) : '…';
  return `{${labels}} = ${value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
