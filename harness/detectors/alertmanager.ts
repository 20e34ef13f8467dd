/**
 * The `alertmanager` detector measures a team's real alerting pipeline: it fires when a named
 * alert (alertname + optional labels) starts firing, as Alertmanager tells it — by webhook
 * notification (version "4") to a loopback listener, by polling GET /api/v2/alerts, or both,
 * whichever is first. Detection time = when the harness received it; the alert's `startsAt`
 * (when Prometheus fired it) is recorded too, which splits time to detect into the Prometheus
 * part (scrape, rule evaluation, `for`) and the Alertmanager part (group_wait, delivery).
 * An alert already firing before the fault (startsAt earlier by more than clockSkew) is not ours.
 */
import { abortError } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';
import type { ObservationResolution } from '../core/adapter-context.js';
import { secrets } from '../core/secrets.js';
import type { AlertmanagerDetectorConfig } from '../scenario/schema/detection.js';
import {
  describeMatcher,
  matchesAlert,
  type AlertMatcher,
  type ReceivedAlert,
} from './alertmanager-alerts.js';
import { createAlertsClient, type AlertsClient, type AlertsClientOptions } from './alertmanager-poll.js';
import { listenForWebhooks, type WebhookListener } from './alertmanager-webhook.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';
import { bearerTokenFrom, registerUrlSecrets } from './prometheus-http.js';

export interface AlertmanagerDetectorOptions {
  /** Builds the /api/v2/alerts client; tests pass a scripted one. */
  readonly alertsClient?: (options: AlertsClientOptions) => AlertsClient;
  /** Environment for poll.bearerTokenEnv; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

type Channel = 'webhook' | 'poll';

interface FiredAlert {
  readonly via: Channel;
  readonly alert: ReceivedAlert;
  readonly receivedAt: string;
}

const LOG_EVERY_FAILURES = 10;
const IN_PROCESS_RESOLUTION_SECONDS = 0.001;

export class AlertmanagerDetector implements Detector {
  readonly kind = 'alertmanager';
  private fired: FiredAlert | undefined;

  constructor(
    private readonly config: AlertmanagerDetectorConfig,
    private readonly options: AlertmanagerDetectorOptions = {},
  ) {
    if (config.poll) registerUrlSecrets(config.poll.url, (secret) => secrets.add(secret));
  }

  private get matcher(): AlertMatcher {
    return { alertname: this.config.alertname, labels: this.config.labels };
  }

  describe(): DetectorDescription {
    const { webhook, poll } = this.config;
    return {
      kind: this.kind,
      settings: {
        alertname: this.config.alertname,
        labels: this.config.labels,
        ...(webhook ? { webhook: { listen: `http://127.0.0.1:${webhook.port}${webhook.path}` } } : {}),
        ...(poll
          ? {
              poll: {
                url: poll.url,
                interval: poll.interval,
                timeout: poll.timeout,
                ...(poll.bearerTokenEnv ? { bearerTokenEnv: poll.bearerTokenEnv } : {}),
              },
            }
          : {}),
        clockSkew: this.config.clockSkew,
        firesWhen: `${describeMatcher(this.matcher)} is firing (not silenced or inhibited) with startsAt no earlier than the fault start − clockSkew`,
        ...(this.fired
          ? {
              firedVia: this.fired.via,
              firedAlert: {
                labels: this.fired.alert.labels,
                startsAt: this.fired.alert.startsAt,
                fingerprint: this.fired.alert.fingerprint,
                receivedAt: this.fired.receivedAt,
              },
            }
          : {}),
      },
      observation: this.observation(),
    };
  }

  /** The channel that fired decides the resolution; before firing, the coarser configured one. */
  private observation(): ObservationResolution {
    const { webhook, poll } = this.config;
    const byWebhook: ObservationResolution = {
      method: 'Alertmanager webhook notification, timed when its request arrived (in-process)',
      resolutionSeconds: IN_PROCESS_RESOLUTION_SECONDS,
    };
    const byPoll: ObservationResolution | undefined = poll && {
      method: `Alertmanager's /api/v2/alerts polled every ${formatDurationMs(poll.interval)}`,
      resolutionSeconds: poll.interval / 1000,
    };
    const via = this.fired?.via ?? (!byPoll ? 'webhook' : !webhook ? 'poll' : undefined);
    if (via === 'webhook' || !byPoll) return byWebhook;
    if (via === 'poll') return byPoll;
    return {
      method: `${byWebhook.method}, or ${byPoll.method}, whichever comes first`,
      resolutionSeconds: byPoll.resolutionSeconds,
    };
  }

