/**
 * Turns the `sequential` detector's settings, the SLOs and the baseline into concrete CUSUMs:
 * which Bernoulli streams to watch, p0 and p1 for each, and the threshold h. Pure, so the numbers
 * a drill runs with can be checked (and are recorded in the detector's description).
 */
import { UserError } from '../core/errors.js';
import type { WindowSli } from '../measure/windows.js';
import type { Slos } from '../scenario/model.js';
import type { SequentialDetectorConfig } from '../scenario/schema/detection.js';
import type { LatencySummaryMs } from '../traffic/sli.js';
import { estimateBaselineRate } from './baseline-rate.js';
import { breakEvenRate, thresholdForArl0 } from './cusum.js';
import {
  errorBudget,
  formatLatencyMs,
  formatPercent,
  latencyBudget,
  percentileLabel,
  type LatencySlo,
} from './slo-terms.js';

/** p0 never goes below this: a CUSUM needs p0 > 0, and one in a million is "clean". */
const SMALLEST_P0 = 1e-6;
/** p1 is capped here: beyond it "tuned to catch fastest" means little and LLRs grow lopsided. */
const LARGEST_DEFAULT_P1 = 0.5;
/** Default p1 = this × the error budget: a fast burn (errors budgets are small: 0.1–1%). */
const ERROR_P1_BUDGET_MULTIPLE = 10;
/**
 * Default p1 = this × the latency budget. Latency budgets are large (5% for a p95 objective), so
 * 10x would mean "half of all requests slow" — too blunt a target; 4x (20% for p95) catches a
 * shifted latency distribution about three times faster.
 */
const LATENCY_P1_BUDGET_MULTIPLE = 4;

export interface StreamPlan {
  /** "errors" or e.g. "p95 latency > 300ms". */
  readonly name: string;
  /** Key prefix for Detection.observed: "errors", "p95Latency". */
  readonly key: string;
  readonly p0: number;
  readonly p1: number;
  /** Rates above this are caught (more slowly than p1); below it the CUSUM drifts to 0. */
  readonly detectsAbove: number;
  /** Where p0 came from, in words. */
  readonly p0Source: string;
  /** The latency threshold (ms) whose exceedances are the events; absent for the error stream. */
  readonly latencyThresholdMs?: number;
}

export interface SequentialPlan {
  /** Mean requests between false alarms the detector is designed for (all streams together). */
  readonly arl0Requests: number;
  /** Requests per second used to convert falseAlarmsPerHour; null when arl0Requests was given. */
  readonly requestRate: number | null;
  /** h for each stream: ln(streams × ARL0), so the streams together keep the overall rate. */
  readonly threshold: number;
  readonly streams: readonly StreamPlan[];
  /** Adjustments made to the settings, to be logged and recorded. */
  readonly notes: readonly string[];
}

export function planSequential(
  config: SequentialDetectorConfig,
  slos: Slos,
  baseline: WindowSli,
): SequentialPlan {
  const notes: string[] = [];
  const requestRate = config.arl0Requests !== undefined ? null : resolveRequestRate(config, baseline);
  const arl0Requests = config.arl0Requests ?? ((requestRate as number) * 3600) / config.falseAlarmsPerHour;

  const streams: StreamPlan[] = [errorStream(config, slos, baseline, notes)];
  if (config.latency)
    for (const slo of slos.latency) streams.push(latencyStream(config, slo, baseline, notes));
  return {
    arl0Requests,
    requestRate,
    threshold: thresholdForArl0(streams.length * arl0Requests),
    streams,
    notes,
  };
}

function resolveRequestRate(config: SequentialDetectorConfig, baseline: WindowSli): number {
  if (config.requestRate !== undefined) return config.requestRate;
  const seconds = (baseline.endMs - baseline.startMs) / 1000;
  if (baseline.requests > 0 && seconds > 0) return baseline.requests / seconds;
  throw new UserError(
    'the sequential detector needs the traffic rate to turn falseAlarmsPerHour into requests, and the ' +
      'baseline saw no traffic: set detection.requestRate or detection.arl0Requests',
  );
}

