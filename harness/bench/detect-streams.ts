/**
 * Simulated traffic for the detection benchmark: Poisson arrivals at a fixed rate, each request an
 * error with a fixed probability and a log-normal latency, summarised into the same per-second
 * SliSamples the real traffic generator emits. Before and after the fault the models differ; the
 * benchmark knows the true change, so it can compare every detector with the statistical bound.
 */
import * as hdr from 'hdr-histogram-js';
import type { WindowSli } from '../measure/windows.js';
import { encodeHistogram, recordLatencyMs, summarizeLatency } from '../measure/latency-histogram.js';
import type { Slos } from '../scenario/model.js';
import type { RequestOutcome, SliSample } from '../traffic/sli.js';
import type { SeededRandom } from './detect-random.js';
import { normalCdf } from '../detectors/baseline-rate.js';

export interface OutcomeModel {
  /** Probability that a request fails. */
  readonly errorRatio: number;
  /** Median latency, ms. */
  readonly latencyMedianMs: number;
  /** σ of ln(latency); 0 = every request takes the median. */
  readonly latencySigma: number;
}

export interface StreamCase {
  readonly id: string;
  readonly title: string;
  readonly slos: Slos;
  readonly before: OutcomeModel;
  readonly after: OutcomeModel;
  /** The Bernoulli stream that carries the change, and its true rates (for the Lorden bound). */
  readonly changed: { readonly stream: string; readonly p0: number; readonly p1: number };
  /** Per-second latency histograms are only built when an SLO needs them (they cost ~0.5 ms each). */
  readonly latencyHistograms: boolean;
}

/** Share of requests slower than `thresholdMs` under a model. */
export function exceedanceShare(model: OutcomeModel, thresholdMs: number): number {
  if (model.latencySigma === 0) return model.latencyMedianMs > thresholdMs ? 1 : 0;
  return 1 - normalCdf(Math.log(thresholdMs / model.latencyMedianMs) / model.latencySigma);
}

const FLAT_LATENCY = { latencyMedianMs: 50, latencySigma: 0 };
const LATENCY_SLO = { percentile: 95, threshold: 300 };
const SLOW_BEFORE = { errorRatio: 0.001, latencyMedianMs: 80, latencySigma: 0.5 };
const SLOW_AFTER = { errorRatio: 0.001, latencyMedianMs: 200, latencySigma: 0.5 };

/**
 * The benchmark's cases. Each SLO gives the normal rate half the budget of headroom, as teams
 * usually set them; the error cases carry no latency SLO, so their samples skip histograms.
 */
export const STREAM_CASES: readonly StreamCase[] = [
  {
    id: 'errors-0.5-5',
    title: 'errors 0.5% → 5% (SLO 99%)',
    slos: { availability: 0.99, latency: [] },
    before: { errorRatio: 0.005, ...FLAT_LATENCY },
    after: { errorRatio: 0.05, ...FLAT_LATENCY },
    changed: { stream: 'errors', p0: 0.005, p1: 0.05 },
    latencyHistograms: false,
  },
  {
    id: 'errors-0.1-1',
    title: 'errors 0.1% → 1% (SLO 99.8%)',
    slos: { availability: 0.998, latency: [] },
    before: { errorRatio: 0.001, ...FLAT_LATENCY },
    after: { errorRatio: 0.01, ...FLAT_LATENCY },
    changed: { stream: 'errors', p0: 0.001, p1: 0.01 },
    latencyHistograms: false,
  },
  {
    id: 'latency-80-200',
    title: 'latency median 80 → 200 ms (SLO p95 ≤ 300 ms, 99%)',
    slos: { availability: 0.99, latency: [LATENCY_SLO] },
    before: SLOW_BEFORE,
    after: SLOW_AFTER,
    changed: {
      stream: 'requests over 300 ms',
      p0: exceedanceShare(SLOW_BEFORE, LATENCY_SLO.threshold),
      p1: exceedanceShare(SLOW_AFTER, LATENCY_SLO.threshold),
    },
    latencyHistograms: true,
  },
];

function newCountingHistogram(): hdr.Histogram {
  // 32-bit counts: the "packed" layout is ~10x slower to record and encode (see detectors/latency-window.ts).
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** One simulated traffic generator: a Poisson process of completions at `rate` per second. */
export class OutcomeStream {
  private nextCompletionMs: number;
  private readonly meanGapMs: number;

  constructor(
    private readonly random: SeededRandom,
    rate: number,
    private readonly latencyHistograms: boolean,
    startMs = 0,
  ) {
    this.meanGapMs = 1000 / rate;
    this.nextCompletionMs = startMs + random.exponential(this.meanGapMs);
  }

  /**
   * Simulates the second starting at `startMs` under `model`: every request that completes in it is
   * passed to `onOutcome` (in completion order), and the second's SliSample is returned.
   */
  second(startMs: number, model: OutcomeModel, onOutcome?: (outcome: RequestOutcome) => void): SliSample {
    const endMs = startMs + 1000;
    const histogram = this.latencyHistograms ? newCountingHistogram() : null;
    let requests = 0;
    let errors = 0;
    while (this.nextCompletionMs < endMs) {
      const completedAtMs = this.nextCompletionMs;
      this.nextCompletionMs += this.random.exponential(this.meanGapMs);
      const failed = this.random.next() < model.errorRatio;
      const latencyMs =
        model.latencySigma === 0
          ? model.latencyMedianMs
          : model.latencyMedianMs * Math.exp(model.latencySigma * this.random.normal());
      requests++;
      if (failed) errors++;
      if (histogram) recordLatencyMs(histogram, latencyMs);
      if (onOutcome)
        onOutcome(
          failed
            ? {
                scheduledAtMs: completedAtMs - latencyMs,
                completedAtMs,
                latencyMs,
                status: 503,
                errorClass: 'http_5xx',
                endpoint: 'GET /',
              }
            : {
                scheduledAtMs: completedAtMs - latencyMs,
                completedAtMs,
                latencyMs,
                status: 200,
                endpoint: 'GET /',
              },
        );
    }
    const hasLatency = histogram !== null && requests > 0;
    const sample: SliSample = {
      startMs,
      durationMs: 1000,
      requests,
      errors,
      dropped: 0,
      errorsByClass: errors > 0 ? { http_5xx: errors } : {},
      latencyMs: hasLatency ? summarizeLatency(histogram) : null,
      latencyHistogram: hasLatency ? encodeHistogram(histogram) : null,
    };
    histogram?.destroy();
    return sample;
  }
}

/**
 * Runs a baseline phase of `seconds` and returns what the runner would hand detectors: the
 * baseline WindowSli. Built from the outcomes directly (the same figures measure/windowSli gives,
 * without decoding a histogram per second).
 */
export function simulateBaseline(
  stream: OutcomeStream,
  model: OutcomeModel,
  startMs: number,
  seconds: number,
): WindowSli {
  const histogram = newCountingHistogram();
  let requests = 0;
  let errors = 0;
  for (let s = 0; s < seconds; s++) {
    const sample = stream.second(startMs + s * 1000, model, (outcome) =>
      recordLatencyMs(histogram, outcome.latencyMs),
    );
    requests += sample.requests;
    errors += sample.errors;
  }
  const latencyMs = summarizeLatency(histogram);
  histogram.destroy();
  return {
    startMs,
    endMs: startMs + seconds * 1000,
    requests,
    errors,
    dropped: 0,
    availability: requests > 0 ? 1 - errors / requests : null,
    errorRatio: requests > 0 ? errors / requests : null,
    latencyMs,
  };
}
