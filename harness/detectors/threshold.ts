/**
 * The `threshold` detector: on every per-second SLI sample, the error ratio and each latency SLO
 * percentile over a sliding window are compared with the SLO. Simple and transparent, but a short
 * window on low traffic is noisy — see docs/detection.md for when to prefer `sequential`.
 * Until the window has filled, its part before watching began holds the baseline's traffic (a
 * 1 s window of 100 requests is far noisier than the 5 s one the settings promise); latency
 * percentiles cannot be filled that way and are taken over what was watched.
 */
import { formatDurationMs } from '../core/errors.js';
import type { ThresholdDetectorConfig } from '../scenario/schema/detection.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';
import { LatencyWindow } from './latency-window.js';
import { baselineRates, SampleWindow, totalsWithBaselineFill } from './sample-window.js';
import { errorBudget, formatLatencyMs, formatPercent, latencyKey, percentileLabel } from './slo-terms.js';
import { NoDataReporter } from './no-data.js';
import { watchTraffic } from './watch-traffic.js';

export class ThresholdDetector implements Detector {
  readonly kind = 'threshold';

  constructor(private readonly config: ThresholdDetectorConfig) {}

  describe(): DetectorDescription {
    const window = formatDurationMs(this.config.window);
    return {
      kind: this.kind,
      settings: {
        window: this.config.window,
        minRequests: this.config.minRequests,
        firesWhen: `error ratio > 1 − availability, or a latency SLO percentile > its threshold, over the last ${window}`,
        beforeFault:
          "until the window has filled, its part before watching began holds the baseline's request rate and error ratio",
        noData: `fewer than ${this.config.minRequests} requests in the window: reported as no data, never a detection`,
      },
      observation: {
        method: `evaluated on 1 s SLI samples over a ${window} window; detection time = end of the sample that crossed`,
        resolutionSeconds: 1,
      },
    };
  }

  watch(ctx: DetectorContext): Promise<Detection> {
    const { window: windowMs, minRequests } = this.config;
    const windowText = formatDurationMs(windowMs);
    const budget = errorBudget(ctx.slos);
    return watchTraffic(ctx, (fire) => {
      const window = new SampleWindow(windowMs);
      const latency = new LatencyWindow();
      const baseline = baselineRates(ctx.baseline);
      const noData = new NoDataReporter(this.kind, minRequests, windowText, ctx.log.bind(ctx));
      let evaluations = 0;
      return {
        sample(sample) {
          window.push(sample);
          latency.push(sample);
          evaluations++;
          const endMs = sample.startMs + sample.durationMs;
          const fromMs = endMs - windowMs;
          latency.slide(fromMs, endMs);
          const seen = window.totals(fromMs, endMs);
          if (!noData.check(seen.requests)) return;

          const totals = totalsWithBaselineFill(window, fromMs, endMs, baseline);
          const filledRequests = totals.requests - seen.requests;
          const errorRatio = totals.errors / totals.requests;
          const observed: Record<string, number> = {
            windowMs,
            requests: seen.requests,
            errors: seen.errors,
            baselineFillRequests: filledRequests,
            errorRatio,
            errorBudget: budget,
            evaluations,
            noDataEvaluations: noData.count,
          };
          const latencyBreaches: string[] = [];
          for (const slo of ctx.slos.latency) {
            const valueMs = latency.percentileMs(slo.percentile);
            if (valueMs === null) continue;
            observed[latencyKey(slo)] = valueMs;
            if (valueMs > slo.threshold)
              latencyBreaches.push(
                `${percentileLabel(slo.percentile)} latency ${formatLatencyMs(valueMs)} > ${formatLatencyMs(slo.threshold)}`,
              );
          }
          if (errorRatio > budget) {
            const requests =
              filledRequests > 0
                ? `${seen.requests} requests + ${Math.round(filledRequests)} at the baseline's rate before watching began`
                : `${seen.requests} requests`;
            fire({
              atMs: endMs,
              reason: `error ratio ${formatPercent(errorRatio)} > ${formatPercent(budget)} over ${windowText} (${requests})`,
              observed,
            });
          } else if (latencyBreaches.length > 0) {
            // Latency histograms cannot be filled from the baseline's summary: say what was merged.
            const spanMs = endMs - Math.max(fromMs, window.observedSinceMs() ?? fromMs);
            const span = spanMs < windowMs ? `the ${formatDurationMs(spanMs)} watched so far` : windowText;
            fire({
              atMs: endMs,
              reason: `${latencyBreaches.join(', ')} over ${span} (${seen.requests} requests)`,
              observed,
            });
          }
        },
      };
    });
  }
}
