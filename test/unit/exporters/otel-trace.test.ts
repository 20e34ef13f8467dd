import { SpanStatusCode } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../../harness/runner/timeline.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { createOtelObserver, type OtelObserver } from '../../../exporters/otel/observer.js';
import { epochMsToHrTime } from '../../../exporters/otel/drill-trace.js';
import {
  FIXTURE_EVENTS,
  FIXTURE_RUN_ID,
  FIXTURE_STARTED_AT_MS,
  makeFailedRollbackRecord,
  makeRunRecord,
  makeRunStartInfo,
  type FixtureEvent,
} from '../../support/fixtures.js';

const toEvent = (e: FixtureEvent): TimelineEvent => ({
  type: e.type,
  atMs: e.offsetSeconds * 1000,
  message: e.message,
  ...(e.phase ? { phase: e.phase } : {}),
  ...(e.data ? { data: e.data } : {}),
});

const observers: OtelObserver[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((o) => o.shutdown()));
});

function setup(spanExporter: SpanExporter = new InMemorySpanExporter()) {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const observer = createOtelObserver({ spanExporter, metricExporter, env: {} });
  observers.push(observer);
  return { observer, metricExporter };
}

async function drive(
  observer: OtelObserver,
  events: readonly FixtureEvent[],
  record: RunRecord,
): Promise<void> {
  observer.runStarted?.(makeRunStartInfo());
  for (const event of events) observer.event?.(toEvent(event));
  await observer.runFinished?.(record);
}

const nanos = (offsetSeconds: number) => {
  const [s, ns] = epochMsToHrTime(FIXTURE_STARTED_AT_MS + offsetSeconds * 1000);
  return s * 1e9 + ns;
};
const hrNanos = (hr: readonly [number, number]) => hr[0] * 1e9 + hr[1];

