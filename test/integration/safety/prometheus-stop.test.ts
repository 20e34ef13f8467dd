/**
 * The Prometheus stop condition against a real Prometheus: an expression with a result stops the
 * drill, an empty one does not, bad PromQL is reported without stopping anything.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SystemClock } from '../../../harness/core/clock.js';
import {
  httpPrometheusQuery,
  prometheusCondition,
} from '../../../harness/runner/stop-conditions-prometheus.js';
import type { StopConditionFired } from '../../../harness/runner/stop-conditions.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { deadUrl } from '../../support/free-port.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.js';

async function watch(
  url: string,
  query: string,
  forMs: number,
): Promise<{ fired?: StopConditionFired; logs: string[] }> {
  const logs: string[] = [];
  let fired: StopConditionFired | undefined;
  const stop = prometheusCondition({ url, query, interval: 200 }).start({
    clock: new SystemClock(),
    subscribe: () => () => undefined,
    fire: (s) => void (fired ??= s),
    log: (l) => logs.push(l),
  });
  const deadline = Date.now() + forMs;
  while (!fired && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  stop();
  return { ...(fired ? { fired } : {}), logs };
}

describeWithServers(['prometheus'], 'Prometheus stop condition', () => {
  let prometheus: PrometheusServer | undefined;
  beforeAll(async () => {
    prometheus = await startPrometheus();
  });
  afterAll(async () => prometheus?.stop());

  it('fires when the expression returns a series and names it', async () => {
    const { fired } = await watch(
      prometheus?.url ?? '',
      'label_replace(vector(3), "alert", "CheckoutDown", "", "")',
      10_000,
    );
    expect(fired?.reason).toBe(
      'stop condition met: Prometheus query "label_replace(vector(3), \\"alert\\", \\"CheckoutDown\\", \\"\\", \\"\\")" returned 1 series, first {alert="CheckoutDown"} = 3',
    );
  });

  it('does not fire on an empty result or a zero scalar', async () => {
    const empty = await watch(prometheus?.url ?? '', 'vector(1) > 2', 1_500);
    expect(empty.fired).toBeUndefined();
    const zero = await watch(prometheus?.url ?? '', 'scalar(vector(0))', 1_000);
    expect(zero.fired).toBeUndefined();
    expect([...empty.logs, ...zero.logs]).toEqual([]);
  });

  it('reports bad PromQL and an unreachable server once each, without firing', async () => {
    const bad = await watch(prometheus?.url ?? '', 'sum(', 1_000);
    expect(bad.fired).toBeUndefined();
    expect(bad.logs).toHaveLength(1);
    expect(bad.logs[0]).toMatch(
      /^prometheus stop condition could not be evaluated \(the drill goes on\): Prometheus answered with an error: .*parse error/,
    );
    const down = await watch(await deadUrl(), 'up', 1_000);
    expect(down.fired).toBeUndefined();
    expect(down.logs).toHaveLength(1);
  });

  it('the raw query helper returns Prometheus’s JSON answer', async () => {
    const answer = (await httpPrometheusQuery(
      prometheus?.url ?? '',
      'vector(1)',
      AbortSignal.timeout(5_000),
    )) as {
      status: string;
    };
    expect(answer.status).toBe('success');
  });
});
