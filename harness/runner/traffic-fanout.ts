import type { RequestOutcome, SliSample, TrafficListener } from '../traffic/sli.js';

/**
 * One listener for the traffic generator that keeps the per-second series (what the record holds)
 * and forwards everything to whoever subscribed (detectors, observers). Listeners that throw are
 * isolated so a faulty exporter cannot stop measurement.
 */
export class TrafficFanout implements TrafficListener {
  private readonly listeners = new Set<TrafficListener>();
  private readonly series: SliSample[] = [];

  subscribe(listener: TrafficListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  outcome(outcome: RequestOutcome): void {
    for (const listener of this.listeners) safely(() => listener.outcome?.(outcome));
  }

  sample(sample: SliSample): void {
    this.series.push(sample);
    for (const listener of this.listeners) safely(() => listener.sample?.(sample));
  }

  samples(): readonly SliSample[] {
    return this.series;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A listener's failure must not break the drill; observers report their own errors.
  }
}
