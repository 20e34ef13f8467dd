/**
 * The OTel observer against a real OTLP/HTTP receiver on loopback: one trace per drill with every
 * phase span and event, JSON and protobuf, retries, the endpoint down, and a process that exits
 * right after the drill.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtelObserver, type OtelObserver } from '../../../exporters/otel/observer.js';
import { deadUrl } from '../../support/free-port.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '../../support/otlp-receiver.js';
import { runSimulatedDrill } from '../../support/simulated-drill.js';

const run = promisify(execFile);
const PHASE_SPANS = ['setup', 'baseline', 'fault', 'detect', 'decide', 'rollback', 'verify', 'cleanup'].map(
  (p) => `phase ${p}`,
);
const KEY_EVENTS = [
  'fault.injected',
  'detected',
  'decided',
  'rollback.started',
  'rollback.completed',
  'recovered',
];

const receivers: OtlpReceiver[] = [];
const observers: OtelObserver[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((o) => o.shutdown()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(): Promise<OtlpReceiver> {
  const started = await startOtlpReceiver();
  receivers.push(started);
  return started;
}

function observer(options: Parameters<typeof createOtelObserver>[0]): OtelObserver {
  const created = createOtelObserver({ env: {}, ...options });
  observers.push(created);
  return created;
}

function expectCompleteTrace(spans: OtlpSpan[], traceId: string): void {
  expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
  const root = spans.find((s) => s.name === 'drill checkout-bad-release');
  expect(root?.parentSpanId).toBeUndefined();
  expect(
    spans
      .filter((s) => s !== root)
      .map((s) => s.name)
      .sort(),
  ).toEqual([...PHASE_SPANS].sort());
  for (const span of spans.filter((s) => s !== root)) expect(span.parentSpanId).toBe(root?.spanId);
  expect(root?.events.map((e) => e.name)).toEqual(expect.arrayContaining(KEY_EVENTS));
  expect(root?.attributes).toMatchObject({
    'drill.scenario': 'checkout-bad-release',
    'drill.service': 'shop',
    'drill.result': 'passed',
  });
  expect(root?.resource['service.name']).toBe('rollback-drill');
}

describe('OTLP/HTTP export to a loopback receiver', () => {
  it('delivers one trace per drill with every phase span and event (http/json), and the metrics', async () => {
    const otlp = await receiver();
    const otel = observer({ endpoint: otlp.url, protocol: 'http/json' });
    const record = await runSimulatedDrill({ observers: [otel], phaseMs: 50 });
    const exported = record.exports['otel'] as { traceId: string; ok: boolean; spansExported: number };
    expect(exported).toMatchObject({
      ok: true,
      spansExported: 9,
      spansExpected: 9,
      metricsExported: true,
      protocol: 'http/json',
    });
    expect(exported).not.toHaveProperty('error');
    const spans = otlp.spans();
    expect(spans).toHaveLength(9);
    expectCompleteTrace(spans, exported.traceId);
    // Span times are the drill's event times, as run.json has them (ms precision).
    const detect = spans.find((s) => s.name === 'phase detect');
    const started = record.timeline.find((e) => e.type === 'phase.started' && e.phase === 'detect');
    expect(Math.round(Number(BigInt(detect?.startTimeUnixNano ?? '0') / 1_000_000n))).toBe(
      Date.parse(started?.at ?? ''),
    );
    expect(otlp.metricNames()).toEqual(
      expect.arrayContaining([
        'rollback_drill.time_to_detect',
        'rollback_drill.time_to_recover',
        'rollback_drill.runs',
        'rollback_drill.rollbacks',
      ]),
    );
  });

  it('speaks http/protobuf too', async () => {
    const otlp = await receiver();
    const otel = observer({ endpoint: otlp.url, protocol: 'http/protobuf' });
    const record = await runSimulatedDrill({ observers: [otel], phaseMs: 20 });
    expect(record.exports['otel']).toMatchObject({ ok: true, spansExported: 9, protocol: 'http/protobuf' });
    const traces = otlp.requests.filter((r) => r.signal === 'traces');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((r) => r.contentType === 'application/x-protobuf' && r.bytes.length > 100)).toBe(
      true,
    );
    expect(otlp.requests.some((r) => r.signal === 'metrics')).toBe(true);
  });

  it('retries a receiver that answers 503 once', async () => {
    const otlp = await receiver();
    otlp.failNext(1, 503);
    const otel = observer({ endpoint: otlp.url, protocol: 'http/json', timeoutMs: 8_000 });
    const record = await runSimulatedDrill({ observers: [otel], phaseMs: 20 });
    expect(record.exports['otel']).toMatchObject({ ok: true, spansExported: 9 });
    expect(otlp.spans()).toHaveLength(9);
  });

  it('with the endpoint down: the drill completes and run.json says what was not exported', async () => {
    const url = await deadUrl();
    const otel = observer({ endpoint: url, protocol: 'http/json', timeoutMs: 1_500 });
    const started = Date.now();
    const record = await runSimulatedDrill({ observers: [otel], phaseMs: 20 });
    const elapsedMs = Date.now() - started;
    expect(record.result).toBe('passed');
    const exported = record.exports['otel'] as {
      ok: boolean;
      error: string;
      traceId: string;
      endpoint: string;
    };
    expect(exported.ok).toBe(false);
    expect(exported.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(exported.endpoint).toBe(`${url}/v1/traces`);
    expect(exported.error).toContain(`spans not exported to ${url}/v1/traces`);
    expect(exported.error).toContain('metrics not exported');
    expect(exported.error).toMatch(/ECONNREFUSED/);
    // Bounded by the export timeout (plus the 8 simulated phases): a down collector does not hang the drill.
    expect(elapsedMs).toBeLessThan(8_000);
    // Nor the exit: after a failed export, shutdown does not try again.
    const stopping = Date.now();
    await otel.shutdown();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });
});

describe('a process that exits right after the drill', () => {
  for (const mode of ['awaited', 'no-wait'] as const) {
    it(`still delivers the whole trace (${mode === 'awaited' ? 'runFinished awaited' : 'runFinished not awaited'}, then shutdown and exit)`, async () => {
      const otlp = await receiver();
      const args = [
        'test/support/children/otel-drill-then-exit.ts',
        otlp.url,
        ...(mode === 'no-wait' ? ['no-wait'] : []),
      ];
      const { stdout } = await run('node_modules/.bin/tsx', args, { timeout: 60_000 });
      const spans = otlp.spans();
      expect(spans).toHaveLength(9);
      const traceId = spans[0]?.traceId ?? '';
      expectCompleteTrace(spans, traceId);
      if (mode === 'awaited')
        expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
          traceId,
          otel: { ok: true },
        });
    });
  }
});
