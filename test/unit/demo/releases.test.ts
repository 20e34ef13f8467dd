import { describe, expect, it } from 'vitest';
import {
  checkoutFails,
  describeRelease,
  findRelease,
  knownDemoVersions,
  stableDemoVersions,
} from '../../../harness/demo/releases.js';

describe('demo release catalogue', () => {
  it('lists the stable and the bad releases', () => {
    expect(knownDemoVersions()).toEqual([
      '1.4.1',
      '1.4.2',
      '1.5.0-errors',
      '1.5.0-slow',
      '1.5.0-crash',
      '1.5.0-mesh',
    ]);
    expect(stableDemoVersions()).toEqual(['1.4.1', '1.4.2']);
  });

  it('describes versions for reports, including unknown ones', () => {
    expect(describeRelease('1.5.0-errors')).toBe(
      '1.5.0-errors: POST /api/checkout fails with 500 for 60% of requests',
    );
    expect(describeRelease('1.5.0-slow')).toContain('250 ms');
    expect(describeRelease('9.9.9')).toBe('9.9.9: not a demo shop version');
  });

  it('gives each bad release exactly one misbehaviour', () => {
    expect(findRelease('1.5.0-errors')?.checkoutFailures).toEqual({ failures: 6, outOf: 10 });
    expect(findRelease('1.5.0-slow')?.addedLatencyMs).toBe(250);
    expect(findRelease('1.5.0-crash')?.crashAfterMs).toBe(100);
    expect(findRelease('1.4.2')).toMatchObject({ stable: true });
    expect(findRelease('1.4.2')?.checkoutFailures).toBeUndefined();
  });
});

describe('checkoutFails', () => {
  const errors = findRelease('1.5.0-errors');
  const stable = findRelease('1.4.2');
  if (!errors || !stable) throw new Error('catalogue is missing a release under test');

  it('fails exactly 6 of every aligned 10 checkouts, spread out rather than bunched', () => {
    for (let start = 0; start < 1_000; start += 10) {
      const window = Array.from({ length: 10 }, (_, i) => checkoutFails(errors, start + i));
      expect(window.filter(Boolean)).toHaveLength(6);
    }
    const pattern = Array.from({ length: 10 }, (_, i) => (checkoutFails(errors, i) ? 'x' : '.')).join('');
    expect(pattern).not.toBe('xxxxxx....');
    expect(pattern).not.toContain('xxx');
  });

  it('fails exactly 60 of 100', () => {
    const failures = Array.from({ length: 100 }, (_, i) => checkoutFails(errors, i)).filter(Boolean);
    expect(failures).toHaveLength(60);
  });

  it('never fails a release without checkout failures', () => {
    expect(Array.from({ length: 50 }, (_, i) => checkoutFails(stable, i)).some(Boolean)).toBe(false);
  });
});
