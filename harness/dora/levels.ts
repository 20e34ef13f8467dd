/**
 * DORA performance levels from the software delivery performance clusters of the 2024 Accelerate
 * State of DevOps Report (dora.dev/research/2024/dora-report). The report publishes each cluster's
 * typical figures, not cut-offs; docs/dora.md explains how they are used here:
 *
 * - a metric's level is the best cluster whose figure for that metric the service meets or beats;
 * - the overall level is the best cluster whose figures the service meets or beats on every metric
 *   it has data for. In 2024 the medium cluster had a *lower* change fail rate (10%) than the high
 *   one (20%), so a service can be high on each metric alone and still medium or low overall.
 *
 * Deployment rework rate (added in 2024) has no published clusters and does not enter the level.
 */

export const PERFORMANCE_LEVELS = ['elite', 'high', 'medium', 'low'] as const;
export type PerformanceLevel = (typeof PERFORMANCE_LEVELS)[number];

export interface ClusterFigures {
  /** Deployments per day the cluster reaches at least (elite "on demand" read as ≥ 1 a day). */
  readonly minDeploymentsPerDay: number;
  /** Share of deployments that failed, at most. */
  readonly maxChangeFailRate: number;
  /** Median failed deployment recovery time, strictly below. */
  readonly recoveryBelowSeconds: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/** 2024 clusters; `low` is what is left when no better cluster is met. */
export const DORA_2024_CLUSTERS: Readonly<Record<Exclude<PerformanceLevel, 'low'>, ClusterFigures>> = {
  // on demand (multiple deploys per day); 5%; less than one hour
  elite: { minDeploymentsPerDay: 1, maxChangeFailRate: 0.05, recoveryBelowSeconds: HOUR },
  // between once per day and once per week; 20%; less than one day
  high: { minDeploymentsPerDay: 1 / 7, maxChangeFailRate: 0.2, recoveryBelowSeconds: DAY },
  // between once per week and once per month; 10%; less than one day
  medium: { minDeploymentsPerDay: 1 / 30, maxChangeFailRate: 0.1, recoveryBelowSeconds: DAY },
};
const RANKED = ['elite', 'high', 'medium'] as const;

export interface LevelInput {
  readonly deploymentsPerDay: number;
  /** null: no deployments in the period. */
  readonly changeFailRate: number | null;
  /** null: no failed deployment recovered in the period (nothing to judge). */
  readonly recoveryMedianSeconds: number | null;
}

export interface LevelAssessment {
  /** null when there were no deployments: a level needs deployments to judge. */
  readonly overall: PerformanceLevel | null;
  readonly deploymentFrequency: PerformanceLevel | null;
  readonly changeFailRate: PerformanceLevel | null;
  readonly recoveryTime: PerformanceLevel | null;
  /** Why the overall level is what it is, in one line. */
  readonly reason: string;
}

type Check = (figures: ClusterFigures) => boolean;

function bestMeeting(check: Check | null): PerformanceLevel | null {
  if (!check) return null;
  return RANKED.find((level) => check(DORA_2024_CLUSTERS[level])) ?? 'low';
}

export function assessLevel(input: LevelInput): LevelAssessment {
  const frequency: Check = (f) => input.deploymentsPerDay >= f.minDeploymentsPerDay;
  const cfr = input.changeFailRate;
  const failRate: Check | null = cfr === null ? null : (f) => cfr <= f.maxChangeFailRate;
  const median = input.recoveryMedianSeconds;
  const recovery: Check | null = median === null ? null : (f) => median < f.recoveryBelowSeconds;

  if (cfr === null)
    return {
      overall: null,
      deploymentFrequency: null,
      changeFailRate: null,
      recoveryTime: bestMeeting(recovery),
      reason: 'no deployments in the period',
    };
  const checks = [
    ['deployment frequency', frequency],
    ['change fail rate', failRate],
    ['recovery time', recovery],
  ] as const;
  const overall = bestMeeting((f) => checks.every(([, check]) => check === null || check(f))) ?? 'low';
  const better: (typeof RANKED)[number] | null =
    overall === 'low'
      ? 'medium'
      : overall === 'elite'
        ? null
        : (RANKED[RANKED.indexOf(overall as (typeof RANKED)[number]) - 1] ?? null);
  const short = checks
    .filter(([, check]) => better !== null && check !== null && !check(DORA_2024_CLUSTERS[better]))
    .map(([name]) => name);
  return {
    overall,
    deploymentFrequency: bestMeeting(frequency),
    changeFailRate: bestMeeting(failRate),
    recoveryTime: bestMeeting(recovery),
    reason:
      overall === 'elite'
        ? 'meets every 2024 elite figure'
        : overall === 'low'
          ? `short of the 2024 medium figures on ${short.join(', ')}`
          : `meets every 2024 ${overall} figure; short of ${better} on ${short.join(', ')}`,
  };
}
