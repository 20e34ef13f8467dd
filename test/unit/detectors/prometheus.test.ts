import { describe, expect, it } from 'vitest';
import { REDACTED, secrets } from '../../../harness/core/secrets.js';
import { firingSamples, PrometheusDetector } from '../../../harness/detectors/prometheus.js';
import { apiUrl } from '../../../harness/detectors/prometheus-http.js';
import {
  parseQueryAnswer,
  PrometheusQueryError,
  type PromQueryAnswer,
  type PrometheusClient,
  type PrometheusClientOptions,
} from '../../../harness/detectors/prometheus-query.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { detectionConfig, prometheusDetectorConfig } from '../../../harness/scenario/schema/detection.js';
import { TestContext } from './fixtures.js';

const QUERY =
  'sum(rate(demo_shop_router_requests_total{status_class="5xx"}[10s])) / sum(rate(demo_shop_router_requests_total[10s])) > 0.01';

const vector = (...values: number[]): PromQueryAnswer => ({
  resultType: 'vector',
  samples: values.map((value, i) => ({ metric: { version: `v${i}` }, value })),
  warnings: [],
});
const scalar = (value: number): PromQueryAnswer => ({
  resultType: 'scalar',
  samples: [{ metric: {}, value }],
  warnings: [],
});

/** Answers in order; an Error entry is thrown. Records when each query ran and how the client was built. */
class ScriptedPrometheus implements PrometheusClient {
  readonly queriedAtMs: number[] = [];
  options: PrometheusClientOptions | undefined;
  closed = false;

  constructor(
    private readonly ctx: TestContext,
    private readonly answers: (PromQueryAnswer | Error)[],
    private readonly takesMs = 0,
  ) {}

  readonly query = async (_query: string, signal: AbortSignal): Promise<PromQueryAnswer> => {
    this.queriedAtMs.push(this.ctx.clock.now());
    if (this.takesMs) await this.ctx.clock.sleep(this.takesMs, signal);
    const next = this.answers.shift() ?? vector();
    if (next instanceof Error) throw next;
    return next;
  };

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  factory = (options: PrometheusClientOptions): PrometheusClient => {
    this.options = options;
    return this;
  };
}

function detector(
  client: ScriptedPrometheus,
  overrides: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = {},
): PrometheusDetector {
  const config = prometheusDetectorConfig.parse({
    type: 'prometheus',
    url: 'http://127.0.0.1:9090',
    query: QUERY,
    ...overrides,
  });
  return new PrometheusDetector(config, { client: client.factory, env });
}

