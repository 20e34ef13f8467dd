import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../harness/core/random.js';

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const first = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(first);
  });

  it('gives different sequences for different seeds', () => {
    const a = createRandom(1);
    const b = createRandom(2);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).not.toEqual(first);
  });

  it('returns numbers in [0, 1) that are roughly uniform', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 100_000; i++) {
      const value = random();
      min = Math.min(min, value);
      max = Math.max(max, value);
      const bucket = Math.floor(value * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('accepts negative and fractional seeds deterministically', () => {
    expect(createRandom(-5)()).toBe(createRandom(-5)());
    expect(createRandom(3.9)()).toBe(createRandom(3)());
  });
});
