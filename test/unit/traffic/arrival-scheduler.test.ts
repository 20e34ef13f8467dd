import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../harness/core/clock.js';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { ArrivalScheduler } from '../../../harness/traffic/arrival-scheduler.js';

interface Arrival {
  readonly scheduledAtMs: number;
  readonly handledAtMs: number;
}

function recordArrivals(
  clock: FakeClock,
  ratePerSecond: number,
  extra: Partial<{ deadline: () => number }> = {},
) {
  const arrivals: Arrival[] = [];
  const wakes: number[] = [];
  const scheduler = new ArrivalScheduler({
    clock,
    ratePerSecond,
    onDue: (scheduledAtMs) => arrivals.push({ scheduledAtMs, handledAtMs: clock.now() }),
    onWake: (nowMs) => wakes.push(nowMs),
    ...(extra.deadline ? { nextDeadlineMs: extra.deadline } : {}),
  });
  return { scheduler, arrivals, wakes };
}

describe('ArrivalScheduler', () => {
  it('schedules exactly 100 requests at i·20 ms for 50 req/s over 2 s', async () => {
    const clock = new FakeClock(1_000);
    const { scheduler, arrivals } = recordArrivals(clock, 50);
    scheduler.start();
    await clock.advance(1_999);
    scheduler.stop();
    expect(arrivals).toHaveLength(100);
    arrivals.forEach((arrival, i) => {
      expect(arrival.scheduledAtMs).toBe(1_000 + i * 20);
      // With a clock that fires timers on time, every request is handled exactly when due.
      expect(arrival.handledAtMs).toBe(arrival.scheduledAtMs);
    });
    expect(scheduler.scheduledCount).toBe(100);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('does not drift at rates that do not divide a second', async () => {
    const clock = new FakeClock(0);
    const { scheduler, arrivals } = recordArrivals(clock, 3);
    scheduler.start();
    await clock.advance(60_000);
    scheduler.stop();
    expect(arrivals).toHaveLength(181); // 0 … 60 000 ms inclusive
    expect(arrivals.at(-1)?.scheduledAtMs).toBeCloseTo(60_000, 6);
  });

  it('sends everything that came due when a wake is late, in order', () => {
    // A clock whose timer we fire by hand, to play an event-loop stall of 250 ms.
    let nowMs = 0;
    let pending: (() => void) | undefined;
    const stallingClock: Clock = {
      now: () => nowMs,
      toEpochMs: (ms) => ms,
      sleep: () => Promise.resolve(),
      setTimer: (fn) => {
        pending = fn;
        return () => (pending = undefined);
      },
    };
    const handled: Arrival[] = [];
    const scheduler = new ArrivalScheduler({
      clock: stallingClock,
      ratePerSecond: 100,
      onDue: (scheduledAtMs) => handled.push({ scheduledAtMs, handledAtMs: nowMs }),
    });
    scheduler.start();
    expect(handled).toEqual([{ scheduledAtMs: 0, handledAtMs: 0 }]);
    nowMs = 250;
    pending?.();
    expect(handled.map((a) => a.scheduledAtMs)).toEqual(Array.from({ length: 26 }, (_, i) => i * 10));
    // Late arrivals keep their scheduled time (latency counts from it) but are handled at the wake.
    expect(handled.slice(1).every((a) => a.handledAtMs === 250)).toBe(true);
    scheduler.stop();
    expect(pending).toBeUndefined();
  });

  it('wakes for the extra deadline even when arrivals are sparse', async () => {
    const clock = new FakeClock(0);
    let deadline = 1_000;
    const { scheduler, arrivals, wakes } = recordArrivals(clock, 0.25, {
      deadline: () => {
        const current = deadline;
        if (clock.now() >= current) deadline += 1_000;
        return deadline;
      },
    });
    scheduler.start();
    await clock.advance(4_500);
    scheduler.stop();
    expect(arrivals.map((a) => a.scheduledAtMs)).toEqual([0, 4_000]);
    expect(wakes).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
  });

  it('keeps waking for deadlines after stopArrivals, and stops fully on stop', async () => {
    const clock = new FakeClock(0);
    let deadline = 1_000;
    const { scheduler, arrivals, wakes } = recordArrivals(clock, 10, {
      deadline: () => {
        if (clock.now() >= deadline) deadline += 1_000;
        return deadline;
      },
    });
    scheduler.start();
    await clock.advance(500);
    scheduler.stopArrivals();
    const arrivalsAtStop = arrivals.length;
    await clock.advance(2_000);
    expect(arrivals).toHaveLength(arrivalsAtStop);
    expect(wakes.filter((w) => w > 500)).toEqual([1_000, 2_000]);
    scheduler.stop();
    expect(clock.pendingTimers()).toBe(0);
    scheduler.stop(); // idempotent
  });

  it('rejects a non-positive rate and a second start', () => {
    const clock = new FakeClock();
    expect(() => new ArrivalScheduler({ clock, ratePerSecond: 0, onDue: () => undefined })).toThrow(
      /positive/,
    );
    const scheduler = new ArrivalScheduler({ clock, ratePerSecond: 1, onDue: () => undefined });
    scheduler.start();
    expect(() => scheduler.start()).toThrow(/already running/);
    scheduler.stop();
  });
});
