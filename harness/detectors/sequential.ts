/**
 * The `sequential` detector: Page's CUSUM per request outcome — one on errors, one per latency SLO
 * on exceedances of its threshold — whose one real setting is the false-alarm rate. It fires on the
 * request that takes a statistic across h, typically within a small factor of Lorden's bound
 * ln(ARL0)/KL requests after the change (see harness/bench/detect.ts for measurements).
 */
import type { SequentialDetectorConfig } from '../scenario/schema/detection.js';
import type { RequestOutcome } from '../traffic/sli.js';
import { Cusum } from './cusum.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';
import { planSequential, type SequentialPlan, type StreamPlan } from './sequential-plan.js';
import { formatPercent } from './slo-terms.js';
import { watchTraffic } from './watch-traffic.js';

const METHOD = 'per-request CUSUM on request outcomes; fires on the request that crosses h';
const RESOLUTION_NOTE = 'per-request CUSUM; fires on the request that crosses h';

interface WatchedStream {
  readonly plan: StreamPlan;
  readonly cusum: Cusum;
  readonly isEvent: (outcome: RequestOutcome) => boolean;
}

export class SequentialDetector implements Detector {
  readonly kind = 'sequential';
  /** The plan of the latest watch: p0, p1 and h depend on the baseline, known only then. */
  private plan: SequentialPlan | undefined;

  constructor(private readonly config: SequentialDetectorConfig) {}

  describe(): DetectorDescription {
    const settings: Record<string, unknown> = { ...this.config };
    delete settings.type;
    const plan = this.plan;
    if (plan) {
      settings.arl0Requests = plan.arl0Requests;
      settings.requestRate = plan.requestRate;
      settings.thresholdH = plan.threshold;
      settings.streams = plan.streams.map((stream) => ({
        name: stream.name,
        p0: stream.p0,
        p0Source: stream.p0Source,
        p1: stream.p1,
        detectsAbove: stream.detectsAbove,
        minEventsToFire: Math.ceil(plan.threshold / Math.log(stream.p1 / stream.p0)),
      }));
      if (plan.notes.length > 0) settings.notes = plan.notes;
    } else {
      settings.derived = 'p0, p1 and h are derived from the SLOs and the baseline when watching starts';
    }
    return { kind: this.kind, settings, observation: { method: METHOD, resolutionSeconds: 0.001 } };
  }

  watch(ctx: DetectorContext): Promise<Detection> {
    return watchTraffic(ctx, (fire) => {
      const plan = planSequential(this.config, ctx.slos, ctx.baseline);
      this.plan = plan;
      for (const note of plan.notes) ctx.log(`sequential: ${note}`);
      const streams: WatchedStream[] = plan.streams.map((stream) => ({
        plan: stream,
        cusum: new Cusum({ p0: stream.p0, p1: stream.p1, threshold: plan.threshold }),
        isEvent: eventTest(stream),
      }));
      let requests = 0;
      return {
        outcome(outcome) {
          requests++;
          for (const stream of streams) {
            if (!stream.cusum.update(stream.isEvent(outcome))) continue;
            fire({
              atMs: outcome.completedAtMs,
              reason: reasonFor(stream, requests),
              observed: observedFor(streams, plan, requests),
            });
            return;
          }
        },
      };
    });
  }
}

function eventTest(stream: StreamPlan): (outcome: RequestOutcome) => boolean {
  const thresholdMs = stream.latencyThresholdMs;
  if (thresholdMs === undefined) return (outcome) => outcome.errorClass !== undefined;
  return (outcome) => outcome.latencyMs > thresholdMs;
}

function reasonFor(stream: WatchedStream, requests: number): string {
  const { cusum, plan } = stream;
  const events = plan.latencyThresholdMs === undefined ? 'errors' : 'over the threshold';
  return (
    `${plan.name}: CUSUM ${cusum.statistic.toFixed(1)} ≥ h ${cusum.threshold.toFixed(1)} after ${requests} requests ` +
    `(${cusum.eventsSinceZero} ${events} in the last ${cusum.observationsSinceZero}; ` +
    `p0 ${formatPercent(plan.p0)} → p1 ${formatPercent(plan.p1)}; ${RESOLUTION_NOTE})`
  );
}

function observedFor(
  streams: readonly WatchedStream[],
  plan: SequentialPlan,
  requests: number,
): Record<string, number> {
  const observed: Record<string, number> = {
    requests,
    thresholdH: plan.threshold,
    arl0Requests: plan.arl0Requests,
  };
  for (const { plan: stream, cusum } of streams) {
    observed[`${stream.key}Statistic`] = cusum.statistic;
    observed[`${stream.key}Events`] = cusum.events;
    observed[`${stream.key}EventsSinceChange`] = cusum.eventsSinceZero;
    observed[`${stream.key}RequestsSinceChange`] = cusum.observationsSinceZero;
    observed[`${stream.key}P0`] = stream.p0;
    observed[`${stream.key}P1`] = stream.p1;
  }
  return observed;
}
