import { describe, expect, it } from 'vitest';
import {
  apiFilters,
  describeMatcher,
  matchesAlert,
  parseApiAlerts,
  parseWebhookNotification,
  type ReceivedAlert,
} from '../../../harness/detectors/alertmanager-alerts.js';
import { AlertmanagerDetector } from '../../../harness/detectors/alertmanager.js';
import {
  alertsQueryUrl,
  type AlertsClient,
  type AlertsClientOptions,
} from '../../../harness/detectors/alertmanager-poll.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { alertmanagerDetectorConfig, detectionConfig } from '../../../harness/scenario/schema/detection.js';
import { TestContext } from './fixtures.js';

const MATCHER = { alertname: 'DemoShopErrorRatioHigh', labels: { service: 'demo-shop' } };

function alert(
  overrides: Partial<ReceivedAlert> & { startsAtMs?: number; ctx?: TestContext } = {},
): ReceivedAlert {
  const { startsAtMs, ctx, ...rest } = overrides;
  return {
    labels: { alertname: 'DemoShopErrorRatioHigh', service: 'demo-shop', severity: 'page' },
    startsAt: new Date((ctx ?? new TestContext()).clock.toEpochMs(startsAtMs ?? 0)).toISOString(),
    fingerprint: '9a8cdbdbda0b128e',
    firing: true,
    ...rest,
  };
}

/** What Alertmanager's API holds at each poll (the last entry repeats). */
class ScriptedAlerts implements AlertsClient {
  readonly polledAtMs: number[] = [];
  options: AlertsClientOptions | undefined;
  closed = false;

  constructor(
    private readonly ctx: TestContext,
    private readonly answers: (readonly ReceivedAlert[] | Error)[],
  ) {}

  fetch(): Promise<readonly ReceivedAlert[]> {
    this.polledAtMs.push(this.ctx.clock.now());
    const next = this.answers.length > 1 ? this.answers.shift() : this.answers[0];
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(next ?? []);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  factory = (options: AlertsClientOptions): AlertsClient => {
    this.options = options;
    return this;
  };
}

function pollingDetector(
  alerts: ScriptedAlerts,
  overrides: Record<string, unknown> = {},
): AlertmanagerDetector {
  const config = alertmanagerDetectorConfig.parse({
    type: 'alertmanager',
    alertname: MATCHER.alertname,
    labels: MATCHER.labels,
    poll: { url: 'http://127.0.0.1:9093', interval: '1s' },
    ...overrides,
  });
  return new AlertmanagerDetector(config, { alertsClient: alerts.factory, env: {} });
}

describe('alerts from Alertmanager', () => {
  it('reads a version 4 webhook notification', () => {
    const parsed = parseWebhookNotification({
      receiver: 'hook',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'A', service: 'api' },
          annotations: { summary: 's' },
          startsAt: '2026-11-22T05:30:24.347Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus/graph',
          fingerprint: 'f1',
        },
        { status: 'resolved', labels: { alertname: 'B' }, startsAt: '2026-11-22T05:00:00Z' },
      ],
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://127.0.0.1:9093',
      version: '4',
      groupKey: '{}:{alertname="A"}',
      truncatedAlerts: 0,
    });
    expect(parsed.alerts).toEqual([
      {
        labels: { alertname: 'A', service: 'api' },
        startsAt: '2026-11-22T05:30:24.347Z',
        fingerprint: 'f1',
        firing: true,
      },
      { labels: { alertname: 'B' }, startsAt: '2026-11-22T05:00:00Z', fingerprint: null, firing: false },
    ]);
    expect(() => parseWebhookNotification({ version: '3', alerts: [] })).toThrow(
      'expected webhook payload version "4", got "3"',
    );
    expect(() => parseWebhookNotification({ hello: 1 })).toThrow(/"alerts" array/);
  });

  it('reads /api/v2/alerts: only "active" alerts are firing', () => {
    const alerts = parseApiAlerts([
      {
        labels: { alertname: 'A' },
        startsAt: '2026-11-22T05:30:24Z',
        fingerprint: 'f',
        status: { state: 'active' },
      },
      {
        labels: { alertname: 'A' },
        startsAt: '2026-11-22T05:30:24Z',
        status: { state: 'suppressed', silencedBy: ['s'] },
      },
    ]);
    expect(alerts.map((a) => a.firing)).toEqual([true, false]);
    expect(() => parseApiAlerts({})).toThrow('expected /api/v2/alerts to answer with an array');
  });

  it('matches on alertname and every configured label', () => {
    expect(matchesAlert(alert(), MATCHER)).toBe(true);
    expect(
      matchesAlert(alert({ labels: { alertname: 'DemoShopErrorRatioHigh', service: 'other' } }), MATCHER),
    ).toBe(false);
    expect(matchesAlert(alert({ labels: { alertname: 'DemoShopErrorRatioHigh' } }), MATCHER)).toBe(false);
    expect(matchesAlert(alert({ labels: { alertname: 'Other', service: 'demo-shop' } }), MATCHER)).toBe(
      false,
    );
    expect(matchesAlert(alert(), { alertname: 'DemoShopErrorRatioHigh', labels: {} })).toBe(true);
    expect(describeMatcher(MATCHER)).toBe('DemoShopErrorRatioHigh{service="demo-shop"}');
  });

  it('builds API filters with quoted, escaped values', () => {
    expect(apiFilters({ alertname: 'A "quoted" \\ name', labels: { env: 'prod' } })).toEqual([
      'alertname="A \\"quoted\\" \\\\ name"',
      'env="prod"',
    ]);
    const url = alertsQueryUrl('http://am:9093/alertmanager', MATCHER);
    expect(url.pathname).toBe('/alertmanager/api/v2/alerts');
    expect(url.searchParams.getAll('filter')).toEqual([
      'alertname="DemoShopErrorRatioHigh"',
      'service="demo-shop"',
    ]);
    expect(url.searchParams.get('silenced')).toBe('false');
    expect(url.searchParams.get('inhibited')).toBe('false');
  });
});