describe('the drill trace', () => {
  it('is one root span per drill with one child span per phase, timed by the drill clock', async () => {
    const spans = new InMemorySpanExporter();
    const { observer } = setup(spans);
    const record = makeRunRecord();
    await drive(observer, FIXTURE_EVENTS, record);

    const finished = spans.getFinishedSpans();
    const root = finished.find((s) => s.name === 'drill checkout-bad-release') as ReadableSpan;
    expect(root).toBeDefined();
    expect(root.parentSpanContext).toBeUndefined();
    const phases = finished.filter((s) => s !== root);
    expect(phases.map((s) => s.name)).toEqual([
      'phase setup',
      'phase baseline',
      'phase fault',
      'phase detect',
      'phase decide',
      'phase rollback',
      'phase verify',
      'phase cleanup',
    ]);
    for (const span of phases) {
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
    }
    const detect = phases.find((s) => s.name === 'phase detect') as ReadableSpan;
    expect(hrNanos(detect.startTime)).toBe(nanos(11.85));
    expect(hrNanos(detect.endTime)).toBe(nanos(15.05));
    expect(hrNanos(root.startTime)).toBe(nanos(0));
    expect(hrNanos(root.endTime)).toBe(nanos(37.9));

    expect(root.attributes).toMatchObject({
      'drill.scenario': 'checkout-bad-release',
      'drill.service': 'shop',
      'drill.environment': 'staging',
      'drill.team': 'payments',
      'drill.fault.kind': 'release',
      'drill.result': 'passed',
      'drill.run_id': FIXTURE_RUN_ID,
      'drill.time_to_detect_seconds': 3.2,
      'drill.rollback.succeeded': true,
    });
    expect(root.status.code).toBe(SpanStatusCode.OK);
    expect(root.resource.attributes['service.name']).toBe('rollback-drill');

    const eventNames = root.events.map((e) => e.name);
    for (const name of [
      'fault.injected',
      'detected',
      'decided',
      'rollback.started',
      'rollback.completed',
      'recovered',
    ])
      expect(eventNames).toContain(name);
    expect(eventNames).not.toContain('phase.started');
    const detected = root.events.find((e) => e.name === 'detected');
    expect(hrNanos(detected?.time ?? [0, 0])).toBe(nanos(15.05));
    expect(detected?.attributes).toMatchObject({
      'drill.phase': 'detect',
      'drill.data.errorRatio': 0.31,
      'drill.data.window': '5s',
    });

    expect(record.exports['otel']).toMatchObject({
      traceId: root.spanContext().traceId,
      ok: true,
      spansExported: 9,
      spansExpected: 9,
      metricsExported: true,
    });
  });

  it('marks a failed drill and a phase that timed out or never ended as errors', async () => {
    const spans = new InMemorySpanExporter();
    const { observer } = setup(spans);
    const events: FixtureEvent[] = [
      ...FIXTURE_EVENTS.filter(
        (e) =>
          e.offsetSeconds <= 17.45 &&
          e.type !== 'rollback.completed' &&
          !(e.type === 'phase.ended' && e.phase === 'rollback'),
      ),
      {
        type: 'phase.timeout',
        offsetSeconds: 17.4,
        phase: 'rollback',
        message: 'rollback did not complete within 2m',
      },
      { type: 'rollback.failed', offsetSeconds: 17.4, phase: 'rollback', message: 'timed out' },
    ];
    await drive(
      observer,
      events,
      makeFailedRollbackRecord({ endedAt: new Date(FIXTURE_STARTED_AT_MS + 20_000).toISOString() }),
    );
    const finished = spans.getFinishedSpans();
    const root = finished.find((s) => s.name.startsWith('drill ')) as ReadableSpan;
    expect(root.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'failed: rollback completed but the SLOs did not hold again',
    });
    const rollback = finished.find((s) => s.name === 'phase rollback') as ReadableSpan;
    expect(rollback.status.code).toBe(SpanStatusCode.ERROR);
    expect(rollback.status.message).toBe('rollback did not complete within 2m');
    expect(hrNanos(rollback.endTime)).toBe(nanos(20));
    expect(finished.find((s) => s.name === 'phase detect')?.status.code).toBe(SpanStatusCode.UNSET);
    expect(root.events.map((e) => e.name)).toEqual(
      expect.arrayContaining(['phase.timeout', 'rollback.failed']),
    );
  });

  it('records the measurements as OTel metrics with the scenario attributes', async () => {
    const { observer, metricExporter } = setup();
    await drive(observer, FIXTURE_EVENTS, makeRunRecord());
    const metrics =
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    expect([...byName.keys()].sort()).toEqual([
      'rollback_drill.rollbacks',
      'rollback_drill.runs',
      'rollback_drill.time_to_decide',
      'rollback_drill.time_to_detect',
      'rollback_drill.time_to_recover',
      'rollback_drill.time_to_rollback',
    ]);
    const detect = byName.get('rollback_drill.time_to_detect');
    expect(detect?.descriptor.unit).toBe('s');
    const point = detect?.dataPoints[0];
    expect(point?.attributes).toEqual({
      scenario: 'checkout-bad-release',
      service: 'shop',
      environment: 'staging',
      team: 'payments',
      fault_kind: 'release',
    });
    expect(point?.value).toMatchObject({ count: 1, sum: 3.2 });
    const runs = byName.get('rollback_drill.runs');
    expect(runs?.dataPoints.map((p) => [p.attributes['result'], p.value])).toEqual([['passed', 1]]);
  });

  it('reports clearly what was not exported when the exporter fails, without throwing', async () => {
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: 1, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') }),
      shutdown: () => Promise.resolve(),
    };
    const { observer } = setup(failing);
    const record = makeRunRecord();
    await drive(observer, FIXTURE_EVENTS, record);
    const otel = record.exports['otel'] as Record<string, unknown>;
    expect(otel['ok']).toBe(false);
    expect(otel['spansExported']).toBe(0);
    expect(String(otel['error'])).toContain('9 of 9 spans not exported');
    expect(String(otel['error'])).toContain('ECONNREFUSED');
    expect(otel['traceId']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('starts a fresh trace for each drill observed by the same observer', async () => {
    const spans = new InMemorySpanExporter();
    const { observer } = setup(spans);
    const first = makeRunRecord();
    const second = makeRunRecord();
    await drive(observer, FIXTURE_EVENTS, first);
    await drive(observer, FIXTURE_EVENTS, second);
    const ids = [first, second].map((r) => (r.exports['otel'] as { traceId: string }).traceId);
    expect(new Set(ids).size).toBe(2);
    expect(spans.getFinishedSpans()).toHaveLength(18);
    expect((second.exports['otel'] as { spansExported: number }).spansExported).toBe(9);
  });
});
