import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { DeadlineEntry, DeadlineQueue } from '../../../harness/traffic/deadline-queue.js';

class Item extends DeadlineEntry {
  constructor(readonly name: string) {
    super();
  }
}

function setUp(onExpired?: (item: Item, queue: DeadlineQueue<Item>) => void) {
  const clock = new FakeClock(1_000);
  const expired: { name: string; atMs: number }[] = [];
  const queue: DeadlineQueue<Item> = new DeadlineQueue<Item>(clock, (item) => {
    expired.push({ name: item.name, atMs: clock.now() });
    onExpired?.(item, queue);
  });
  return { clock, queue, expired };
}

describe('DeadlineQueue', () => {
  it('expires each entry at its own deadline, oldest first, with one timer at a time', async () => {
    const { clock, queue, expired } = setUp();
    queue.add(new Item('a'), 1_100);
    await clock.advance(10);
    queue.add(new Item('b'), 1_110);
    queue.add(new Item('c'), 1_110);
    await clock.advance(40);
    queue.add(new Item('d'), 1_150);
    expect(clock.pendingTimers()).toBe(1);
    expect(queue.size).toBe(4);
    await clock.advance(200);
    expect(expired).toEqual([
      { name: 'a', atMs: 1_100 },
      { name: 'b', atMs: 1_110 },
      { name: 'c', atMs: 1_110 },
      { name: 'd', atMs: 1_150 },
    ]);
    expect(queue.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a completed entry cancels nothing else: the next deadline still fires on time', async () => {
    const { clock, queue, expired } = setUp();
    const a = new Item('a');
    const b = new Item('b');
    const c = new Item('c');
    queue.add(a, 1_100);
    queue.add(b, 1_105);
    queue.add(c, 1_120);
    await clock.advance(50);
    // The oldest and a middle one complete; the timer, set for a's deadline, is left alone.
    queue.remove(a);
    queue.remove(b);
    expect(queue.timerDueAtMs).toBe(1_100);
    await clock.advance(50);
    // Fired for a's deadline, found nothing due, re-armed for c's.
    expect(expired).toEqual([]);
    expect(queue.timerDueAtMs).toBe(1_120);
    await clock.advance(20);
    expect(expired).toEqual([{ name: 'c', atMs: 1_120 }]);
    // Removing twice, or removing something already expired, does nothing.
    queue.remove(a);
    queue.remove(c);
    expect(queue.size).toBe(0);
  });

  it('sets about one timer per timeout, not one per entry, while entries complete in time', async () => {
    const clock = new FakeClock(1_000);
    let timersSet = 0;
    const counting = {
      now: () => clock.now(),
      toEpochMs: (ms: number) => clock.toEpochMs(ms),
      sleep: (ms: number) => clock.sleep(ms),
      setTimer: (fn: () => void, ms: number) => {
        timersSet += 1;
        return clock.setTimer(fn, ms);
      },
    };
    const expired: Item[] = [];
    const queue = new DeadlineQueue<Item>(counting, (item) => expired.push(item));
    // 3 000 entries, one a millisecond, each completing 5 ms after it was added; timeout 1 s.
    const live: Item[] = [];
    for (let i = 0; i < 3_000; i++) {
      const item = new Item(String(i));
      queue.add(item, clock.now() + 1_000);
      live.push(item);
      if (live.length > 5) queue.remove(live.shift() as Item);
      await clock.advance(1);
      expect(clock.pendingTimers()).toBe(1);
    }
    for (const item of live) queue.remove(item);
    expect(expired).toEqual([]);
    // One timer at the start, then one re-arm each time it fires, about once a second.
    expect(timersSet).toBeGreaterThanOrEqual(3);
    expect(timersSet).toBeLessThanOrEqual(4);
    // With every entry gone, the armed timer fires once more and is not re-armed.
    await clock.advance(1_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('lets an expiry callback remove another entry (an abort that settles it at once)', async () => {
    const b = new Item('b');
    const { clock, queue, expired } = setUp((item, q) => {
      if (item.name === 'a') q.remove(b);
    });
    queue.add(new Item('a'), 1_010);
    queue.add(b, 1_010);
    queue.add(new Item('c'), 1_020);
    await clock.advance(30);
    expect(expired.map((e) => e.name)).toEqual(['a', 'c']);
  });

  it('takeAll empties the queue oldest first without expiring anything, and cancels the timer', async () => {
    const { clock, queue, expired } = setUp();
    queue.add(new Item('a'), 1_010);
    queue.add(new Item('b'), 1_020);
    expect(queue.takeAll().map((item) => item.name)).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(100);
    expect(expired).toEqual([]);
    // The queue is still usable afterwards.
    queue.add(new Item('c'), 1_200);
    await clock.advance(100);
    expect(expired).toEqual([{ name: 'c', atMs: 1_200 }]);
  });

  it('refuses a deadline earlier than the newest, and an entry queued twice', () => {
    const { queue } = setUp();
    const a = new Item('a');
    queue.add(a, 1_100);
    expect(() => queue.add(new Item('b'), 1_099)).toThrow(/backwards/);
    expect(() => queue.add(a, 1_200)).toThrow(/already/);
    expect(queue.size).toBe(1);
  });
});
