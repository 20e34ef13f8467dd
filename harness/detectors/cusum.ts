/**
 * Page's CUSUM for a Bernoulli stream (1954), and the arithmetic around it. Pure: no clock, no I/O.
 *
 * Each observation adds its log-likelihood ratio ln(P1(x)/P0(x)) to a statistic floored at 0;
 * the CUSUM fires when the statistic reaches h. With h = ln(ARL0) the mean number of observations
 * between false alarms is at least ARL0 (Lorden 1971), and the mean delay after a change to p1 is
 * about ln(ARL0)/KL(p1‖p0) observations — the lower bound for any detector with that false-alarm rate.
 */

/** KL(Bernoulli(p) ‖ Bernoulli(q)) in nats: the evidence per observation that the rate is p, not q. */
export function bernoulliKl(p: number, q: number): number {
  const term = (a: number, b: number): number => (a === 0 ? 0 : a * Math.log(a / b));
  return term(p, q) + term(1 - p, 1 - q);
}

/** The CUSUM threshold for a mean of `arl0` observations between false alarms. */
export function thresholdForArl0(arl0: number): number {
  return Math.log(arl0);
}

/** Lorden's bound: the least worst-case mean delay, in observations, at that false-alarm rate. */
export function lordenDelayBound(arl0: number, p0: number, p1: number): number {
  return Math.log(arl0) / bernoulliKl(p1, p0);
}

/**
 * The event rate at which the CUSUM's drift is zero: the statistic only climbs (on average) when
 * the true rate is above it. A CUSUM tuned to p1 still catches any rate above this, more slowly.
 */
export function breakEvenRate(p0: number, p1: number): number {
  const up = Math.log(p1 / p0);
  const down = Math.log((1 - p0) / (1 - p1));
  return down / (up + down);
}

export interface CusumSettings {
  /** Event probability when all is well. */
  readonly p0: number;
  /** Event probability the CUSUM is tuned to catch fastest. */
  readonly p1: number;
  /** h: the statistic fires when it reaches this. */
  readonly threshold: number;
}

export class Cusum {
  /** ln(p1/p0): added on an event. */
  readonly eventIncrement: number;
  /** ln((1−p1)/(1−p0)): added (negative) on a non-event. */
  readonly nonEventIncrement: number;
  readonly threshold: number;
  statistic = 0;
  observations = 0;
  events = 0;
  /** Observations since the statistic last sat at 0: the CUSUM's estimate of when the change began. */
  observationsSinceZero = 0;
  /** Events among those observations. */
  eventsSinceZero = 0;

  constructor(settings: CusumSettings) {
    const { p0, p1, threshold } = settings;
    if (!(p0 > 0 && p0 < p1 && p1 < 1))
      throw new RangeError(`CUSUM needs 0 < p0 < p1 < 1, got p0 = ${p0}, p1 = ${p1}`);
    if (!(threshold > 0)) throw new RangeError(`CUSUM threshold must be positive, got ${threshold}`);
    this.eventIncrement = Math.log(p1 / p0);
    this.nonEventIncrement = Math.log((1 - p1) / (1 - p0));
    this.threshold = threshold;
  }

  /** Adds one observation; true when the statistic has reached the threshold. */
  update(event: boolean): boolean {
    this.observations++;
    if (event) this.events++;
    const next = this.statistic + (event ? this.eventIncrement : this.nonEventIncrement);
    if (next <= 0) {
      this.statistic = 0;
      this.observationsSinceZero = 0;
      this.eventsSinceZero = 0;
      return false;
    }
    this.statistic = next;
    this.observationsSinceZero++;
    if (event) this.eventsSinceZero++;
    return next >= this.threshold;
  }

  /** The fewest consecutive events that can take the statistic from 0 to the threshold. */
  minEventsToFire(): number {
    return Math.ceil(this.threshold / this.eventIncrement);
  }

  reset(): void {
    this.statistic = 0;
    this.observations = 0;
    this.events = 0;
    this.observationsSinceZero = 0;
    this.eventsSinceZero = 0;
  }
}
