/**
 * A drill without a target: a real Timeline on the real clock emits the phases and events a
 * runner would, in a few seconds, and the matching RunRecord is built from what was emitted.
 * For exporter and dashboard tests that need real scrapes while "a drill" runs.
 */
import { SystemClock, type Clock } from '../../harness/core/clock.js';
import type { DrillObserver, RunStartInfo } from '../../harness/runner/observer.js';
import { Timeline, type PhaseName, type TimelineEvent } from '../../harness/runner/timeline.js';
import type { Scenario } from '../../harness/scenario/model.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import { deepMerge, makeRunRecord, makeScenario, type DeepPartial } from './fixtures.js';

export interface SimulatedDrillOptions {
  readonly observers: readonly DrillObserver[];
  readonly scenario?: Scenario;
  readonly runId?: string;
  /** Real milliseconds each phase lasts; default 300. */
  readonly phaseMs?: number;
  /** succeeded: the drill passes; failed: the rollback did not restore service (result failed). */
  readonly rollback?: 'succeeded' | 'failed';
  /** Awaited right after each phase starts, e.g. to let Prometheus scrape it. */
  readonly onPhaseStarted?: (phase: PhaseName) => Promise<void> | void;
  /** Applied to the built record last. */
  readonly recordOverrides?: DeepPartial<RunRecord>;
  readonly clock?: Clock;
}

function faultSummary(scenario: Scenario): string {
  return scenario.fault.type === 'release'
    ? `deploy ${scenario.fault.version}`
    : `${scenario.fault.type} fault`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export async function runSimulatedDrill(options: SimulatedDrillOptions): Promise<RunRecord> {
  const clock = options.clock ?? new SystemClock();
  const scenario = options.scenario ?? makeScenario();
  const phaseMs = options.phaseMs ?? 300;
  const succeeded = (options.rollback ?? 'succeeded') === 'succeeded';
  const timeline = new Timeline(clock);
  timeline.onEvent((event) => {
    for (const observer of options.observers) observer.event?.(event);
  });

  const startedAtMs = clock.now();
  const info: RunStartInfo = {
    runId: options.runId ?? `sim-${Math.round(clock.toEpochMs(startedAtMs))}`,
    scenario,
    fault: { kind: scenario.fault.type, summary: faultSummary(scenario), details: {} },
    startedAtMs,
    toEpochMs: (ms) => clock.toEpochMs(ms),
  };
  for (const observer of options.observers) observer.runStarted?.(info);
  timeline.record('run.started', `drill ${scenario.metadata.name} started`);

  const inner: Partial<Record<PhaseName, () => void>> = {
    fault: () =>
      timeline.record('fault.injected', `${faultSummary(scenario)}: in effect`, { phase: 'fault' }),
    detect: () =>
      timeline.record('detected', 'error ratio over budget', { phase: 'detect', data: { errorRatio: 0.3 } }),
    decide: () => timeline.record('decided', 'auto: roll back', { phase: 'decide' }),
    rollback: () => {
      timeline.record('rollback.started', 'rolling back', { phase: 'rollback' });
      timeline.record('rollback.completed', 'stable version serving', { phase: 'rollback' });
    },
    verify: () => {
      if (succeeded) timeline.record('recovered', 'SLIs inside the SLO', { phase: 'verify' });
    },
    cleanup: () => timeline.record('fault.cleared', 'candidate removed', { phase: 'cleanup' }),
  };
  for (const phase of [
    'setup',
    'baseline',
    'fault',
    'detect',
    'decide',
    'rollback',
    'verify',
    'cleanup',
  ] as const) {
    timeline.record('phase.started', `${phase} started`, { phase });
    await options.onPhaseStarted?.(phase);
    await clock.sleep(phaseMs);
    inner[phase]?.();
    timeline.record('phase.ended', `${phase} ended`, { phase });
  }
  timeline.record('run.finished', succeeded ? 'drill passed' : 'drill failed');

  const record = buildRecord(info, timeline.events(), clock.now(), succeeded, options.recordOverrides);
  await Promise.all(options.observers.map((o) => o.runFinished?.(record)));
  return record;
}

function buildRecord(
  info: RunStartInfo,
  events: readonly TimelineEvent[],
  endMs: number,
  succeeded: boolean,
  overrides: DeepPartial<RunRecord> | undefined,
): RunRecord {
  const at = (type: TimelineEvent['type']): number | null =>
    events.find((e) => e.type === type)?.atMs ?? null;
  const seconds = (from: number | null, to: number | null): number | null =>
    from === null || to === null ? null : (to - from) / 1000;
  const faultAt = at('fault.injected');
  const detectedAt = at('detected');
  const decidedAt = at('decided');
  const measurements = {
    timeToDetectSeconds: seconds(faultAt, detectedAt),
    timeToDecideSeconds: seconds(detectedAt, decidedAt),
    timeToRollbackSeconds: seconds(decidedAt, at('rollback.completed')),
    timeToRecoverSeconds: succeeded ? seconds(faultAt, at('recovered')) : null,
  };
  const objective = (
    name: 'timeToDetect' | 'timeToDecide' | 'timeToRollback' | 'timeToRecover',
    target: number,
  ) => {
    const actual = measurements[`${name}Seconds`];
    return {
      name,
      measurement: `${name}Seconds` as const,
      targetSeconds: target,
      actualSeconds: actual,
      met: actual !== null && actual <= target,
    };
  };
  const { metadata } = info.scenario;
  const built = makeRunRecord({
    runId: info.runId,
    scenario: {
      name: metadata.name,
      service: metadata.service,
      environment: metadata.environment,
      team: metadata.team,
      spec: info.scenario as unknown as Record<string, unknown>,
    },
    startedAt: iso(info.toEpochMs(info.startedAtMs)),
    endedAt: iso(info.toEpochMs(endMs)),
    durationSeconds: (endMs - info.startedAtMs) / 1000,
    result: succeeded ? 'passed' : 'failed',
    reason: succeeded ? 'rolled back and recovered' : 'rollback completed but the SLOs did not hold again',
    failures: succeeded ? [] : ['SLOs did not hold after the rollback'],
    fault: { kind: info.fault.kind, summary: info.fault.summary, details: info.fault.details },
    timeline: events.map((e) => ({
      type: e.type,
      at: iso(info.toEpochMs(e.atMs)),
      offsetSeconds: (e.atMs - info.startedAtMs) / 1000,
      ...(e.phase ? { phase: e.phase } : {}),
      message: e.message,
      ...(e.data ? { data: e.data } : {}),
    })),
    sli: { intervalSeconds: 1, samples: [] },
    measurements: {
      ...measurements,
      rollbackSucceeded: succeeded,
      rollbackFailureReason: succeeded ? null : 'SLOs did not hold after the rollback',
    },
    objectives: [
      objective('timeToDetect', 300),
      objective('timeToDecide', 600),
      objective('timeToRollback', 900),
      objective('timeToRecover', 1800),
    ],
  });
  return overrides ? makeRunRecord(deepMerge<DeepPartial<RunRecord>>(built, overrides)) : built;
}