describe('alertmanager detector (polling, fake clock)', () => {
  it('fires when the alert starts firing, timed at the poll that saw it, with startsAt recorded', async () => {
    const ctx = new TestContext();
    await ctx.clock.advance(10_000); // the fault is in effect at 10 s
    const firing = alert({ ctx, startsAtMs: 13_200 });
    const alerts = new ScriptedAlerts(ctx, [[], [], [], [], [firing]]);
    const detector = pollingDetector(alerts);
    const watch = detector.watch(ctx);
    await ctx.clock.advance(5_000);
    const detection = await watch;
    expect(alerts.polledAtMs).toEqual([10_000, 11_000, 12_000, 13_000, 14_000]);
    expect(detection.atMs).toBe(14_000);
    expect(detection.reason).toBe(
      `alert DemoShopErrorRatioHigh{service="demo-shop"} firing since ${firing.startsAt}, 3.2s after the fault; received by poll 800ms later`,
    );
    expect(detection.observed).toMatchObject({
      alertStartsAtEpochMs: Date.parse(firing.startsAt),
      alertStartedAfterFaultMs: 3_200,
      receivedAfterAlertStartMs: 800,
      viaWebhook: 0,
      polls: 5,
      oldAlertsIgnored: 0,
    });
    expect(alerts.closed).toBe(true);
    expect(ctx.clock.pendingTimers()).toBe(0);
    const description = detector.describe();
    expect(description.settings).toMatchObject({
      firedVia: 'poll',
      firedAlert: { startsAt: firing.startsAt },
    });
    expect(description.observation).toEqual({
      method: "Alertmanager's /api/v2/alerts polled every 1s",
      resolutionSeconds: 1,
    });
  });

  it('does not count an alert that was firing before the fault, other services, or silenced alerts', async () => {
    const ctx = new TestContext();
    await ctx.clock.advance(60_000);
    const old = alert({ ctx, startsAtMs: 30_000, fingerprint: 'old' });
    const elsewhere = alert({
      ctx,
      startsAtMs: 61_000,
      labels: { alertname: 'DemoShopErrorRatioHigh', service: 'api' },
    });
    const silenced = alert({ ctx, startsAtMs: 61_000, firing: false });
    const skewed = alert({ ctx, startsAtMs: 59_500, fingerprint: 'new' }); // within the 1 s clock skew allowance
    const alerts = new ScriptedAlerts(ctx, [
      [old, elsewhere, silenced],
      [old, elsewhere, silenced],
      [old, skewed],
    ]);
    const watch = pollingDetector(alerts).watch(ctx);
    await ctx.clock.advance(3_000);
    const detection = await watch;
    expect(detection.atMs).toBe(62_000);
    expect(detection.observed.oldAlertsIgnored).toBe(1);
    expect(ctx.logs.filter((line) => line.includes('before the fault: not counted'))).toHaveLength(1);
  });

  it('retries failed polls, logging the first, and never fires on an error', async () => {
    const ctx = new TestContext();
    const alerts = new ScriptedAlerts(ctx, [
      new Error('HTTP 503'),
      new Error('HTTP 503'),
      [alert({ ctx, startsAtMs: 500 })],
    ]);
    const watch = pollingDetector(alerts).watch(ctx);
    await ctx.clock.advance(2_000);
    await expect(watch).resolves.toMatchObject({ atMs: 2_000 });
    expect(ctx.logs).toEqual([
      expect.stringContaining('poll failed (1 in a row): HTTP 503; retrying every 1s'),
      'alertmanager: /api/v2/alerts answers again after 2 failures',
    ]);
  });

  it('rejects on abort and stops polling', async () => {
    const ctx = new TestContext();
    const alerts = new ScriptedAlerts(ctx, [[]]);
    const watch = pollingDetector(alerts)
      .watch(ctx)
      .catch((error: unknown) => error);
    await ctx.clock.advance(2_500);
    ctx.controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    expect(await watch).toMatchObject({ message: 'interrupted' });
    const polls = alerts.polledAtMs.length;
    await ctx.clock.advance(5_000);
    expect(alerts.polledAtMs).toHaveLength(polls);
    expect(alerts.closed).toBe(true);
  });
});

