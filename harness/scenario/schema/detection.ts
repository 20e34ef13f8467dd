import { z } from 'zod';
import { formatDurationMs } from '../../core/errors.js';
import { duration, ratio } from '../units.js';

/** Sliding-window error ratio and latency percentiles from client-side SLIs, against the SLO. */
export const thresholdDetectorConfig = z.strictObject({
  type: z.literal('threshold'),
  window: duration.default(5_000).meta({ description: 'sliding window the SLIs are computed over' }),
  minRequests: z
    .int()
    .nonnegative()
    .default(20)
    .meta({ description: 'fewer requests in the window = no data' }),
});

const burnRateWindow = z
  .strictObject({
    long: duration.meta({ description: 'the long window: the burn must be sustained over it' }),
    short: duration
      .optional()
      .meta({ description: 'the short window: the burn must still be going on; default long/12' }),
    burnRate: z
      .number()
      .positive()
      .meta({ description: 'fires when both windows burn the error budget faster than this many times' }),
  })
  .refine((w) => w.short === undefined || w.short < w.long, {
    message: 'the short window must be shorter than the long window',
    path: ['short'],
  });

/** The SRE workbook's 1h/5m at 14.4x and 6h/30m at 6x, with time divided by 60 for drills. */
export const DEFAULT_BURN_RATE_WINDOWS = [
  { long: 60_000, short: 5_000, burnRate: 14.4 },
  { long: 360_000, short: 30_000, burnRate: 6 },
];

/** Multi-window, multi-burn-rate alerting on the error budget (SRE workbook, chapter 5). */
export const burnRateDetectorConfig = z.strictObject({
  type: z.literal('burn-rate'),
  windows: z
    .array(burnRateWindow)
    .min(1)
    .default(DEFAULT_BURN_RATE_WINDOWS)
    .meta({ description: 'fires when any long/short pair both burn faster than its burnRate' }),
  minRequests: z
    .int()
    .nonnegative()
    .default(20)
    .meta({ description: 'fewer requests in a short window = no data for that pair' }),
});

/** Page's CUSUM on request outcomes: errors, and latency SLO exceedances, as Bernoulli streams. */
export const sequentialDetectorConfig = z.strictObject({
  type: z.literal('sequential'),
  falseAlarmsPerHour: z.number().positive().default(0.001).meta({
    description: 'the false-alarm rate to design for, per hour of traffic; 0.001 = one per 1000 drill-hours',
  }),
  arl0Requests: z.number().gt(1).optional().meta({
    description: 'mean requests between false alarms; overrides falseAlarmsPerHour when set',
  }),
  requestRate: z.number().positive().optional().meta({
    description:
      'requests per second used to turn falseAlarmsPerHour into requests; default: the baseline rate',
  }),
  baselineErrorRatio: ratio.optional().meta({
    description: 'the normal error ratio p0; default: measured over the baseline phase (at least the floor)',
  }),
  errorRatioFloor: ratio.optional().meta({
    description:
      'the lowest p0 assumed, so a clean baseline does not make one error an alarm; default: half the error budget',
  }),
  minDetectableErrorRatio: ratio.optional().meta({
    description:
      'the error ratio p1 the detector is tuned to catch fastest; default: 10x the error budget (at most 50%)',
  }),
  latency: z.boolean().default(true).meta({ description: 'also watch exceedances of each latency SLO' }),
  minDetectableLatencyExceedance: ratio.optional().meta({
    description:
      'the share of requests over the latency threshold to catch fastest; default: 4x the latency budget (20% for a p95 objective)',
  }),
});

/** The peer baseline: an Argo-Rollouts-style analysis (a measurement every interval, failureLimit). */
export const argoStyleDetectorConfig = z.strictObject({
  type: z.literal('argo-style'),
  interval: duration.default(10_000).meta({ description: 'time between measurements' }),
  window: duration
    .default(60_000)
    .meta({ description: 'the rate window each measurement queries, as in rate(x[1m])' }),
  failureLimit: z
    .int()
    .nonnegative()
    .default(0)
    .meta({ description: 'fires when failed measurements exceed this (Argo default 0: the first failure)' }),
  scrapeInterval: duration.default(15_000).meta({
    description: 'a measurement sees data as of the last scrape (every scrapeInterval); 0s = fresh data',
  }),
  initialDelay: duration.default(0).meta({ description: 'delay before the first measurement' }),
  minRequests: z
    .int()
    .nonnegative()
    .default(20)
    .meta({ description: 'fewer requests in the window = inconclusive measurement (never a failure)' }),
});

/** A duration that must be positive: a poll every 0s would spin. */
const pollEvery = (minimumMs: number) =>
  duration.refine((ms) => ms >= minimumMs, { message: `expected at least ${formatDurationMs(minimumMs)}` });

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as PROMETHEUS_TOKEN');

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `expected an http(s):// URL such as ${example}` });

/** A PromQL condition polled against a Prometheus server: server-side SLIs, the team's own queries. */
export const prometheusDetectorConfig = z.strictObject({
  type: z.literal('prometheus'),
  url: httpUrl('http://127.0.0.1:9090').meta({
    description: "the Prometheus server's base URL (a path prefix is kept: http://host/prometheus)",
  }),
  query: z.string().trim().min(1, 'expected a PromQL expression').meta({
    description:
      'an instant PromQL condition; fires when it returns a non-empty vector or a non-zero scalar, e.g. error ratio > 0.01',
  }),
  interval: pollEvery(100).default(1_000).meta({ description: 'how often the query is polled' }),
  scrapeInterval: duration.optional().meta({
    description:
      "how often Prometheus scrapes the service; when set, it is added to the detection's resolution (data is up to one scrape old)",
  }),
  timeout: pollEvery(100).default(5_000).meta({ description: 'how long one query may take' }),
  bearerTokenEnv: envName.optional().meta({
    description: 'environment variable holding a bearer token for Prometheus (never written to records)',
  }),
});

