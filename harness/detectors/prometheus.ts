/**
 * The `prometheus` detector: polls a PromQL condition against a Prometheus server — server-side
 * SLIs, or the very expression a team alerts on. It fires on the first answer that is a non-empty
 * vector (NaN samples do not count: 0/0 is no data, not a breach) or a non-zero scalar. A query
 * that fails is logged and retried, never taken for a detection: a Prometheus outage must not look
 * like a bad release. Detection time = when the firing answer arrived.
 */
import { secrets } from '../core/secrets.js';
import { formatDurationMs } from '../core/errors.js';
import type { PrometheusDetectorConfig } from '../scenario/schema/detection.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';
import { bearerTokenFrom, registerUrlSecrets } from './prometheus-http.js';
import {
  createPrometheusClient,
  formatSeries,
  type PromQueryAnswer,
  type PrometheusClient,
  type PrometheusClientOptions,
} from './prometheus-query.js';

export interface PrometheusDetectorOptions {
  /** Builds the query client; tests pass a scripted one. */
  readonly client?: (options: PrometheusClientOptions) => PrometheusClient;
  /** Environment for bearerTokenEnv; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Failures in a row between repeated log lines, so a long outage does not flood the progress output. */
const LOG_EVERY_FAILURES = 10;

export class PrometheusDetector implements Detector {
  readonly kind = 'prometheus';

  constructor(
    private readonly config: PrometheusDetectorConfig,
    private readonly options: PrometheusDetectorOptions = {},
  ) {
    registerUrlSecrets(config.url, (secret) => secrets.add(secret));
  }

  describe(): DetectorDescription {
    const { interval, scrapeInterval } = this.config;
    const every = formatDurationMs(interval);
    const scrape =
      scrapeInterval === undefined
        ? '; the data may also be up to one scrape interval old (not configured, not included)'
        : ` + the ${formatDurationMs(scrapeInterval)} scrape interval (the data is up to one scrape old)`;
    return {
      kind: this.kind,
      settings: {
        url: this.config.url,
        query: this.config.query,
        interval,
        ...(scrapeInterval === undefined ? {} : { scrapeInterval }),
        timeout: this.config.timeout,
        ...(this.config.bearerTokenEnv ? { bearerTokenEnv: this.config.bearerTokenEnv } : {}),
        firesWhen: 'the query returns a non-empty instant vector (NaN samples ignored) or a non-zero scalar',
        queryErrors: 'logged and retried at the next poll; never a detection',
      },
      observation: {
        method: `PromQL polled every ${every}; detection time = when the first firing answer arrived; resolution = the poll interval${scrape}`,
        resolutionSeconds: (interval + (scrapeInterval ?? 0)) / 1000,
      },
    };
  }

  async watch(ctx: DetectorContext): Promise<Detection> {
    const { interval, query } = this.config;
    const client = (this.options.client ?? createPrometheusClient)({
      url: this.config.url,
      timeoutMs: this.config.timeout,
      clock: ctx.clock,
      ...this.bearerToken(),
    });
    const watchStartMs = ctx.clock.now();
    let polls = 0;
    let failuresInRow = 0;
    let queryErrors = 0;
    try {
      for (;;) {
        const pollStartMs = ctx.clock.now();
        polls += 1;
        let answer: PromQueryAnswer | undefined;
        try {
          answer = await client.query(query, ctx.signal);
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          queryErrors += 1;
          failuresInRow += 1;
          if (failuresInRow === 1 || failuresInRow % LOG_EVERY_FAILURES === 0)
            ctx.log(
              `prometheus: query failed (${failuresInRow} in a row): ${error instanceof Error ? error.message : String(error)}; retrying every ${formatDurationMs(interval)}`,
            );
        }
        if (answer) {
          if (failuresInRow > 0) ctx.log(`prometheus: query answers again after ${failuresInRow} failures`);
          failuresInRow = 0;
          const atMs = ctx.clock.now();
          const firing = firingSamples(answer);
          if (firing !== null) {
            return this.detection(answer, firing, {
              atMs,
              polls,
              queryErrors,
              queryMs: atMs - pollStartMs,
              sinceWatchMs: atMs - watchStartMs,
              ctx,
            });
          }
        }
        // A fixed rate: a slow answer shortens the wait, never stretches the interval.
        const nextPollMs = pollStartMs + interval;
        await ctx.clock.sleep(Math.max(0, nextPollMs - ctx.clock.now()), ctx.signal);
      }
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  private detection(
    answer: PromQueryAnswer,
    firing: number,
    poll: {
      atMs: number;
      polls: number;
      queryErrors: number;
      queryMs: number;
      sinceWatchMs: number;
      ctx: DetectorContext;
    },
  ): Detection {
    const first = answer.samples.find((s) => !Number.isNaN(s.value));
    const shown =
      answer.resultType === 'scalar'
        ? `scalar ${formatValue(first?.value ?? NaN)}`
        : `${firing} series (first: ${first ? `${formatSeries(first)} ${formatValue(first.value)}` : '?'})`;
    let reason = `PromQL \`${this.config.query}\` returned ${shown}`;
    if (poll.polls === 1) {
      // The first poll runs as the fault takes effect, before any scrape could see it.
      const note = `true on the first poll, ${formatDurationMs(poll.sinceWatchMs)} after watching began: it may have been true before the fault`;
      poll.ctx.log(`prometheus: ${note}`);
      reason += ` (${note})`;
    }
    return {
      atMs: poll.atMs,
      reason,
      observed: {
        value: first?.value ?? NaN,
        series: firing,
        polls: poll.polls,
        queryErrors: poll.queryErrors,
        queryMs: Math.round(poll.queryMs),
        pollIntervalMs: this.config.interval,
      },
    };
  }

  private bearerToken(): { bearerToken?: string } {
    return bearerTokenFrom(
      this.config.bearerTokenEnv,
      this.options.env ?? process.env,
      'the prometheus detector',
      (token) => secrets.add(token),
    );
  }
}

/** How many samples make the answer "true", or null when it is not. */
export function firingSamples(answer: PromQueryAnswer): number | null {
  if (answer.resultType === 'scalar') {
    const value = answer.samples[0]?.value ?? 0;
    return value !== 0 && !Number.isNaN(value) ? 1 : null;
  }
  const count = answer.samples.filter((s) => !Number.isNaN(s.value)).length;
  return count > 0 ? count : null;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
