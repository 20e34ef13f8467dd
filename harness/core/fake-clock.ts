import { sleepWith, type Clock } from './clock.js';

interface PendingTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly fn: () => void;
}

/**
 * A clock that only moves when a test says so. `advance` fires due timers in order and lets the
 * promise callbacks they trigger run before the next one, so async logic observes time as it would live.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(
    startMs = 0,
    private readonly epochAtOrigin = Date.UTC(2026, 10, 22, 6, 0, 0),
  ) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  toEpochMs(monotonicMs: number): number {
    return this.epochAtOrigin + monotonicMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: PendingTimer = { id: this.nextId++, dueMs: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t.id !== timer.id);
    };
  }

  /** Number of timers waiting to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in due order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.earliestDue();
      if (!next || next.dueMs > target) break;
      this.timers = this.timers.filter((t) => t.id !== next.id);
      this.current = Math.max(this.current, next.dueMs);
      next.fn();
    }
    this.current = target;
    await flushMicrotasks();
  }

  private earliestDue(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers)
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.id < best.id)) best = t;
    return best;
  }
}

async function flushMicrotasks(): Promise<void> {
  // A few macrotask turns let chains of awaits settle (each await is one microtask hop).
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
