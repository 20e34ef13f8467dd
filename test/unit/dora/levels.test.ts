/** The 2024 cluster figures as levels: each metric alone, and overall (every figure of a cluster met). */
import { describe, expect, it } from 'vitest';
import { assessLevel } from '../../../harness/dora/levels.js';

const HOUR = 3600;

describe('DORA performance levels (2024 clusters)', () => {
  it('elite needs ≥ 1 deployment a day, ≤ 5% failed and a median recovery under an hour', () => {
    expect(
      assessLevel({ deploymentsPerDay: 3, changeFailRate: 0.05, recoveryMedianSeconds: HOUR - 1 }),
    ).toEqual({
      overall: 'elite',
      deploymentFrequency: 'elite',
      changeFailRate: 'elite',
      recoveryTime: 'elite',
      reason: 'meets every 2024 elite figure',
    });
    // Exactly one hour is not "less than one hour".
    expect(
      assessLevel({ deploymentsPerDay: 3, changeFailRate: 0.05, recoveryMedianSeconds: HOUR }).overall,
    ).toBe('high');
  });

  it('names the metrics that keep a service below the next level', () => {
    const weekly = assessLevel({
      deploymentsPerDay: 1 / 7,
      changeFailRate: 0.2,
      recoveryMedianSeconds: 2 * HOUR,
    });
    expect(weekly.overall).toBe('high');
    expect(weekly.reason).toBe(
      'meets every 2024 high figure; short of elite on deployment frequency, change fail rate, recovery time',
    );
  });

  it('medium: monthly deployments with ≤ 10% failed; 15% failed is low although high alone on that metric', () => {
    expect(
      assessLevel({ deploymentsPerDay: 1 / 30, changeFailRate: 0.1, recoveryMedianSeconds: 5 * HOUR })
        .overall,
    ).toBe('medium');
    const fifteen = assessLevel({
      deploymentsPerDay: 1 / 30,
      changeFailRate: 0.15,
      recoveryMedianSeconds: 5 * HOUR,
    });
    expect(fifteen.overall).toBe('low');
    expect(fifteen.changeFailRate).toBe('high');
    expect(fifteen.reason).toBe('short of the 2024 medium figures on change fail rate');
  });

  it('a recovery of a day or more is low', () => {
    expect(
      assessLevel({ deploymentsPerDay: 2, changeFailRate: 0.01, recoveryMedianSeconds: 24 * HOUR }),
    ).toMatchObject({
      overall: 'low',
      recoveryTime: 'low',
    });
  });

  it('judges recovery only when something failed and recovered', () => {
    expect(
      assessLevel({ deploymentsPerDay: 2, changeFailRate: 0, recoveryMedianSeconds: null }),
    ).toMatchObject({
      overall: 'elite',
      recoveryTime: null,
    });
  });

  it('gives no level without deployments', () => {
    expect(assessLevel({ deploymentsPerDay: 0, changeFailRate: null, recoveryMedianSeconds: null })).toEqual({
      overall: null,
      deploymentFrequency: null,
      changeFailRate: null,
      recoveryTime: null,
      reason: 'no deployments in the period',
    });
  });
});
