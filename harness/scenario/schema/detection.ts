import { z } from 'zod';
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

export const detectionConfig = z.discriminatedUnion(
  'type',
  [thresholdDetectorConfig, burnRateDetectorConfig, sequentialDetectorConfig, argoStyleDetectorConfig],
  { error: 'expected a detection block with type: threshold, burn-rate, sequential or argo-style' },
);
export type DetectionConfig = z.output<typeof detectionConfig>;
export type ThresholdDetectorConfig = z.output<typeof thresholdDetectorConfig>;
export type BurnRateDetectorConfig = z.output<typeof burnRateDetectorConfig>;
export type SequentialDetectorConfig = z.output<typeof sequentialDetectorConfig>;
export type ArgoStyleDetectorConfig = z.output<typeof argoStyleDetectorConfig>;

/** Decide to roll back as soon as the regression is detected, or after a fixed delay. */
export const autoDecisionConfig = z.strictObject({
  type: z.literal('auto'),
  delay: duration.default(0),
});

export const decisionConfig = z.discriminatedUnion('type', [autoDecisionConfig], {
  error: 'expected a decision block with type: auto',
});
export type DecisionConfig = z.output<typeof decisionConfig>;
