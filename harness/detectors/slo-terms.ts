/**
 * The SLO arithmetic and wording detectors share, so every detector states its reasons the same way.
 */
import type { Slos } from '../scenario/model.js';

export type LatencySlo = Slos['latency'][number];

/** The error budget: the share of requests allowed to fail (1 − availability). */
export function errorBudget(slos: Slos): number {
  return tidy(Math.max(0, 1 - slos.availability));
}

/** The share of requests allowed over a latency SLO's threshold: 5% for a p95 objective. */
export function latencyBudget(slo: LatencySlo): number {
  return tidy(1 - slo.percentile / 100);
}

/** 1 − 0.99 is 0.010000000000000009 in floating point; records should say 0.01. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** 0.3 → "30.0%", 0.005 → "0.5%", 0.0005 → "0.05%": enough digits to compare against a budget. */
export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  if (percent >= 1 || percent === 0) return `${percent.toFixed(1)}%`;
  return `${Number(percent.toPrecision(2))}%`;
}

/** 95 → "p95", 99.9 → "p99.9". */
export function percentileLabel(percentile: number): string {
  return `p${Number(percentile.toFixed(3))}`;
}

/** 812.345 → "812ms", 1.25 → "1.3ms": latencies the way the scenario file writes them. */
export function formatLatencyMs(ms: number): string {
  return ms >= 10 ? `${Math.round(ms)}ms` : `${Number(ms.toPrecision(2))}ms`;
}

/** "error ratio" keys for Detection.observed: `p95LatencyMs`, `p99.9LatencyMs`. */
export function latencyKey(slo: LatencySlo): string {
  return `${percentileLabel(slo.percentile)}LatencyMs`;
}
