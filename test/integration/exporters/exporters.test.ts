/** createExporters as the CLI wires it: observers, /metrics server, summary lines, shutdown. */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { createExporters, type Exporters } from '../../../exporters/index.js';
import { parseExposition, sampleValue } from '../../support/exposition.js';
import { deadUrl } from '../../support/free-port.js';
import { makeRunRecord, makeRunStartInfo } from '../../support/fixtures.js';
import { getText } from '../../support/http.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';

const started: Exporters[] = [];
const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.shutdown()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function exporters(options: Parameters<typeof createExporters>[0]): Exporters {
  const created = createExporters({ env: {}, ...options });
  started.push(created);
  return created;
}

async function finishDrill(created: Exporters) {
  const record = makeRunRecord();
  for (const o of created.observers) o.runStarted?.(makeRunStartInfo());
  await Promise.all(created.observers.map((o) => o.runFinished?.(record)));
  return record;
}

describe('createExporters', () => {
  it('has no observers when nothing is asked for', () => {
    const none = exporters({});
    expect(none.observers).toEqual([]);
    expect(none.summary()).toEqual([]);
  });

  it('serves /metrics from start() to shutdown() and says where', async () => {
    const live = exporters({ metricsPort: 0 });
    expect(live.observers).toHaveLength(1);
    await live.start();
    const url = live.metricsUrl() ?? '';
    await finishDrill(live);
    const exposition = parseExposition(await getText(url));
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { result: 'passed' })).toBe(1);
    expect(live.summary()).toEqual([`metrics: served at ${url}`]);
    await live.shutdown();
    await expect(fetch(url)).rejects.toThrow();
  });

  it('reports a failed push in its summary and in the record, leaving the result alone', async () => {
    const url = await deadUrl();
    const pushing = exporters({
      pushgatewayUrl: url,
      pushgateway: { retries: 1, backoffMs: 5, timeoutMs: 1_000 },
    });
    expect(pushing.summary()).toEqual([`metrics: not pushed to ${url}/ (the drill did not finish)`]);
    const record = await finishDrill(pushing);
    expect(record.result).toBe('passed');
    expect(record.exports['pushgateway']).toMatchObject({ ok: false, attempts: 2 });
    const [line] = pushing.summary();
    expect(line).toMatch(
      new RegExp(
        `^metrics: NOT pushed to ${url}/metrics/job/rollback_drill/scenario/checkout-bad-release/service/shop/environment/staging after 2 attempts: .*ECONNREFUSED`,
      ),
    );
  });

  it('turns OpenTelemetry on from OTEL_EXPORTER_OTLP_ENDPOINT, and off with otel: false', async () => {
    const otlp = await startOtlpReceiver();
    receivers.push(otlp);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    expect(exporters({ otel: false, env }).observers).toEqual([]);

    const traced = exporters({ env });
    expect(traced.observers).toHaveLength(1);
    const record = await finishDrill(traced);
    const traceId = (record.exports['otel'] as { traceId: string }).traceId;
    expect(traced.summary()).toEqual([
      `traces: exported trace ${traceId} to ${otlp.url}/v1/traces (1 span, and the metrics)`,
    ]);
  });

  it('says plainly when the trace did not get out', async () => {
    const url = await deadUrl();
    const traced = exporters({ otel: { endpoint: url, protocol: 'http/json', timeoutMs: 500 } });
    const record = await finishDrill(traced);
    const traceId = (record.exports['otel'] as { traceId: string }).traceId;
    expect(traced.summary()[0]).toMatch(
      new RegExp(
        `^traces: trace ${traceId} NOT fully exported to ${url}/v1/traces: 1 of 1 spans not exported`,
      ),
    );
  });

  it('fails before the drill when the metrics port is taken', async () => {
    const first = exporters({ metricsPort: 0 });
    await first.start();
    const port = Number(new URL(first.metricsUrl() ?? '').port);
    const second = exporters({ metricsPort: port });
    await expect(second.start()).rejects.toThrow(UserError);
    await expect(second.start()).rejects.toThrow(
      `cannot serve /metrics on 127.0.0.1:${port}: the port is in use`,
    );
  });

  it('keeps /metrics up for the linger time so the last scrape sees the final values', async () => {
    const clock = new FakeClock();
    const live = exporters({ metricsPort: 0, metricsLingerMs: 5_000, clock });
    await live.start();
    const url = live.metricsUrl() ?? '';
    let closed = false;
    const stopping = live.shutdown().then(() => (closed = true));
    await clock.advance(4_999);
    expect(closed).toBe(false);
    expect(await getText(url)).toContain('rollback_drill_runs_total');
    await clock.advance(1);
    await stopping;
    expect(closed).toBe(true);
    // shutdown() is idempotent.
    await live.shutdown();
  });

  it('ends the linger at once when it is told to stop (Ctrl-C after the drill)', async () => {
    const clock = new FakeClock();
    const live = exporters({ metricsPort: 0, metricsLingerMs: 60_000, clock });
    await live.start();
    const url = live.metricsUrl() ?? '';
    const stop = new AbortController();
    const startedAt = clock.now();
    let closed = false;
    const stopping = live.shutdown(stop.signal).then(() => (closed = true));
    await clock.advance(1_000);
    expect(closed).toBe(false);
    stop.abort();
    await stopping;
    expect(clock.now() - startedAt).toBe(1_000); // not a fake minute later
    await expect(getText(url, 1_000)).rejects.toThrow();
  });
});
