/**
 * The timeline and SLI series of the fixture drill (see fixtures.ts): a bad release detected in
 * 3.2 s, rolled back in 2.4 s, recovered 7.05 s after the fault took effect.
 */
import type { PhaseName, TimelineEventType } from '../../harness/runner/timeline.js';
import type { RunRecord } from '../../harness/store/run-record.js';

export const FIXTURE_STARTED_AT_MS = Date.UTC(2026, 10, 22, 6, 0, 0);

export interface FixtureEvent {
  readonly type: TimelineEventType;
  readonly offsetSeconds: number;
  readonly phase?: PhaseName;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** The timeline of the fixture drill, in seconds from the run start. */
export const FIXTURE_EVENTS: readonly FixtureEvent[] = [
  { type: 'run.started', offsetSeconds: 0, message: 'drill checkout-bad-release started' },
  { type: 'phase.started', offsetSeconds: 0, phase: 'setup', message: 'setup started' },
  { type: 'target.ready', offsetSeconds: 1.2, phase: 'setup', message: 'shop 1.4.2 healthy' },
  { type: 'phase.ended', offsetSeconds: 1.2, phase: 'setup', message: 'setup ended' },
  { type: 'phase.started', offsetSeconds: 1.2, phase: 'baseline', message: 'baseline started' },
  { type: 'phase.ended', offsetSeconds: 11.2, phase: 'baseline', message: 'baseline ended' },
  { type: 'phase.started', offsetSeconds: 11.2, phase: 'fault', message: 'fault started' },
  {
    type: 'fault.injected',
    offsetSeconds: 11.85,
    phase: 'fault',
    message: 'candidate 1.5.0-errors serving',
    data: { version: '1.5.0-errors' },
  },
  { type: 'phase.ended', offsetSeconds: 11.85, phase: 'fault', message: 'fault ended' },
  { type: 'phase.started', offsetSeconds: 11.85, phase: 'detect', message: 'detect started' },
  {
    type: 'detected',
    offsetSeconds: 15.05,
    phase: 'detect',
    message: 'error ratio 31% over 5s > 0.5% budget',
    data: { errorRatio: 0.31, window: '5s' },
  },
  { type: 'phase.ended', offsetSeconds: 15.05, phase: 'detect', message: 'detect ended' },
  { type: 'phase.started', offsetSeconds: 15.05, phase: 'decide', message: 'decide started' },
  {
    type: 'decided',
    offsetSeconds: 15.05,
    phase: 'decide',
    message: 'auto: roll back',
    data: { by: 'auto' },
  },
  { type: 'phase.ended', offsetSeconds: 15.05, phase: 'decide', message: 'decide ended' },
  { type: 'phase.started', offsetSeconds: 15.05, phase: 'rollback', message: 'rollback started' },
  { type: 'rollback.started', offsetSeconds: 15.05, phase: 'rollback', message: 'rolling back to 1.4.2' },
  {
    type: 'rollback.completed',
    offsetSeconds: 17.45,
    phase: 'rollback',
    message: '1.4.2 serving and healthy',
  },
  { type: 'phase.ended', offsetSeconds: 17.45, phase: 'rollback', message: 'rollback ended' },
  { type: 'phase.started', offsetSeconds: 17.45, phase: 'verify', message: 'verify started' },
  { type: 'recovered', offsetSeconds: 18.9, phase: 'verify', message: 'SLIs inside the SLO for 5s' },
  { type: 'phase.ended', offsetSeconds: 37.45, phase: 'verify', message: 'verify ended' },
  { type: 'phase.started', offsetSeconds: 37.45, phase: 'cleanup', message: 'cleanup started' },
  { type: 'fault.cleared', offsetSeconds: 37.5, phase: 'cleanup', message: 'candidate removed' },
  { type: 'cleanup.step', offsetSeconds: 37.85, phase: 'cleanup', message: 'demo shop stopped' },
  { type: 'phase.ended', offsetSeconds: 37.9, phase: 'cleanup', message: 'cleanup ended' },
  { type: 'run.finished', offsetSeconds: 37.9, message: 'drill passed' },
];

export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Run-record timeline entries from fixture events. */
export function timelineRecord(
  events: readonly FixtureEvent[],
  startedAtMs = FIXTURE_STARTED_AT_MS,
): RunRecord['timeline'] {
  return events.map((e) => ({
    type: e.type,
    at: iso(startedAtMs + Math.round(e.offsetSeconds * 1000)),
    offsetSeconds: e.offsetSeconds,
    ...(e.phase ? { phase: e.phase } : {}),
    message: e.message,
    ...(e.data ? { data: e.data } : {}),
  }));
}

/** One SLI sample per second: clean baseline, ~31% errors while the candidate served. */
export function sliSamples(startedAtMs: number): RunRecord['sli']['samples'] {
  const samples: RunRecord['sli']['samples'] = [];
  for (let second = 1; second < 37; second++) {
    const faulty = second >= 12 && second < 17;
    const requests = 50;
    const errors = faulty ? 15 + (second % 2) : second === 25 ? 1 : 0;
    samples.push({
      offsetSeconds: second,
      at: iso(startedAtMs + second * 1000),
      requests,
      errors,
      dropped: 0,
      errorsByClass: errors ? { http_5xx: errors } : {},
      latencyMs: faulty
        ? { p50: 14, p90: 24, p95: 31, p99: 55, max: 90 }
        : { p50: 12, p90: 20, p95: 24, p99: 38, max: 61 },
      latencyHistogram: null,
    });
  }
  return samples;
}
