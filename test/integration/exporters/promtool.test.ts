/** `promtool check metrics` must print nothing for what /metrics serves, mid-drill and after drills. */
import { afterEach, expect, it } from 'vitest';
import { createDrillMetrics } from '../../../exporters/prometheus/drill-metrics.js';
import { startMetricsServer, type MetricsServer } from '../../../exporters/prometheus/metrics-server.js';
import { prometheusObserver } from '../../../exporters/prometheus/observer.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { makeFailedRollbackRecord, makeRunRecord, makeRunStartInfo } from '../../support/fixtures.js';
import { getText } from '../../support/http.js';
import { runPromtool } from '../../support/prometheus.js';

describeWithServers(['promtool'], 'promtool check metrics on the live /metrics', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('prints nothing for a registry that has seen passed, failed and aborted drills and one in progress', async () => {
    const metrics = createDrillMetrics();
    const observer = prometheusObserver(metrics);
    observer.runStarted?.(makeRunStartInfo());
    await observer.runFinished?.(makeRunRecord());
    observer.runStarted?.(makeRunStartInfo({ runId: 'r2' }));
    await observer.runFinished?.(makeFailedRollbackRecord());
    await observer.runFinished?.(
      makeRunRecord({
        result: 'aborted',
        windows: { postRollback: null, fault: null },
        measurements: { timeToRecoverSeconds: null, timeToRollbackSeconds: null, rollbackSucceeded: false },
      }),
    );
    observer.runStarted?.(makeRunStartInfo({ runId: 'r4' }));
    observer.event?.({ type: 'phase.started', atMs: 10, phase: 'baseline', message: 'baseline' });

    server = await startMetricsServer({ port: 0, registry: metrics.registry });
    const text = await getText(server.url);
    expect(text).toContain('rollback_drill_phase_timestamp_seconds');
    const result = await runPromtool(['check', 'metrics'], text);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('is a real check: it flags a badly named metric', async () => {
    const result = await runPromtool(
      ['check', 'metrics'],
      '# HELP drills drills\n# TYPE drills counter\ndrills 1\n',
    );
    expect(`${result.stdout}${result.stderr}`).toContain('counter metrics should have "_total" suffix');
  });
});
