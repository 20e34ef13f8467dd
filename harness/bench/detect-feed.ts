/**
 * Feeds a simulated stream to detectors through real DetectorContexts on a FakeClock, the way the
 * runner's traffic fan-out does in a drill, and tells the benchmark when each one fired.
 */
import { FakeClock } from '../core/fake-clock.js';
import type { Detection, Detector, DetectorContext } from '../detectors/port.js';
import type { WindowSli } from '../measure/windows.js';
import type { Slos } from '../scenario/model.js';
import type { RequestOutcome, SliSample, TrafficListener } from '../traffic/sli.js';

/** The clock may trail the stream by this much while no timer waits (advancing has a fixed cost). */
const MAX_CLOCK_LAG_MS = 60_000;

/** One detector's watch: settles when it fires (or fails); `stopped` flips when it unsubscribes. */
export class WatchHandle {
  detection: Detection | undefined;
  error: unknown;
  stopped = false;
  readonly done: Promise<void>;

  constructor(
    readonly detector: Detector,
    readonly startedAtMs: number,
    watch: (handle: WatchHandle) => Promise<Detection>,
  ) {
    this.done = watch(this).then(
      (detection) => {
        this.detection = detection;
        this.stopped = true;
      },
      (error: unknown) => {
        this.error = error;
        this.stopped = true;
      },
    );
  }
}

export class BenchFeed {
  readonly clock = new FakeClock();
  private readonly listeners = new Set<TrafficListener>();
  private readonly controller = new AbortController();

  constructor(
    private readonly slos: Slos,
    private baseline: WindowSli,
  ) {}

  setBaseline(baseline: WindowSli): void {
    this.baseline = baseline;
  }

  /** Starts `detector` watching now, with a context of its own. */
  watch(detector: Detector): WatchHandle {
    return new WatchHandle(detector, this.clock.now(), (handle) => detector.watch(this.context(handle)));
  }

  emitOutcome(outcome: RequestOutcome): void {
    for (const listener of this.listeners) listener.outcome?.(outcome);
  }

  emitSample(sample: SliSample): void {
    for (const listener of this.listeners) listener.sample?.(sample);
  }

  /**
   * Brings the clock up to `ms`. Every second while a detector has a timer pending; otherwise in
   * steps of up to a minute, since no detector can observe the clock between its timers.
   */
  async syncClock(ms: number, exact = false): Promise<void> {
    const lag = ms - this.clock.now();
    if (lag <= 0) return;
    if (exact || lag >= MAX_CLOCK_LAG_MS || this.clock.pendingTimers() > 0) await this.clock.advance(lag);
  }

  /** Aborts every watch still running (the end of a trial) and waits for them to settle. */
  async abortAll(handles: readonly WatchHandle[]): Promise<void> {
    this.controller.abort();
    await Promise.all(handles.map((handle) => handle.done));
  }

  private context(handle: WatchHandle): DetectorContext {
    return {
      clock: this.clock,
      signal: this.controller.signal,
      log: () => {
        // Progress lines ("no data ...") are noise across thousands of simulated watches.
      },
      slos: this.slos,
      baseline: this.baseline,
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => {
          this.listeners.delete(listener);
          handle.stopped = true;
        };
      },
    };
  }
}