describe('alertmanager detector config', () => {
  it("needs a webhook, a poll or both, and states each channel's resolution before firing", () => {
    expect(
      detectionConfig.safeParse({ type: 'alertmanager', alertname: 'A' }).error?.issues[0]?.message,
    ).toBe('expected webhook, poll or both: how the harness hears of the alert');
    const webhookOnly = createDetector(
      detectionConfig.parse({ type: 'alertmanager', alertname: 'A', webhook: { port: 9099 } }),
    );
    expect(webhookOnly.describe().observation.resolutionSeconds).toBe(0.001);
    expect(webhookOnly.describe().settings).toMatchObject({
      webhook: { listen: 'http://127.0.0.1:9099/alertmanager' },
    });
    const both = createDetector(
      detectionConfig.parse({
        type: 'alertmanager',
        alertname: 'A',
        webhook: { port: 9099, path: '/hooks/am' },
        poll: { url: 'http://127.0.0.1:9093', interval: '3s' },
      }),
    );
    expect(both.describe().observation).toMatchObject({ resolutionSeconds: 3 });
    expect(both.describe().observation.method).toContain('whichever comes first');
    expect(
      detectionConfig.safeParse({ type: 'alertmanager', alertname: 'A', webhook: { port: 0 } }).success,
    ).toBe(false);
    expect(
      detectionConfig.safeParse({ type: 'alertmanager', alertname: 'A', webhook: { port: 9099, path: 'x' } })
        .success,
    ).toBe(false);
  });
});