  async watch(ctx: DetectorContext): Promise<Detection> {
    const { clock } = ctx;
    const { webhook, poll, clockSkew } = this.config;
    const matcher = this.matcher;
    const faultStartEpochMs = clock.toEpochMs(clock.now());
    const stopPolling = new AbortController();
    const ignored = new Set<string>();
    let webhookNotifications = 0;
    let polls = 0;
    let resolveDetection: (detection: Detection) => void = () => undefined;
    const detected = new Promise<Detection>((resolve) => (resolveDetection = resolve));

    const consider = (alerts: readonly ReceivedAlert[], via: Channel, receivedAtMs: number): void => {
      if (this.fired) return;
      for (const alert of alerts) {
        if (!alert.firing || !matchesAlert(alert, matcher)) continue;
        const startsAtEpochMs = Date.parse(alert.startsAt);
        if (startsAtEpochMs < faultStartEpochMs - clockSkew) {
          const key = `${alert.fingerprint ?? JSON.stringify(alert.labels)}@${alert.startsAt}`;
          if (!ignored.has(key)) {
            ignored.add(key);
            ctx.log(
              `alertmanager: ${describeMatcher(matcher)} has been firing since ${alert.startsAt}, before the fault: not counted`,
            );
          }
          continue;
        }
        const receivedAtEpochMs = clock.toEpochMs(receivedAtMs);
        this.fired = { via, alert, receivedAt: new Date(receivedAtEpochMs).toISOString() };
        const known = Number.isFinite(startsAtEpochMs);
        const afterFault = known
          ? `, ${formatDurationMs(Math.max(0, startsAtEpochMs - faultStartEpochMs))} after the fault`
          : '';
        const delivery = known
          ? ` ${formatDurationMs(Math.max(0, receivedAtEpochMs - startsAtEpochMs))} later`
          : '';
        resolveDetection({
          atMs: receivedAtMs,
          reason: `alert ${describeMatcher(matcher)} firing since ${alert.startsAt || 'an unknown time'}${afterFault}; received by ${via}${delivery}`,
          observed: {
            ...(known
              ? {
                  alertStartsAtEpochMs: startsAtEpochMs,
                  alertStartedAfterFaultMs: Math.round(startsAtEpochMs - faultStartEpochMs),
                  receivedAfterAlertStartMs: Math.round(receivedAtEpochMs - startsAtEpochMs),
                }
              : {}),
            viaWebhook: via === 'webhook' ? 1 : 0,
            webhookNotifications,
            polls,
            oldAlertsIgnored: ignored.size,
          },
        });
        return;
      }
    };

    let listener: WebhookListener | undefined;
    let client: AlertsClient | undefined;
    let polling: Promise<void> | undefined;
    let onAbort: () => void = () => undefined;
    try {
      if (webhook) {
        listener = await listenForWebhooks({
          port: webhook.port,
          path: webhook.path,
          now: () => clock.now(),
          onNotification: (notification) => {
            webhookNotifications += 1;
            consider(notification.alerts, 'webhook', notification.receivedAtMs);
          },
          onRefused: (reason) => ctx.log(`alertmanager: ${reason}`),
        });
        ctx.log(`alertmanager: listening for webhooks on ${listener.url}`);
      }
      if (poll) {
        client = (this.options.alertsClient ?? createAlertsClient)({
          url: poll.url,
          matcher,
          timeoutMs: poll.timeout,
          clock,
          ...bearerTokenFrom(
            poll.bearerTokenEnv,
            this.options.env ?? process.env,
            'the alertmanager detector',
            (t) => secrets.add(t),
          ),
        });
        const signal = AbortSignal.any([ctx.signal, stopPolling.signal]);
        polling = pollAlerts(client, poll.interval, signal, ctx, (alerts, atMs) => {
          polls += 1;
          consider(alerts, 'poll', atMs);
        });
      }
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(abortError(ctx.signal));
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
      return await Promise.race([detected, aborted]);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      stopPolling.abort();
      await Promise.all([listener?.close(), polling?.catch(() => undefined)]);
      await client?.close().catch(() => undefined);
    }
  }
}

/** Polls until `signal` aborts; failures are logged (not every one) and retried at the next poll. */
async function pollAlerts(
  client: AlertsClient,
  intervalMs: number,
  signal: AbortSignal,
  ctx: DetectorContext,
  onAlerts: (alerts: readonly ReceivedAlert[], receivedAtMs: number) => void,
): Promise<void> {
  let failuresInRow = 0;
  while (!signal.aborted) {
    const startedMs = ctx.clock.now();
    try {
      const alerts = await client.fetch(signal);
      if (failuresInRow > 0)
        ctx.log(`alertmanager: /api/v2/alerts answers again after ${failuresInRow} failures`);
      failuresInRow = 0;
      onAlerts(alerts, ctx.clock.now());
    } catch (error) {
      if (signal.aborted) return;
      failuresInRow += 1;
      if (failuresInRow === 1 || failuresInRow % LOG_EVERY_FAILURES === 0)
        ctx.log(
          `alertmanager: poll failed (${failuresInRow} in a row): ${error instanceof Error ? error.message : String(error)}; retrying every ${formatDurationMs(intervalMs)}`,
        );
    }
    try {
      await ctx.clock.sleep(Math.max(0, startedMs + intervalMs - ctx.clock.now()), signal);
    } catch {
      return; // aborted: the watch is over
    }
  }
}
