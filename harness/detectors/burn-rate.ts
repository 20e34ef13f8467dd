/**
 * The `burn-rate` detector: the SRE workbook's multi-window, multi-burn-rate alert on the error
 * budget, with windows scaled for drills. A pair fires when both its long window (the burn is
 * sustained) and its short window (it is still going on) burn the budget faster than its factor.
 * Like the Prometheus alert it models, its windows reach back before the fault started: that part
 * holds the baseline's traffic, so the long window must really fill with bad requests first.
 */
import { formatDurationMs } from '../core/errors.js';
import type { BurnRateDetectorConfig } from '../scenario/schema/detection.js';
import { NoDataReporter } from './no-data.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';
import { baselineRates, SampleWindow, totalsWithBaselineFill } from './sample-window.js';
import { errorBudget, formatPercent } from './slo-terms.js';
import { watchTraffic } from './watch-traffic.js';

export interface BurnRateTier {
  readonly longMs: number;
  readonly shortMs: number;
  readonly burnRate: number;
}

/** The configured window pairs, with each missing short window set to long/12 as in the workbook. */
export function burnRateTiers(config: BurnRateDetectorConfig): BurnRateTier[] {
  return config.windows.map((w) => ({
    longMs: w.long,
    shortMs: w.short ?? w.long / 12,
    burnRate: w.burnRate,
  }));
}

function tierLabel(tier: BurnRateTier): string {
  return `${tier.burnRate}x over ${formatDurationMs(tier.longMs)} and ${formatDurationMs(tier.shortMs)}`;
}

export class BurnRateDetector implements Detector {
  readonly kind = 'burn-rate';

  constructor(private readonly config: BurnRateDetectorConfig) {}

  describe(): DetectorDescription {
    const tiers = burnRateTiers(this.config);
    return {
      kind: this.kind,
      settings: {
        windows: tiers.map((tier) => ({ long: tier.longMs, short: tier.shortMs, burnRate: tier.burnRate })),
        minRequests: this.config.minRequests,
        firesWhen: `error ratio > burnRate × (1 − availability) over both windows of a pair: ${tiers.map(tierLabel).join('; ')}`,
        beforeFault:
          "the part of a window before watching began holds the baseline's request rate and error ratio",
        noData: `a pair whose short window saw fewer than ${this.config.minRequests} requests is not evaluated (no data, never a detection)`,
      },
      observation: {
        method: 'evaluated on 1 s SLI samples; detection time = end of the sample that crossed',
        resolutionSeconds: 1,
      },
    };
  }

  watch(ctx: DetectorContext): Promise<Detection> {
    const tiers = burnRateTiers(this.config);
    const { minRequests } = this.config;
    const budget = errorBudget(ctx.slos);
    const horizonMs = Math.max(...tiers.map((tier) => tier.longMs));
    const shortestText = formatDurationMs(Math.min(...tiers.map((tier) => tier.shortMs)));
    return watchTraffic(ctx, (fire) => {
      const window = new SampleWindow(horizonMs);
      const baseline = baselineRates(ctx.baseline);
      const noData = new NoDataReporter(
        this.kind,
        minRequests,
        `the short windows (≥ ${shortestText})`,
        (m) => ctx.log(m),
      );
      let evaluations = 0;
      return {
        sample(sample) {
          window.push(sample);
          evaluations++;
          const endMs = sample.startMs + sample.durationMs;
          const observed: Record<string, number> = { errorBudget: budget, evaluations };
          let mostObserved = 0;
          let firing:
            { tier: BurnRateTier; longRatio: number; shortRatio: number; shortRequests: number } | undefined;
          for (const [index, tier] of tiers.entries()) {
            const shortObserved = window.totals(endMs - tier.shortMs, endMs).requests;
            mostObserved = Math.max(mostObserved, shortObserved);
            if (shortObserved < minRequests || shortObserved === 0) continue;
            const long = totalsWithBaselineFill(window, endMs - tier.longMs, endMs, baseline);
            const short = totalsWithBaselineFill(window, endMs - tier.shortMs, endMs, baseline);
            const longRatio = long.errors / long.requests;
            const shortRatio = short.errors / short.requests;
            const limit = tier.burnRate * budget;
            observed[`pair${index + 1}LongErrorRatio`] = longRatio;
            observed[`pair${index + 1}ShortErrorRatio`] = shortRatio;
            if (!firing && longRatio > limit && shortRatio > limit)
              firing = { tier, longRatio, shortRatio, shortRequests: shortObserved };
          }
          if (!noData.check(mostObserved)) return;
          observed.noDataEvaluations = noData.count;
          if (!firing) return;
          const { tier, longRatio, shortRatio, shortRequests } = firing;
          fire({
            atMs: endMs,
            reason: burnReason(tier, longRatio, shortRatio, budget, shortRequests),
            observed,
          });
        },
      };
    });
  }
}

/** "burn rate 9.8x over 6m and 10.0x over 30s > 6x (error budget 0.5%; 3000 requests in 30s)". */
function burnReason(
  tier: BurnRateTier,
  longRatio: number,
  shortRatio: number,
  budget: number,
  shortRequests: number,
): string {
  const long = formatDurationMs(tier.longMs);
  const short = formatDurationMs(tier.shortMs);
  const tail = `${shortRequests} requests in ${short}`;
  if (budget === 0)
    return `error ratio ${formatPercent(longRatio)} over ${long} and ${formatPercent(shortRatio)} over ${short} with an SLO that allows no errors (${tail})`;
  return (
    `burn rate ${(longRatio / budget).toFixed(1)}x over ${long} and ${(shortRatio / budget).toFixed(1)}x over ${short} ` +
    `> ${tier.burnRate}x (error budget ${formatPercent(budget)}; ${tail})`
  );
}
