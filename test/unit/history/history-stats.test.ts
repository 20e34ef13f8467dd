/**
 * Percentiles and rates, checked by hand. For service shop (SHOP_AND_API):
 *   detect  [1, 3, 2, 4] → sorted 1 2 3 4:  p50 = rank ⌈0.50·4⌉=2 → 2;   p95 = rank ⌈0.95·4⌉=4 → 4
 *   decide  [0, 0.5, 1]  → p50 = rank 2 → 0.5;  p95 = rank ⌈2.85⌉=3 → 1   (the aborted run never decided)
 *   rollback [2, 1, 10]  → sorted 1 2 10:   p50 = 2;  p95 = 10
 *   recover [5, 4]       → sorted 4 5:      p50 = rank 1 → 4;  p95 = rank 2 → 5
 *   success = passed 2 ÷ (passed 2 + failed 1) = 2/3 (the aborted run is no verdict)
 *   rollback success = 2 succeeded ÷ 3 that decided = 2/3
 */
import { describe, expect, it } from 'vitest';
import {
  filterRuns,
  historyStats,
  nearestRankPercentile,
  statsBy,
} from '../../../harness/store/history-stats.js';
import { summarizeRun } from '../../../harness/store/history-summary.js';
import { recordFor, SHOP_AND_API } from './history-fixtures.js';

const summaries = SHOP_AND_API.map((spec) => summarizeRun(recordFor(spec), spec.id));

describe('nearestRankPercentile', () => {
  it('picks an observed value by rank ⌈p·n⌉', () => {
    const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(nearestRankPercentile(oneToTen, 50)).toBe(5);
    expect(nearestRankPercentile(oneToTen, 95)).toBe(10);
    expect(
      nearestRankPercentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(nearestRankPercentile([4, 1, 3, 2], 50)).toBe(2);
    expect(nearestRankPercentile([7.5], 95)).toBe(7.5);
    expect(nearestRankPercentile([7.5], 50)).toBe(7.5);
    expect(nearestRankPercentile([], 50)).toBeNull();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    nearestRankPercentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('historyStats', () => {
  it('computes the hand-checked figures for one service', () => {
    const stats = historyStats(filterRuns(summaries, { service: 'shop' }));
    expect(stats.runs).toBe(4);
    expect(stats.results).toEqual({ passed: 2, failed: 1, aborted: 1, interrupted: 0 });
    expect(stats.successRatio).toBeCloseTo(2 / 3, 12);
    expect(stats.rollbackSuccessRatio).toBeCloseTo(2 / 3, 12);
    expect(stats.phases).toEqual({
      timeToDetectSeconds: { count: 4, p50: 2, p95: 4 },
      timeToDecideSeconds: { count: 3, p50: 0.5, p95: 1 },
      timeToRollbackSeconds: { count: 3, p50: 2, p95: 10 },
      timeToRecoverSeconds: { count: 2, p50: 4, p95: 5 },
    });
    expect(stats.lastRun).toEqual({
      runId: '20261115T100000Z-shop-bad-release-0004',
      startedAt: '2026-11-15T10:00:00.000Z',
      result: 'aborted',
    });
  });

  it('has no ratios and no percentiles when nothing reached a verdict', () => {
    const aborted = filterRuns(summaries, { result: 'aborted' });
    const stats = historyStats(aborted);
    expect(stats.successRatio).toBeNull();
    expect(stats.rollbackSuccessRatio).toBeNull();
    expect(stats.phases.timeToRecoverSeconds).toEqual({ count: 0, p50: null, p95: null });
    expect(historyStats([]).lastRun).toBeNull();
    expect(historyStats([]).runs).toBe(0);
  });
});

describe('filterRuns and statsBy', () => {
  it('filters by service, scenario, result and start time (inclusive)', () => {
    expect(filterRuns(summaries, { service: 'api' }).map((r) => r.runId)).toEqual([
      '20261120T100000Z-api-bad-release-0005',
    ]);
    expect(filterRuns(summaries, { scenario: 'shop-bad-release' })).toHaveLength(4);
    expect(filterRuns(summaries, { result: 'failed' }).map((r) => r.runId)).toEqual([
      '20261110T100000Z-shop-bad-release-0003',
    ]);
    const since = Date.parse('2026-11-10T10:00:00.000Z');
    expect(filterRuns(summaries, { sinceEpochMs: since }).map((r) => r.runId)).toEqual([
      '20261110T100000Z-shop-bad-release-0003',
      '20261115T100000Z-shop-bad-release-0004',
      '20261120T100000Z-api-bad-release-0005',
    ]);
    expect(filterRuns(summaries, { service: 'shop', sinceEpochMs: since + 1 })).toHaveLength(1);
  });

  it('groups by service, sorted by name', () => {
    const groups = statsBy(summaries, 'service');
    expect(groups.map((g) => [g.key, g.stats.runs])).toEqual([
      ['api', 1],
      ['shop', 4],
    ]);
    expect(groups[0]?.stats.successRatio).toBe(1);
    expect(groups[0]?.stats.phases.timeToDetectSeconds).toEqual({ count: 1, p50: 6, p95: 6 });
  });
});
