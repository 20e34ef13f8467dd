/**
 * Request deadlines with one timer. Every request of a generator has the same timeout and requests
 * are sent in time order, so deadlines arrive in order: the oldest outstanding one is always next.
 * One timer on the drill's clock, set for that oldest deadline, replaces a timer per request.
 *
 * The timer is re-armed lazily: a request that completes is unlinked in O(1) and the timer is left
 * alone; when it fires for a deadline that is no longer outstanding, it expires nothing and re-arms
 * for the oldest deadline still outstanding. While requests complete well within their timeout, the
 * timer therefore fires about once per timeout, whatever the request rate.
 */
import type { Clock } from '../core/clock.js';

/**
 * Something with a deadline that a DeadlineQueue can hold. The queue links entries through these
 * fields (no node object per entry); only the queue writes them.
 */
export class DeadlineEntry {
  deadlineMs = 0;
  olderDeadline: DeadlineEntry | undefined = undefined;
  newerDeadline: DeadlineEntry | undefined = undefined;
  queued = false;
}

export class DeadlineQueue<T extends DeadlineEntry> {
  private oldest: T | undefined;
  private newest: T | undefined;
  private count = 0;
  private cancelTimer: (() => void) | undefined;
  /** When the pending timer is due; meaningful only while cancelTimer is set. */
  private timerDueMs = 0;

  /** `onExpired` gets each entry whose deadline passed, oldest first, after it left the queue. */
  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (entry: T) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /**
   * Queues `entry` with `deadlineMs`, which must not be earlier than the newest deadline queued
   * (same timeout, requests sent in time order); an out-of-order deadline is a bug, so it throws.
   */
  add(entry: T, deadlineMs: number): void {
    if (entry.queued) throw new Error('this entry is already waiting for its deadline');
    const newest = this.newest;
    if (newest && deadlineMs < newest.deadlineMs)
      throw new Error(`deadlines must not go backwards: ${deadlineMs} ms after ${newest.deadlineMs} ms`);
    entry.deadlineMs = deadlineMs;
    entry.queued = true;
    entry.olderDeadline = newest;
    entry.newerDeadline = undefined;
    if (newest) newest.newerDeadline = entry;
    else this.oldest = entry;
    this.newest = entry;
    this.count += 1;
    // A pending timer is due no later than this deadline (every deadline before it is ≤ this one).
    if (!this.cancelTimer) this.arm(deadlineMs, this.clock.now());
  }

  /** Takes `entry` out (its request finished); does nothing when it is not queued. */
  remove(entry: T): void {
    if (!entry.queued) return;
    const older = entry.olderDeadline as T | undefined;
    const newer = entry.newerDeadline as T | undefined;
    if (older) older.newerDeadline = newer;
    else this.oldest = newer;
    if (newer) newer.olderDeadline = older;
    else this.newest = older;
    entry.olderDeadline = undefined;
    entry.newerDeadline = undefined;
    entry.queued = false;
    this.count -= 1;
  }

  /** Empties the queue without expiring anything and cancels the timer; returns the entries, oldest first. */
  takeAll(): T[] {
    const entries: T[] = [];
    for (let entry = this.oldest; entry; entry = this.oldest) {
      this.remove(entry);
      entries.push(entry);
    }
    this.cancel();
    return entries;
  }

  /** Cancels the timer; entries stay queued, and the next add() arms it again. */
  cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private arm(dueMs: number, nowMs: number): void {
    this.timerDueMs = dueMs;
    this.cancelTimer = this.clock.setTimer(this.fire, Math.max(0, dueMs - nowMs));
  }

  private readonly fire = (): void => {
    this.cancelTimer = undefined;
    const nowMs = this.clock.now();
    // A timer may fire a fraction of a millisecond before the clock reads its due time; the
    // deadline is what counts, so such an entry waits for the re-armed timer.
    // onExpired may remove other entries (an abort that settles at once), so re-read the head.
    for (let entry = this.oldest; entry && entry.deadlineMs <= nowMs; entry = this.oldest) {
      this.remove(entry);
      this.onExpired(entry);
    }
    // onExpired may have queued an entry, which arms the timer itself.
    if (this.oldest && !this.cancelTimer) this.arm(this.oldest.deadlineMs, nowMs);
  };

  /** The moment the pending timer is due, or undefined when none is (tests and diagnostics). */
  get timerDueAtMs(): number | undefined {
    return this.cancelTimer ? this.timerDueMs : undefined;
  }
}