describe('prometheus detector', () => {
  it('polls at a fixed rate and fires on the first non-empty answer, timed when it arrived', async () => {
    const ctx = new TestContext();
    const prometheus = new ScriptedPrometheus(ctx, [vector(), vector(), vector(0.054)], 120);
    const watch = detector(prometheus, { interval: '1s' }).watch(ctx);
    await ctx.clock.advance(2_500);
    const detection = await watch;
    // Queries at 0, 1 and 2 s (a 120 ms answer does not stretch the interval); the third fires at 2.12 s.
    expect(prometheus.queriedAtMs).toEqual([0, 1_000, 2_000]);
    expect(detection.atMs).toBe(2_120);
    expect(detection.reason).toBe(`PromQL \`${QUERY}\` returned 1 series (first: {version="v0"} 0.05400)`);
    expect(detection.observed).toEqual({
      value: 0.054,
      series: 1,
      polls: 3,
      queryErrors: 0,
      queryMs: 120,
      pollIntervalMs: 1_000,
    });
    expect(prometheus.closed).toBe(true);
    expect(ctx.clock.pendingTimers()).toBe(0);
  });

  it('reports query errors and retries them, never taking one for a detection', async () => {
    const ctx = new TestContext();
    const failures = Array.from(
      { length: 12 },
      () => new PrometheusQueryError('cannot reach http://127.0.0.1:9090: ECONNREFUSED'),
    );
    const prometheus = new ScriptedPrometheus(ctx, [...failures, vector(), scalar(1)]);
    const watch = detector(prometheus, { interval: '500ms' }).watch(ctx);
    await ctx.clock.advance(7_000);
    const detection = await watch;
    expect(detection.atMs).toBe(6_500); // the 14th poll: 12 failures, one empty answer, then true
    expect(detection.observed.queryErrors).toBe(12);
    expect(detection.reason).toContain('returned scalar 1');
    // The first failure and every tenth in a row are logged, then the recovery.
    expect(ctx.logs).toEqual([
      expect.stringContaining('query failed (1 in a row): cannot reach'),
      expect.stringContaining('query failed (10 in a row)'),
      'prometheus: query answers again after 12 failures',
    ]);
  });

  it('treats NaN samples, empty vectors and zero scalars as "not firing"', () => {
    expect(firingSamples(vector())).toBeNull();
    expect(firingSamples(vector(NaN, NaN))).toBeNull();
    expect(firingSamples(vector(NaN, 0.2, 3))).toBe(2);
    expect(firingSamples(vector(0))).toBe(1); // a comparison that kept a 0 sample is still "true"
    expect(firingSamples(scalar(0))).toBeNull();
    expect(firingSamples(scalar(NaN))).toBeNull();
    expect(firingSamples(scalar(-1))).toBe(1);
  });

  it('says so when the expression is already true on the first poll', async () => {
    const ctx = new TestContext();
    const detection = await detector(new ScriptedPrometheus(ctx, [vector(1)])).watch(ctx);
    expect(detection.atMs).toBe(0);
    expect(detection.reason).toContain(
      'true on the first poll, 0ms after watching began: it may have been true before the fault',
    );
    expect(ctx.logs[0]).toContain('may have been true before the fault');
  });

  it('stops polling at once on abort and closes its client', async () => {
    const ctx = new TestContext();
    const prometheus = new ScriptedPrometheus(ctx, []);
    const watch = detector(prometheus)
      .watch(ctx)
      .catch((error: unknown) => error);
    await ctx.clock.advance(3_000);
    ctx.controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    expect(await watch).toMatchObject({ name: 'AbortError' });
    const polls = prometheus.queriedAtMs.length;
    await ctx.clock.advance(3_000);
    expect(prometheus.queriedAtMs).toHaveLength(polls);
    expect(prometheus.closed).toBe(true);
  });

  it('passes the bearer token from the environment and registers it as a secret', async () => {
    const ctx = new TestContext();
    const prometheus = new ScriptedPrometheus(ctx, [vector(1)]);
    await detector(prometheus, { bearerTokenEnv: 'PROM_TOKEN' }, { PROM_TOKEN: 'sekrit-token-123' }).watch(
      ctx,
    );
    expect(prometheus.options).toMatchObject({
      url: 'http://127.0.0.1:9090',
      timeoutMs: 5_000,
      bearerToken: 'sekrit-token-123',
    });
    expect(secrets.redact('Bearer sekrit-token-123')).toBe(`Bearer ${REDACTED}`);
    await expect(
      detector(new ScriptedPrometheus(ctx, []), { bearerTokenEnv: 'MISSING_TOKEN' }).watch(ctx),
    ).rejects.toThrow('the environment variable MISSING_TOKEN (bearerTokenEnv) is not set');
  });

  it('describes its query and a resolution of the poll interval plus the scrape interval when given', () => {
    const ctx = new TestContext();
    const plain = detector(new ScriptedPrometheus(ctx, []), { interval: '2s' }).describe();
    expect(plain.kind).toBe('prometheus');
    expect(plain.settings).toMatchObject({
      url: 'http://127.0.0.1:9090',
      query: QUERY,
      interval: 2_000,
      timeout: 5_000,
    });
    expect(plain.observation.resolutionSeconds).toBe(2);
    expect(plain.observation.method).toContain('not configured, not included');
    const scraped = detector(new ScriptedPrometheus(ctx, []), {
      interval: '1s',
      scrapeInterval: '15s',
    }).describe();
    expect(scraped.observation.resolutionSeconds).toBe(16);
    expect(scraped.observation.method).toContain('+ the 15s scrape interval');
    expect(
      createDetector(
        detectionConfig.parse({ type: 'prometheus', url: 'http://p:9090/prom', query: 'up == 0' }),
      ).kind,
    ).toBe('prometheus');
  });
});

describe('Prometheus query answers', () => {
  it('reads vectors and scalars, with NaN and ±Inf', () => {
    const answer = parseQueryAnswer(
      200,
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { version: '1.5.0' }, value: [1, '0.25'] },
            { metric: {}, value: [1, 'NaN'] },
            { metric: {}, value: [1, '+Inf'] },
          ],
        },
      }),
    );
    expect(answer.samples.map((s) => s.value)).toEqual([0.25, NaN, Infinity]);
    expect(answer.samples[0]?.metric).toEqual({ version: '1.5.0' });
    expect(
      parseQueryAnswer(200, '{"status":"success","data":{"resultType":"scalar","result":[1,"-Inf"]}}')
        .samples,
    ).toEqual([{ metric: {}, value: -Infinity }]);
  });

  it("reports Prometheus's own error, a range vector and a non-API answer as query errors", () => {
    expect(() =>
      parseQueryAnswer(400, '{"status":"error","errorType":"bad_data","error":"parse error at char 5"}'),
    ).toThrow('HTTP 400, bad_data: parse error at char 5');
    expect(() =>
      parseQueryAnswer(200, '{"status":"success","data":{"resultType":"matrix","result":[]}}'),
    ).toThrow(/range vector/);
    expect(() => parseQueryAnswer(502, '<html>Bad gateway</html>')).toThrow(
      'HTTP 502, not a Prometheus API answer: <html>Bad gateway</html>',
    );
    expect(() =>
      parseQueryAnswer(200, '{"status":"success","data":{"resultType":"string","result":[1,"x"]}}'),
    ).toThrow(PrometheusQueryError);
  });

  it('keeps a path prefix in the API URL', () => {
    expect(apiUrl('http://host:9090', 'api/v1/query').href).toBe('http://host:9090/api/v1/query');
    expect(apiUrl('http://host/prometheus', 'api/v1/query').href).toBe('http://host/prometheus/api/v1/query');
    expect(apiUrl('http://host/prometheus/', 'api/v1/query').href).toBe(
      'http://host/prometheus/api/v1/query',
    );
  });
});
