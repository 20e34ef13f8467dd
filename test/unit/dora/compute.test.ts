/**
 * DORA figures from the fixture event log (test/fixtures/dora/shop-events.*) against values worked
 * out by hand. Period: 2026-11-01T00:00Z → 2026-12-01T00:00Z = 30 days; link window 24 h.
 *
 * shop deployments in the period: d1 d2 d3 d5 r1 d6 h1 = 7 (d0 finished on 10-31: outside)
 *   failed: d2 (incident i1, explicit), d3 (incidents i2 + i3, by window: one failure, not two),
 *           d5 (rolled back by r1, no incident)                       → 3 failed, CFR 3/7
 *   recovery: d2 10:00 → i1 resolved 11:30 = 5400 s; d3 09:00Z (11:00+02:00) → last of its incidents
 *             resolved 15:00 = 21600 s; d5 12:00 → r1 finished 12:20 = 1200 s   → median 5400 s
 *   rework: r1 (rollback), h1 (hotfix)                                 → 2/7
 *   incidents starting in the period: i0 (→ d0 by window), i1, i2, i3, i4 (5 days after d6: unlinked)
 *   frequency 7/30 per day ≥ 1/7 → high; CFR 43% > 20% → low; median 1.5 h < 1 day → high;
 *   overall: medium needs CFR ≤ 10% → low.
 * payments: no deployment, one open incident p1 with no deployment → unlinked, no level.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeDoraReport, type ServiceDora } from '../../../harness/dora/compute.js';
import type { DoraEvents } from '../../../harness/dora/events.js';
import { parseEventFile } from '../../../harness/dora/import-files.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';

const PERIOD = { startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 11, 1) };

function fixtureEvents(name: string): DoraEvents {
  const file = new URL(`../../fixtures/dora/${name}`, import.meta.url);
  const result = parseEventFile(readFileSync(file, 'utf8'), name);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.events;
}

function service(report: ReturnType<typeof computeDoraReport>, name: string): ServiceDora {
  const found = report.services.find((s) => s.service === name);
  if (!found) throw new Error(`no ${name} in the report`);
  return found;
}

describe('DORA figures from the fixture event log', () => {
  const events = fixtureEvents('shop-events.json');
  const report = computeDoraReport(events, [], { period: PERIOD });
  const shop = service(report, 'shop');

  it('counts deployments finishing in the period, and the frequency per day', () => {
    expect(report.period).toEqual({
      start: '2026-11-01T00:00:00.000Z',
      end: '2026-12-01T00:00:00.000Z',
      days: 30,
    });
    expect(shop.deployments).toBe(7);
    expect(shop.deploymentsPerDay).toBeCloseTo(7 / 30, 10);
  });

  it('counts a deployment with several incidents once: change fail rate = failed deployments / deployments', () => {
    expect(shop.failedDeployments).toBe(3);
    expect(shop.changeFailRate).toBeCloseTo(3 / 7, 10);
    expect(shop.failed.map((f) => [f.deploymentId, f.incidentIds, f.remediatedBy])).toEqual([
      ['d2', ['i1'], []],
      ['d3', ['i2', 'i3'], []],
      ['d5', [], ['r1']],
    ]);
  });

  it('times recovery from deployment finish to the last linked incident resolved (or the remedy)', () => {
    expect(shop.failed.map((f) => [f.recoverySeconds, f.recoveredBy])).toEqual([
      [5400, 'incidents resolved'],
      [21600, 'incidents resolved'],
      [1200, 'remediation deployment'],
    ]);
    expect(shop.recovery).toEqual({ medianSeconds: 5400, recovered: 3, unrecovered: 0 });
  });

  it('computes the rework rate from rollback and hotfix deployments', () => {
    expect(shop.reworkDeployments).toBe(2);
    expect(shop.reworkRate).toBeCloseTo(2 / 7, 10);
  });

  it('reports an incident with no deployment in the window as unlinked, not as a failure', () => {
    expect(shop.incidents).toEqual({ total: 5, linked: 4, unlinked: 1 });
    expect(report.unlinkedIncidents).toEqual([
      {
        id: 'i4',
        service: 'shop',
        startedAt: '2026-11-25T10:00:00.000Z',
        reason: 'no deployment of shop finished in the 24 h before it started',
      },
      {
        id: 'p1',
        service: 'payments',
        startedAt: '2026-11-12T03:00:00.000Z',
        reason: 'no deployment of payments finished in the 24 h before it started',
      },
    ]);
  });

  it('assesses each metric and the overall level against the 2024 clusters', () => {
    expect(shop.level).toEqual({
      overall: 'low',
      deploymentFrequency: 'high',
      changeFailRate: 'low',
      recoveryTime: 'high',
      reason: 'short of the 2024 medium figures on change fail rate',
    });
  });

  it('gives a service with no deployments no rates and no level (0/0 is not 0%)', () => {
    const payments = service(report, 'payments');
    expect(payments).toMatchObject({
      deployments: 0,
      deploymentsPerDay: 0,
      failedDeployments: 0,
      changeFailRate: null,
      reworkRate: null,
      recovery: { medianSeconds: null, recovered: 0, unrecovered: 0 },
      incidents: { total: 1, linked: 0, unlinked: 1 },
    });
    expect(payments.level.overall).toBeNull();
    expect(payments.level.reason).toBe('no deployments in the period');
  });

  it('reads the same figures from the CSV version of the log', () => {
    const fromCsv = computeDoraReport(fixtureEvents('shop-events.csv'), [], { period: PERIOD });
    expect(fromCsv).toEqual(report);
  });

  it('reports a service asked for by name even when it has no events at all', () => {
    const empty = computeDoraReport(events, [], { period: PERIOD, service: 'search' });
    expect(empty.services).toHaveLength(1);
    expect(empty.services[0]).toMatchObject({ service: 'search', deployments: 0, changeFailRate: null });
    expect(empty.unlinkedIncidents).toEqual([]);
  });

  it('a longer link window ties i4 to d6 (5 days before it) and makes d6 a failed deployment', () => {
    const wide = computeDoraReport(events, [], { period: PERIOD, linkWindowMs: 6 * 86_400_000 });
    const shopWide = service(wide, 'shop');
    expect(shopWide.failedDeployments).toBe(4);
    expect(shopWide.incidents.unlinked).toBe(0);
    // d6 08:00 on 11-20 → i4 resolved 11:05 on 11-25: 5 days, 3 h 5 min.
    expect(shopWide.failed.find((f) => f.deploymentId === 'd6')?.recoverySeconds).toBe(
      5 * 86_400 + 3 * 3600 + 300,
    );
  });
});

describe('DORA pitfalls', () => {
  const at = (day: number, hour: number): string => new Date(Date.UTC(2026, 10, day, hour)).toISOString();

  it('never lets the change fail rate pass 100%: three incidents of one deployment are one failure', () => {
    const events: DoraEvents = {
      deployments: [{ id: 'a', service: 's', finishedAt: at(3, 10), kind: 'change' }],
      incidents: [1, 2, 3].map((n) => ({
        id: `i${n}`,
        service: 's',
        startedAt: at(3, 10 + n),
        resolvedAt: at(3, 11 + n),
      })),
    };
    const s = computeDoraReport(events, [], { period: PERIOD }).services[0];
    expect(s?.changeFailRate).toBe(1);
    expect(s?.failedDeployments).toBe(1);
    // Recovered when the last of the three is resolved: 10:00 → 14:00.
    expect(s?.recovery.medianSeconds).toBe(4 * 3600);
  });

  it('keeps a failed deployment with an open incident out of the recovery median', () => {
    const events: DoraEvents = {
      deployments: [
        { id: 'a', service: 's', finishedAt: at(3, 10), kind: 'change' },
        { id: 'b', service: 's', finishedAt: at(5, 10), kind: 'change' },
      ],
      incidents: [
        { id: 'i1', service: 's', startedAt: at(3, 11), resolvedAt: at(3, 12) },
        { id: 'i2', service: 's', startedAt: at(5, 11) },
      ],
    };
    const s = computeDoraReport(events, [], { period: PERIOD }).services[0];
    expect(s?.recovery).toEqual({ medianSeconds: 7200, recovered: 1, unrecovered: 1 });
  });

  it('leaves an explicit link to an unknown deployment unlinked, with the reason', () => {
    const events: DoraEvents = {
      deployments: [{ id: 'a', service: 's', finishedAt: at(3, 10), kind: 'change' }],
      incidents: [{ id: 'i1', service: 's', startedAt: at(3, 11), deploymentId: 'zzz' }],
    };
    const report = computeDoraReport(events, [], { period: PERIOD });
    expect(report.services[0]?.failedDeployments).toBe(0);
    expect(report.unlinkedIncidents[0]?.reason).toBe(
      'its deploymentId "zzz" is not among the imported deployments',
    );
  });

  it('links by window only to the same service, and only to deployments finished before the incident', () => {
    const events: DoraEvents = {
      deployments: [
        { id: 'other', service: 'x', finishedAt: at(3, 10), kind: 'change' },
        { id: 'later', service: 's', finishedAt: at(3, 12), kind: 'change' },
      ],
      incidents: [{ id: 'i1', service: 's', startedAt: at(3, 11) }],
    };
    const report = computeDoraReport(events, [], { period: PERIOD });
    expect(report.services.map((s) => [s.service, s.failedDeployments])).toEqual([
      ['s', 0],
      ['x', 0],
    ]);
    expect(report.unlinkedIncidents.map((i) => i.id)).toEqual(['i1']);
  });

  it('counts a deployment at the period start and not one at its end; links at exactly the window', () => {
    const events: DoraEvents = {
      deployments: [
        { id: 'first', service: 's', finishedAt: new Date(PERIOD.startMs).toISOString(), kind: 'change' },
        { id: 'next-period', service: 's', finishedAt: new Date(PERIOD.endMs).toISOString(), kind: 'change' },
      ],
      incidents: [
        { id: 'edge', service: 's', startedAt: new Date(PERIOD.startMs + 3_600_000).toISOString() },
      ],
    };
    const exactly = computeDoraReport(events, [], { period: PERIOD, linkWindowMs: 3_600_000 }).services[0];
    expect([exactly?.deployments, exactly?.failedDeployments]).toEqual([1, 1]);
    const shorter = computeDoraReport(events, [], { period: PERIOD, linkWindowMs: 3_599_999 }).services[0];
    expect([shorter?.failedDeployments, shorter?.incidents.unlinked]).toEqual([0, 1]);
  });

  it('warns (and counts 0) when a linked incident was resolved before its deployment finished', () => {
    const events: DoraEvents = {
      deployments: [{ id: 'a', service: 's', finishedAt: at(3, 10), kind: 'change' }],
      incidents: [{ id: 'i1', service: 's', startedAt: at(3, 8), resolvedAt: at(3, 9), deploymentId: 'a' }],
    };
    const report = computeDoraReport(events, [], { period: PERIOD });
    expect(report.services[0]?.recovery.medianSeconds).toBe(0);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toContain('deployment a recovered');
  });
});

describe('drill figures beside the DORA ones', () => {
  it('takes the median time to recover and to roll back of the passed drills of the service in the period', () => {
    const runs = [
      makeRunRecord({
        runId: 'r1',
        measurements: { timeToRecoverSeconds: 7.05, timeToRollbackSeconds: 2.4 },
      }),
      makeRunRecord({ runId: 'r2', measurements: { timeToRecoverSeconds: 12, timeToRollbackSeconds: 3 } }),
      makeRunRecord({ runId: 'r3', measurements: { timeToRecoverSeconds: 9, timeToRollbackSeconds: 2 } }),
      makeFailedRollbackRecord({ runId: 'r4' }),
      makeRunRecord({ runId: 'other', scenario: { service: 'search' } }),
      makeRunRecord({ runId: 'old', startedAt: '2026-10-01T00:00:00.000Z' }),
    ];
    const report = computeDoraReport({ deployments: [], incidents: [] }, runs, {
      period: PERIOD,
      service: 'shop',
    });
    expect(report.services[0]?.drills).toEqual({
      runs: 4,
      passed: 3,
      medianTimeToRecoverSeconds: 9,
      medianTimeToRollbackSeconds: 2.4,
    });
  });
});
