/** The game-day report over several drills: the summary's figures, then its markdown and HTML. */
import { describe, expect, it } from 'vitest';
import { renderGamedayReport } from '../../../exporters/reports/gameday.js';
import { summarizeGameday } from '../../../exporters/reports/gameday-summary.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';

function drills() {
  return [
    makeRunRecord({
      runId: 'b',
      startedAt: '2026-11-22T07:00:00.000Z',
      endedAt: '2026-11-22T07:00:40.000Z',
      measurements: { timeToDetectSeconds: 5, timeToRecoverSeconds: 9 },
    }),
    makeRunRecord({ runId: 'a' }),
    makeFailedRollbackRecord({
      runId: 'c',
      startedAt: '2026-11-22T08:00:00.000Z',
      endedAt: '2026-11-22T08:00:39.000Z',
    }),
    makeRunRecord({
      runId: 'd',
      startedAt: '2026-11-22T09:00:00.000Z',
      endedAt: '2026-11-22T09:00:05.000Z',
      result: 'aborted',
      reason: 'baseline out of SLO',
      scenario: { name: 'checkout-latency', service: 'shop' },
      timeline: [],
      measurements: {
        timeToDetectSeconds: null,
        timeToDecideSeconds: null,
        timeToRollbackSeconds: null,
        timeToRecoverSeconds: null,
        rollbackSucceeded: false,
      },
    }),
  ];
}

describe('game-day summary', () => {
  it('counts results, rollbacks attempted and succeeded, objectives met, and medians per scenario', () => {
    const summary = summarizeGameday(drills());
    expect(summary.records.map((r) => r.runId)).toEqual(['a', 'b', 'c', 'd']);
    expect(summary.results).toEqual({ passed: 2, failed: 1, aborted: 1, interrupted: 0 });
    expect([summary.rollbacksAttempted, summary.rollbacksSucceeded]).toEqual([3, 2]);
    expect([summary.objectivesMet, summary.objectivesTotal]).toEqual([15, 16]);
    expect(summary.firstStartedAt).toBe('2026-11-22T06:00:00.000Z');
    expect(summary.lastEndedAt).toBe('2026-11-22T09:00:05.000Z');
    const bad = summary.scenarios.find((s) => s.scenario === 'checkout-bad-release');
    // detect 3.2, 5, 3.2 → 3.2; recover 7.05, 9, (not measured) → (7.05 + 9) / 2.
    expect(bad).toEqual({
      scenario: 'checkout-bad-release',
      service: 'shop',
      runs: 3,
      passed: 2,
      medians: {
        timeToDetectSeconds: 3.2,
        timeToDecideSeconds: 0,
        timeToRollbackSeconds: 2.4,
        timeToRecoverSeconds: 8.025,
      },
    });
    expect(
      summary.scenarios.find((s) => s.scenario === 'checkout-latency')?.medians.timeToDetectSeconds,
    ).toBeNull();
    // c: the failed rollback and the unmeasured recovery; d: the abort.
    expect(summary.followUps.map((f) => f.runId)).toEqual(['c', 'c', 'd']);
  });
});

describe('renderGamedayReport', () => {
  it('markdown: headline, one row per drill in time order, medians per scenario, follow-ups', () => {
    const { markdown } = renderGamedayReport(drills());
    expect(markdown).toContain(
      '4 drills: 2 passed, 1 failed, 1 aborted · 2026-11-22T06:00:00.000Z → 2026-11-22T09:00:05.000Z',
    );
    expect(markdown).toContain('- **Rollbacks** that restored service: 2 of 3 attempted.');
    const rows = markdown.split('\n').filter((l) => l.startsWith('| 2026-11-22'));
    expect(rows.map((r) => r.slice(2, 21))).toEqual([
      '2026-11-22 06:00:00',
      '2026-11-22 07:00:00',
      '2026-11-22 08:00:00',
      '2026-11-22 09:00:00',
    ]);
    expect(markdown).toContain('| checkout-bad-release | shop | 3 | 2 | 3.2s | 0s | 2.4s | 8.025s |');
    expect(markdown).toContain('The rollback did not succeed');
  });

  it('HTML: one self-contained page with a bar per drill and escaped text', () => {
    const hostile = makeRunRecord({
      runId: '<img src=x onerror=alert(1)>',
      fault: { summary: '<script>x</script>' },
    });
    const { html } = renderGamedayReport([...drills(), hostile]);
    expect(html.match(/<g class="drill-bar"/g)).toHaveLength(5);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']/i);
    expect(html).toContain('<div class="value">3 / 5</div>');
  });

  it('says there is nothing to report for no drills', () => {
    const report = renderGamedayReport([]);
    expect(report.markdown).toContain('No drills to report.');
    expect(report.html).toContain('No drills to report.');
  });
});
