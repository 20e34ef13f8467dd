/**
 * A real Prometheus for tests (Debian's `prometheus` 2.42): its own config, data folder and
 * loopback port, 1 s scrape and evaluation intervals, plus query helpers and promtool.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findBinary } from './external-binaries.js';
import { getJson } from './http.js';
import { launchServer, type LaunchedServer } from './server-launch.js';
import { waitUntil, type WaitOptions } from './wait.js';

export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` or a full URL (its path becomes the metrics path). */
  readonly targets: readonly string[];
  readonly metricsPath?: string;
  /** true for a Pushgateway: keep the pushed job/instance labels. */
  readonly honorLabels?: boolean;
  readonly scrapeIntervalSeconds?: number;
}

export interface PrometheusOptions {
  readonly scrapeTargets?: readonly ScrapeTarget[];
  /** Absolute paths of rule files. */
  readonly ruleFiles?: readonly string[];
  /** Alertmanager base URLs (http://127.0.0.1:PORT). */
  readonly alertmanagers?: readonly string[];
  readonly scrapeIntervalSeconds?: number;
  readonly evaluationIntervalSeconds?: number;
  /** More command-line flags, e.g. `--query.lookback-delta=10s`. */
  readonly extraArgs?: readonly string[];
}

export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: number;
  /** Unix seconds of the evaluation. */
  readonly timestamp: number;
}

export interface MatrixSeries {
  readonly metric: Record<string, string>;
  readonly values: readonly (readonly [number, number])[];
}

export interface PrometheusServer extends LaunchedServer {
  query(promql: string, timeSeconds?: number): Promise<VectorSample[]>;
  /** The value of a query that returns one sample (or a scalar); undefined when it returns none. */
  queryValue(promql: string, timeSeconds?: number): Promise<number | undefined>;
  queryRange(
    promql: string,
    startSeconds: number,
    endSeconds: number,
    stepSeconds: number,
  ): Promise<MatrixSeries[]>;
  /** Polls until the query's single value satisfies `accept`; returns it. */
  waitForValue(promql: string, accept: (value: number) => boolean, options?: WaitOptions): Promise<number>;
  /** Waits until every target of the job has been scraped successfully (`up == 1`). */
  waitForTargetsUp(job: string, options?: WaitOptions): Promise<void>;
}

interface ApiAnswer<T> {
  status: string;
  data: T;
  error?: string;
}

function scrapeConfig(target: ScrapeTarget): Record<string, unknown> {
  let metricsPath = target.metricsPath;
  const hosts = target.targets.map((t) => {
    if (!/^https?:\/\//.test(t)) return t;
    const url = new URL(t);
    if (url.pathname && url.pathname !== '/') metricsPath ??= url.pathname;
    return url.host;
  });
  return {
    job_name: target.job,
    ...(target.honorLabels ? { honor_labels: true } : {}),
    ...(metricsPath ? { metrics_path: metricsPath } : {}),
    ...(target.scrapeIntervalSeconds
      ? {
          scrape_interval: `${target.scrapeIntervalSeconds}s`,
          scrape_timeout: `${target.scrapeIntervalSeconds}s`,
        }
      : {}),
    static_configs: [{ targets: hosts }],
  };
}

export function prometheusConfig(options: PrometheusOptions): string {
  const scrape = options.scrapeIntervalSeconds ?? 1;
  return stringify({
    global: {
      scrape_interval: `${scrape}s`,
      scrape_timeout: `${scrape}s`,
      evaluation_interval: `${options.evaluationIntervalSeconds ?? 1}s`,
    },
    ...(options.ruleFiles?.length ? { rule_files: [...options.ruleFiles] } : {}),
    ...(options.alertmanagers?.length
      ? {
          alerting: {
            alertmanagers: [
              { static_configs: [{ targets: options.alertmanagers.map((u) => new URL(u).host) }] },
            ],
          },
        }
      : {}),
    scrape_configs: (options.scrapeTargets ?? []).map(scrapeConfig),
  });
}

function numberOf(text: string): number {
  // Prometheus writes NaN and ±Inf as strings.
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const server = await launchServer({
    binary: 'prometheus',
    readyPath: '/-/ready',
    args: async (port, dir) => {
      const configFile = join(dir, 'prometheus.yml');
      await writeFile(configFile, prometheusConfig(options));
      return [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        // Alerts that fire before the notifier has found Alertmanager are otherwise resent only after 1m.
        '--rules.alert.resend-delay=1s',
        '--log.level=warn',
        ...(options.extraArgs ?? []),
      ];
    },
  });
  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const answer = await getJson<ApiAnswer<T>>(
      `${server.url}${path}?${new URLSearchParams(params).toString()}`,
    );
    if (answer.status !== 'success')
      throw new Error(`Prometheus ${path} failed: ${answer.error ?? answer.status}`);
    return answer.data;
  };
  const query = async (promql: string, timeSeconds?: number): Promise<VectorSample[]> => {
    const data = await api<{ resultType: string; result: unknown }>('/api/v1/query', {
      query: promql,
      ...(timeSeconds === undefined ? {} : { time: String(timeSeconds) }),
    });
    if (data.resultType === 'scalar') {
      const [ts, value] = data.result as [number, string];
      return [{ metric: {}, value: numberOf(value), timestamp: ts }];
    }
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      metric: r.metric,
      value: numberOf(r.value[1]),
      timestamp: r.value[0],
    }));
  };
  const queryValue = async (promql: string, timeSeconds?: number): Promise<number | undefined> => {
    const result = await query(promql, timeSeconds);
    if (result.length > 1) throw new Error(`${promql} returned ${result.length} series, expected one`);
    return result[0]?.value;
  };
  return {
    ...server,
    query,
    queryValue,
    async queryRange(promql, startSeconds, endSeconds, stepSeconds) {
      const data = await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
        '/api/v1/query_range',
        { query: promql, start: String(startSeconds), end: String(endSeconds), step: String(stepSeconds) },
      );
      return data.result.map((r) => ({
        metric: r.metric,
        values: r.values.map(([t, v]) => [t, numberOf(v)] as const),
      }));
    },
    waitForValue(promql, accept, waitOptions = {}) {
      return waitUntil(
        async () => {
          const value = await queryValue(promql);
          return value !== undefined && accept(value) ? value : undefined;
        },
        { description: `Prometheus: ${promql}`, intervalMs: 250, ...waitOptions },
      );
    },
    async waitForTargetsUp(job, waitOptions = {}) {
      await waitUntil(
        async () => {
          const up = await query(`up{job="${job}"}`);
          return up.length > 0 && up.every((s) => s.value === 1);
        },
        // A new target is scraped only some seconds after Prometheus is ready.
        {
          description: `Prometheus: up{job="${job}"} == 1`,
          intervalMs: 250,
          timeoutMs: 30_000,
          ...waitOptions,
        },
      );
    },
  };
}

export interface PromtoolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs promtool with `args`, writing `stdin` to it (e.g. `check metrics`). */
export async function runPromtool(args: readonly string[], stdin?: string): Promise<PromtoolResult> {
  const binary = findBinary('promtool');
  if (!binary) throw new Error('promtool is not installed (not on PATH)');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
