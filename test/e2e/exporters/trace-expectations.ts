/**
 * What one drill's trace must look like at the OTLP receiver: one root span with the run's
 * identity and result, one child span per phase the drill started (timed as run.json says), the
 * key events, and the trace id in run.json and the report.
 */
import { expect } from 'vitest';
import type { OtlpSpan } from '../../support/otlp-receiver.js';
import type { FinishedDrill } from '../drill-process.js';
import { DRILL_LABELS } from './short-drills.js';

const KEY_EVENTS: readonly string[] = [
  'fault.injected',
  'detected',
  'decided',
  'rollback.started',
  'rollback.completed',
  'rollback.failed',
  'recovered',
];

export function traceIdOf(drill: FinishedDrill): string {
  return String(drill.record.exports['otel']?.['traceId']);
}

export function expectOneCompleteTrace(spans: readonly OtlpSpan[], drill: FinishedDrill): void {
  const { record, report } = drill;
  const traceId = traceIdOf(drill);
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(report).toContain(`**Trace**: \`${traceId}\``);
  const trace = spans.filter((s) => s.traceId === traceId);
  expect(new Set(trace.map((s) => s.spanId)).size, 'each span once').toBe(trace.length);
  const roots = trace.filter((s) => !s.parentSpanId);
  expect(roots.map((s) => s.name)).toEqual([`drill ${DRILL_LABELS.scenario}`]);
  const root = roots[0] as OtlpSpan;
  expect(root.attributes).toMatchObject({
    'drill.scenario': DRILL_LABELS.scenario,
    'drill.run_id': record.runId,
    'drill.result': record.result,
    'drill.rollback.succeeded': record.measurements.rollbackSucceeded,
  });
  expect(root.status.code, 'OK for a pass, ERROR otherwise').toBe(record.result === 'passed' ? 1 : 2);

  const phases = record.timeline.filter((e) => e.type === 'phase.started');
  const children = trace.filter((s) => s !== root);
  expect(children.map((s) => s.name).sort()).toEqual(phases.map((e) => `phase ${e.phase}`).sort());
  for (const span of children) expect(span.parentSpanId).toBe(root.spanId);
  for (const started of phases) {
    const span = children.find((s) => s.name === `phase ${started.phase}`);
    expect(Number(BigInt(span?.startTimeUnixNano ?? '0') / 1_000_000n)).toBe(Date.parse(started.at));
  }
  const expectedEvents = record.timeline.map((e) => e.type).filter((t) => KEY_EVENTS.includes(t));
  expect(root.events.map((e) => e.name)).toEqual(expect.arrayContaining(expectedEvents));
  expect(expectedEvents).toContain(
    record.measurements.rollbackSucceeded ? 'rollback.completed' : 'rollback.failed',
  );
}
