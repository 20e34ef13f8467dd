/**
 * The peer baseline: an Argo-Rollouts-style AnalysisRun. A measurement every `interval` queries
 * the error ratio (and each latency SLO percentile) over a `window`, as `rate(x[1m])` would, on
 * data as fresh as the last Prometheus scrape; the analysis fails — and the detector fires — when
 * failed measurements exceed `failureLimit`. Like Prometheus, it sees the traffic from before the
 * fault: the window's part before watching began holds the baseline's rate and error ratio.
 * Deviation from Argo, on purpose: a measurement with too few requests is inconclusive, never a
 * failure (Argo would count an empty result as an error).
 * Driven by the SLI samples' timestamps, so a simulated stream replays it exactly.
 */
import { formatDurationMs } from '../core/errors.js';
import type { ArgoStyleDetectorConfig } from '../scenario/schema/detection.js';
import { LatencyWindow } from './latency-window.js';
import { NoDataReporter } from './no-data.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';
import { baselineRates, SampleWindow, totalsWithBaselineFill } from './sample-window.js';
import { errorBudget, formatLatencyMs, formatPercent, latencyKey, percentileLabel } from './slo-terms.js';
import { watchTraffic } from './watch-traffic.js';

export class ArgoStyleDetector implements Detector {
  readonly kind = 'argo-style';

  constructor(private readonly config: ArgoStyleDetectorConfig) {}

  private cadence(): string {
    const { interval, window, scrapeInterval } = this.config;
    const freshness =
      scrapeInterval > 0 ? `data as of the last ${formatDurationMs(scrapeInterval)} scrape` : 'fresh data';
    return `a measurement every ${formatDurationMs(interval)} over a ${formatDurationMs(window)} window, on ${freshness}`;
  }

  describe(): DetectorDescription {
    const { interval, window, failureLimit, scrapeInterval, initialDelay, minRequests } = this.config;
    return {
      kind: this.kind,
      settings: {
        interval,
        window,
        failureLimit,
        scrapeInterval,
        initialDelay,
        minRequests,
        firesWhen: `more than ${failureLimit} failed measurements; a measurement fails when the error ratio > 1 − availability or a latency SLO percentile > its threshold`,
        beforeFault:
          "the part of a window before watching began holds the baseline's request rate and error ratio",
      },
      observation: {
        method: `Argo-Rollouts-style analysis: ${this.cadence()}; detection time = the failing measurement`,
        resolutionSeconds: interval / 1000,
      },
    };
  }

  watch(ctx: DetectorContext): Promise<Detection> {
    const {
      interval,
      window: windowMs,
      failureLimit,
      scrapeInterval,
      initialDelay,
      minRequests,
    } = this.config;
    const budget = errorBudget(ctx.slos);
    const cadence = this.cadence();
    return watchTraffic(ctx, (fire) => {
      const samples = new SampleWindow(windowMs + scrapeInterval + interval);
      const latency = new LatencyWindow();
      const baseline = baselineRates(ctx.baseline);
      const noData = new NoDataReporter(this.kind, minRequests, formatDurationMs(windowMs), (m) =>
        ctx.log(m),
      );
      let nextMeasurementMs = ctx.clock.now() + initialDelay;
      let measurements = 0;
      let failures = 0;

      /** One measurement at `atMs`; true when the analysis has failed. */
      const measure = (atMs: number): boolean => {
        const visibleMs = scrapeInterval > 0 ? Math.floor(atMs / scrapeInterval) * scrapeInterval : atMs;
        const fromMs = visibleMs - windowMs;
        latency.slide(fromMs, visibleMs);
        // What the query would return: the window's part before watching began held the baseline.
        const totals = totalsWithBaselineFill(samples, fromMs, visibleMs, baseline);
        const windowRequests = Math.round(totals.requests);
        if (!noData.check(windowRequests)) return false;
        measurements++;
        const errorRatio = totals.errors / totals.requests;
        const breaches: string[] = [];
        const observed: Record<string, number> = {
          errorRatio,
          errorBudget: budget,
          requests: windowRequests,
        };
        if (errorRatio > budget)
          breaches.push(`error ratio ${formatPercent(errorRatio)} > ${formatPercent(budget)}`);
        for (const slo of ctx.slos.latency) {
          const valueMs = latency.percentileMs(slo.percentile);
          if (valueMs === null) continue;
          observed[latencyKey(slo)] = valueMs;
          if (valueMs > slo.threshold)
            breaches.push(
              `${percentileLabel(slo.percentile)} latency ${formatLatencyMs(valueMs)} > ${formatLatencyMs(slo.threshold)}`,
            );
        }
        if (breaches.length === 0) return false;
        failures++;
        if (failures <= failureLimit) return false;
        fire({
          atMs,
          reason:
            `${failures} failed measurement${failures > 1 ? 's' : ''} > failureLimit ${failureLimit} (${cadence}): ` +
            `${breaches.join(', ')} (${windowRequests} requests in the window)`,
          observed: { ...observed, measurements, failures, inconclusiveMeasurements: noData.count },
        });
        return true;
      };

      return {
        sample(sample) {
          samples.push(sample);
          latency.push(sample);
          const endMs = sample.startMs + sample.durationMs;
          while (nextMeasurementMs <= endMs) {
            const atMs = nextMeasurementMs;
            nextMeasurementMs += interval;
            if (measure(atMs)) return;
          }
        },
      };
    });
  }
}
