/**
 * Alerts as Alertmanager reports them — in a webhook notification (version "4") or from
 * GET /api/v2/alerts — reduced to what the detector needs, and the rule for "our alert started
 * firing". Pure functions: the webhook listener and the poller only move bytes.
 */

export interface ReceivedAlert {
  readonly labels: Readonly<Record<string, string>>;
  /** When Prometheus first sent the alert as firing (RFC 3339). */
  readonly startsAt: string;
  readonly fingerprint: string | null;
  /** Webhook: status "firing"; API: status.state "active" (not silenced, inhibited or resolved). */
  readonly firing: boolean;
}

export interface AlertMatcher {
  readonly alertname: string;
  /** Every one of these labels must be on the alert with exactly this value. */
  readonly labels: Readonly<Record<string, string>>;
}

export class AlertPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertPayloadError';
  }
}

export function matchesAlert(alert: ReceivedAlert, matcher: AlertMatcher): boolean {
  if (alert.labels['alertname'] !== matcher.alertname) return false;
  return Object.entries(matcher.labels).every(([name, value]) => alert.labels[name] === value);
}

/** The alerts of a webhook notification; throws AlertPayloadError on anything else. */
export function parseWebhookNotification(json: unknown): {
  readonly version: string;
  readonly alerts: readonly ReceivedAlert[];
} {
  if (!isObject(json) || !Array.isArray(json['alerts']))
    throw new AlertPayloadError('expected an Alertmanager webhook notification with an "alerts" array');
  const version = typeof json['version'] === 'string' ? json['version'] : '';
  if (version !== '4')
    throw new AlertPayloadError(
      `expected webhook payload version "4", got ${JSON.stringify(json['version'])}`,
    );
  const alerts = json['alerts'].map((entry: unknown, index) => {
    if (!isObject(entry)) throw new AlertPayloadError(`alerts[${index}] is not an object`);
    return {
      labels: labelsOf(entry['labels']),
      startsAt: typeof entry['startsAt'] === 'string' ? entry['startsAt'] : '',
      fingerprint: typeof entry['fingerprint'] === 'string' ? entry['fingerprint'] : null,
      firing: entry['status'] === 'firing',
    };
  });
  return { version, alerts };
}

/** The alerts of GET /api/v2/alerts (an array of gettableAlert). */
export function parseApiAlerts(json: unknown): readonly ReceivedAlert[] {
  if (!Array.isArray(json)) throw new AlertPayloadError('expected /api/v2/alerts to answer with an array');
  return json.map((entry: unknown, index) => {
    if (!isObject(entry)) throw new AlertPayloadError(`alert ${index} is not an object`);
    const status = isObject(entry['status']) ? entry['status'] : {};
    return {
      labels: labelsOf(entry['labels']),
      startsAt: typeof entry['startsAt'] === 'string' ? entry['startsAt'] : '',
      fingerprint: typeof entry['fingerprint'] === 'string' ? entry['fingerprint'] : null,
      firing: status['state'] === 'active',
    };
  });
}

/** `filter` values for /api/v2/alerts: `alertname="X"`, `service="api"` (matcher syntax, quoted). */
export function apiFilters(matcher: AlertMatcher): string[] {
  const quote = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [
    `alertname=${quote(matcher.alertname)}`,
    ...Object.entries(matcher.labels).map(([name, value]) => `${name}=${quote(value)}`),
  ];
}

/** `DemoShopErrors{service="demo-shop"}` — the alert name and the labels the matcher asked for. */
export function describeMatcher(matcher: AlertMatcher): string {
  const labels = Object.entries(matcher.labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return labels.length ? `${matcher.alertname}{${labels.join(',')}}` : matcher.alertname;
}

function labelsOf(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (isObject(value)) for (const [name, label] of Object.entries(value)) labels[name] = String(label);
  return labels;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