function errorStream(
  config: SequentialDetectorConfig,
  slos: Slos,
  baseline: WindowSli,
  notes: string[],
): StreamPlan {
  const budget = errorBudget(slos);
  const floor = Math.max(SMALLEST_P0, config.errorRatioFloor ?? budget / 2);
  let p0: number;
  let p0Source: string;
  if (config.baselineErrorRatio !== undefined) {
    p0 = Math.max(SMALLEST_P0, config.baselineErrorRatio);
    p0Source = 'configured baselineErrorRatio';
  } else {
    const estimate = estimateBaselineRate(baseline.errors, baseline.requests, floor);
    p0 = estimate.ratio;
    p0Source = estimate.source;
  }
  const wanted =
    config.minDetectableErrorRatio ?? Math.min(LARGEST_DEFAULT_P1, ERROR_P1_BUDGET_MULTIPLE * budget);
  const p1 = ensureAbove(p0, wanted, 'errors', notes);
  return { name: 'errors', key: 'errors', p0, p1, detectsAbove: breakEvenRate(p0, p1), p0Source };
}

function latencyStream(
  config: SequentialDetectorConfig,
  slo: LatencySlo,
  baseline: WindowSli,
  notes: string[],
): StreamPlan {
  const budget = latencyBudget(slo);
  const floor = Math.max(SMALLEST_P0, budget / 2);
  const name = `${percentileLabel(slo.percentile)} latency > ${formatLatencyMs(slo.threshold)}`;
  const bound = exceedanceUpperBound(baseline.latencyMs, slo.threshold);
  let p0 = floor;
  let p0Source = 'floor (half the latency budget)';
  if (bound === null) p0Source = 'floor (the baseline recorded no latencies)';
  else if (bound > floor) {
    p0 = bound;
    p0Source = `baseline latency summary (at most ${formatPercent(bound)} of requests over the threshold)`;
  }
  const wanted =
    config.minDetectableLatencyExceedance ??
    Math.min(LARGEST_DEFAULT_P1, LATENCY_P1_BUDGET_MULTIPLE * budget);
  const p1 = ensureAbove(p0, wanted, name, notes);
  return {
    name,
    key: `${percentileLabel(slo.percentile)}Latency`,
    p0,
    p1,
    detectsAbove: breakEvenRate(p0, p1),
    p0Source,
    latencyThresholdMs: slo.threshold,
  };
}

/**
 * The share of baseline requests over `thresholdMs`, bounded from above using only the summary
 * percentiles the baseline keeps: if p99 ≤ threshold, at most 1% exceed it. An upper bound, because
 * underestimating p0 is what makes a CUSUM raise false alarms.
 */
export function exceedanceUpperBound(summary: LatencySummaryMs | null, thresholdMs: number): number | null {
  if (!summary) return null;
  const steps: [number, number][] = [
    [summary.max, 0],
    [summary.p99, 0.01],
    [summary.p95, 0.05],
    [summary.p90, 0.1],
    [summary.p50, 0.5],
  ];
  for (const [valueMs, share] of steps) if (valueMs <= thresholdMs) return share;
  return 1;
}

/** p1 must exceed p0; when the baseline is already at or past the tuned p1, aim at twice the baseline. */
function ensureAbove(p0: number, wanted: number, stream: string, notes: string[]): number {
  if (p0 >= 0.99)
    throw new UserError(
      `the sequential detector cannot watch ${stream}: ${formatPercent(p0)} of baseline requests already count as bad`,
    );
  if (wanted > p0) return wanted;
  const raised = Math.min(0.99, Math.max(2 * p0, p0 + 0.01));
  notes.push(
    `${stream}: baseline rate ${formatPercent(p0)} is not below the tuned p1 ${formatPercent(wanted)}; aiming at ${formatPercent(raised)} instead`,
  );
  return raised;
}