/** Where the harness listens for Alertmanager's webhook (version 4) during the detect phase. */
const alertmanagerWebhook = z.strictObject({
  port: z
    .int({ error: 'expected a TCP port from 1 to 65535' })
    .min(1, 'expected a TCP port from 1 to 65535')
    .max(65_535, 'expected a TCP port from 1 to 65535')
    .meta({ description: "the loopback port Alertmanager's webhook_configs url points at" }),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, 'expected a URL path such as /alertmanager')
    .default('/alertmanager')
    .meta({ description: 'the path Alertmanager posts to' }),
});

/** Polls Alertmanager's own API for the alert. */
const alertmanagerPoll = z.strictObject({
  url: httpUrl('http://127.0.0.1:9093').meta({ description: "Alertmanager's base URL" }),
  interval: pollEvery(100).default(2_000).meta({ description: 'how often GET /api/v2/alerts is polled' }),
  timeout: pollEvery(100).default(5_000).meta({ description: 'how long one poll may take' }),
  bearerTokenEnv: envName.optional().meta({
    description: 'environment variable holding a bearer token for Alertmanager (never written to records)',
  }),
});

/** The team's real alerting pipeline: fires when a named alert for the service starts firing. */
export const alertmanagerDetectorConfig = z
  .strictObject({
    type: z.literal('alertmanager'),
    alertname: z.string().min(1).meta({ description: 'the alert to wait for (its alertname label)' }),
    labels: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a label name'), z.string())
      .default({})
      .meta({ description: 'more labels the alert must carry, e.g. {service: checkout}' }),
    webhook: alertmanagerWebhook.optional().meta({
      description: 'receive Alertmanager webhooks on 127.0.0.1 (detection time = receipt)',
    }),
    poll: alertmanagerPoll.optional().meta({ description: "poll Alertmanager's /api/v2/alerts" }),
    clockSkew: duration.default(1_000).meta({
      description:
        'an alert whose startsAt is more than this before the fault started was already firing: it is not counted',
    }),
  })
  .refine((config) => config.webhook !== undefined || config.poll !== undefined, {
    message: 'expected webhook, poll or both: how the harness hears of the alert',
    path: ['webhook'],
  });

/** A person marks the detection: `rollback-drill mark RUN detected` or the serve API. */
export const manualDetectorConfig = z.strictObject({
  type: z.literal('manual'),
  pollInterval: pollEvery(50)
    .default(200)
    .meta({ description: 'how often the mark file is checked (the resolution of the detection time)' }),
});

export const detectionConfig = z.discriminatedUnion(
  'type',
  [
    thresholdDetectorConfig,
    burnRateDetectorConfig,
    sequentialDetectorConfig,
    argoStyleDetectorConfig,
    prometheusDetectorConfig,
    alertmanagerDetectorConfig,
    manualDetectorConfig,
  ],
  {
    error:
      'expected a detection block with type: threshold, burn-rate, sequential, argo-style, prometheus, alertmanager or manual',
  },
);
export type DetectionConfig = z.output<typeof detectionConfig>;
export type ThresholdDetectorConfig = z.output<typeof thresholdDetectorConfig>;
export type BurnRateDetectorConfig = z.output<typeof burnRateDetectorConfig>;
export type SequentialDetectorConfig = z.output<typeof sequentialDetectorConfig>;
export type ArgoStyleDetectorConfig = z.output<typeof argoStyleDetectorConfig>;
export type PrometheusDetectorConfig = z.output<typeof prometheusDetectorConfig>;
export type AlertmanagerDetectorConfig = z.output<typeof alertmanagerDetectorConfig>;
export type ManualDetectorConfig = z.output<typeof manualDetectorConfig>;

/** Decide to roll back as soon as the regression is detected, or after a fixed delay. */
export const autoDecisionConfig = z.strictObject({
  type: z.literal('auto'),
  delay: duration.default(0),
});

/** A person approves the rollback: `rollback-drill mark RUN decided`; phases.decision.timeout bounds the wait. */
export const manualDecisionConfig = z.strictObject({
  type: z.literal('manual'),
  pollInterval: pollEvery(50)
    .default(200)
    .meta({ description: 'how often the mark file is checked (the resolution of the decision time)' }),
});

/** The harness does not roll back: it watches the target until someone else's rollback completes. */
export const observeDecisionConfig = z.strictObject({
  type: z.literal('observe'),
  waitForMark: z.boolean().default(false).meta({
    description:
      'wait for a `decided` mark before watching for the rollback (splits time to decide from time to roll back); default: decide at detection',
  }),
  pollInterval: pollEvery(50).default(200).meta({ description: 'how often the mark file is checked' }),
});

export const decisionConfig = z.discriminatedUnion(
  'type',
  [autoDecisionConfig, manualDecisionConfig, observeDecisionConfig],
  { error: 'expected a decision block with type: auto, manual or observe' },
);
export type DecisionConfig = z.output<typeof decisionConfig>;
export type ManualDecisionConfig = z.output<typeof manualDecisionConfig>;
export type ObserveDecisionConfig = z.output<typeof observeDecisionConfig>;
