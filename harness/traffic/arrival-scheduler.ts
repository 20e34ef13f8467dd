/**
 * The open-model arrival loop: request i is due at startMs + i·1000/rate on the drill's clock, no
 * matter how earlier requests fared. One timer at a time, set for the next due request or the next
 * deadline a caller asks for (the end of an SLI interval), so the loop never spins a core and sends
 * every due request in order when it wakes, even after the event loop stalled.
 */
import type { Clock } from '../core/clock.js';

export interface ArrivalSchedulerOptions {
  readonly clock: Clock;
  /** Arrivals per second; any positive number, fractions included. */
  readonly ratePerSecond: number;
  /** Called once per arrival, in order, as soon as a wake finds it due. */
  readonly onDue: (scheduledAtMs: number) => void;
  /** Called at the end of every wake, after the due arrivals (e.g. to close SLI intervals). */
  readonly onWake?: (nowMs: number) => void;
  /** Another moment the loop must wake by, read after every wake. */
  readonly nextDeadlineMs?: () => number;
}

export class ArrivalScheduler {
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly options: ArrivalSchedulerOptions;
  private startMs = 0;
  private nextIndex = 0;
  private arriving = false;
  private looping = false;
  private cancelTimer: (() => void) | undefined;

  constructor(options: ArrivalSchedulerOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond))
      throw new Error(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    this.clock = options.clock;
    this.intervalMs = 1000 / options.ratePerSecond;
    this.options = options;
  }

  /** Arrivals scheduled so far (sent or dropped). */
  get scheduledCount(): number {
    return this.nextIndex;
  }

  /** When arrival `index` is due; multiplied from t0, not accumulated, so it never drifts. */
  scheduledAtMs(index: number): number {
    return this.startMs + index * this.intervalMs;
  }

  /** Starts at `startMs` (default now) and handles arrival 0 at once when it is due; returns t0. */
  start(startMs = this.clock.now()): number {
    if (this.looping || this.arriving) throw new Error('the arrival scheduler is already running');
    this.startMs = startMs;
    this.nextIndex = 0;
    this.arriving = true;
    this.looping = true;
    this.wake();
    return startMs;
  }

  /** No more arrivals; the loop keeps waking for `nextDeadlineMs` until stop(). */
  stopArrivals(): void {
    if (!this.arriving) return;
    this.arriving = false;
    // The pending timer was set for the next arrival; re-arm for the deadline alone.
    if (this.looping && this.cancelTimer) this.arm(this.clock.now());
  }

  /** Stops everything. Idempotent. */
  stop(): void {
    this.arriving = false;
    this.looping = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private readonly wake = (): void => {
    this.cancelTimer = undefined;
    if (!this.looping) return;
    const nowMs = this.clock.now();
    // onDue may stop arrivals (e.g. stop() from a listener), so check on every arrival.
    while (this.arriving) {
      const dueMs = this.scheduledAtMs(this.nextIndex);
      if (dueMs > nowMs) break;
      this.nextIndex += 1;
      this.options.onDue(dueMs);
    }
    this.options.onWake?.(nowMs);
    if (this.looping) this.arm(nowMs);
  };

  /** Sets the one timer for the next arrival or deadline, whichever comes first. */
  private arm(nowMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const nextArrivalMs = this.arriving ? this.scheduledAtMs(this.nextIndex) : Number.POSITIVE_INFINITY;
    const nextWakeMs = Math.min(nextArrivalMs, this.options.nextDeadlineMs?.() ?? Number.POSITIVE_INFINITY);
    if (nextWakeMs === Number.POSITIVE_INFINITY) return;
    this.cancelTimer = this.clock.setTimer(this.wake, Math.max(0, nextWakeMs - nowMs));
  }
}
