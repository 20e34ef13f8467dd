/**
 * Turns a stream of request outcomes into one SliSample per second. Pure: time comes in through the
 * arguments, so the generator drives it from its clock and tests drive it with plain numbers.
 * Memory is one histogram and a few counters, however long the drill runs.
 */
import {
  encodeHistogram,
  recordLatencyMs,
  summarizeLatency,
  type LatencyHistogram,
  newLatencyHistogram,
} from '../measure/latency-histogram.js';
import type { ErrorClass, RequestOutcome, SliSample } from './sli.js';

export const SLI_INTERVAL_MS = 1000;

export interface SliAggregatorOptions {
  /** Monotonic ms the first interval starts at (the generator's t0). */
  readonly startMs: number;
  readonly intervalMs?: number;
  /** Receives each sample as its interval closes, in order, empty intervals included. */
  readonly emit: (sample: SliSample) => void;
}

/**
 * Interval k covers [startMs + k·intervalMs, startMs + (k+1)·intervalMs). Outcomes are bucketed by
 * completion time; drops by the time the request was due. Anything that arrives for an interval
 * already emitted (a timer that fired late) is counted in the interval still open, never lost.
 */
export class SliAggregator {
  private readonly startMs: number;
  private readonly intervalMs: number;
  private readonly emit: (sample: SliSample) => void;
  private intervalIndex = 0;
  private requests = 0;
  private errors = 0;
  private dropped = 0;
  private errorsByClass: Partial<Record<ErrorClass, number>> = {};
  private histogram: LatencyHistogram | undefined = newLatencyHistogram();

  constructor(options: SliAggregatorOptions) {
    this.startMs = options.startMs;
    this.intervalMs = options.intervalMs ?? SLI_INTERVAL_MS;
    if (!(this.intervalMs > 0)) throw new Error(`intervalMs must be positive, got ${this.intervalMs}`);
    this.emit = options.emit;
  }

  /** Start of the interval still being filled. */
  get openIntervalStartMs(): number {
    return this.startMs + this.intervalIndex * this.intervalMs;
  }

  /** When the open interval closes: the generator wakes by then to emit it on time. */
  get nextIntervalEndMs(): number {
    return this.startMs + (this.intervalIndex + 1) * this.intervalMs;
  }

  get finished(): boolean {
    return this.histogram === undefined;
  }

  recordOutcome(outcome: RequestOutcome): void {
    if (!this.histogram) return;
    this.flush(outcome.completedAtMs);
    this.requests += 1;
    if (outcome.errorClass) {
      this.errors += 1;
      this.errorsByClass[outcome.errorClass] = (this.errorsByClass[outcome.errorClass] ?? 0) + 1;
    }
    recordLatencyMs(this.histogram, outcome.latencyMs);
  }

  /** A request due at `dueAtMs` that was not sent because too many were in flight. */
  recordDrop(dueAtMs: number): void {
    if (!this.histogram) return;
    this.flush(dueAtMs);
    this.dropped += 1;
  }

  /** Emits every interval that ended at or before `nowMs` (empty ones too). */
  flush(nowMs: number): void {
    while (this.histogram && this.nextIntervalEndMs <= nowMs) {
      const sample = this.takeOpenInterval(this.histogram, this.intervalMs);
      // Move on before emitting, so a throwing sink cannot make an interval be emitted twice.
      this.intervalIndex += 1;
      this.emit(sample);
    }
  }

  /**
   * Emits whatever ended by `nowMs`, then the open interval as a partial sample (its durationMs says
   * how long it really was). Later calls do nothing.
   */
  finish(nowMs: number): void {
    this.flush(nowMs);
    const histogram = this.histogram;
    if (!histogram) return;
    this.histogram = undefined;
    const partialMs = Math.max(0, nowMs - this.openIntervalStartMs);
    const hasAnything = partialMs > 0 || this.requests > 0 || this.dropped > 0;
    const sample = hasAnything ? this.takeOpenInterval(histogram, partialMs) : undefined;
    histogram.destroy();
    if (sample) this.emit(sample);
  }

  /** The open interval as a sample; resets the counters for the next one. */
  private takeOpenInterval(histogram: LatencyHistogram, durationMs: number): SliSample {
    const hasLatency = histogram.totalCount > 0;
    const sample: SliSample = {
      startMs: this.openIntervalStartMs,
      durationMs,
      requests: this.requests,
      errors: this.errors,
      dropped: this.dropped,
      errorsByClass: this.errorsByClass,
      latencyMs: summarizeLatency(histogram),
      latencyHistogram: hasLatency ? encodeHistogram(histogram) : null,
    };
    this.requests = 0;
    this.errors = 0;
    this.dropped = 0;
    this.errorsByClass = {};
    histogram.reset();
    return sample;
  }
}
