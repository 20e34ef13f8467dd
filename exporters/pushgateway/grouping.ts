/**
 * The Pushgateway group a drill's metrics go to: job + scenario + service + environment. Never a
 * run id: the gateway keeps every group forever, so one group per run grows without bound.
 */
import type { RunRecord } from '../../harness/store/run-record.js';

export const DEFAULT_JOB = 'rollback_drill';

export interface Grouping {
  readonly job: string;
  readonly scenario: string;
  readonly service: string;
  readonly environment: string;
}

export function groupingFromRecord(record: RunRecord, job = DEFAULT_JOB): Grouping {
  const { name, service, environment } = record.scenario;
  return { job, scenario: name, service, environment };
}

// Values outside this set (a `/`, spaces, an all-dots segment) go base64url-encoded, as the
// Pushgateway's `label@base64/value` path syntax allows.
const PLAIN_SEGMENT = /^(?!\.+$)[A-Za-z0-9_.~-]+$/;

function segment(name: string, value: string): string {
  if (PLAIN_SEGMENT.test(value)) return `${name}/${value}`;
  // An empty value is written as `=` (base64 of nothing has no characters).
  const encoded = value === '' ? '=' : Buffer.from(value, 'utf8').toString('base64url');
  return `${name}@base64/${encoded}`;
}

/** `/metrics/job/rollback_drill/scenario/x/service/y/environment/z`, relative to the gateway URL. */
export function groupingPath(grouping: Grouping): string {
  const { job, ...labels } = grouping;
  return ['/metrics', segment('job', job), ...Object.entries(labels).map(([k, v]) => segment(k, v))].join(
    '/',
  );
}

/** The group's URL under `baseUrl` (which may itself have a path prefix, e.g. behind a proxy). */
export function groupUrl(baseUrl: string, grouping: Grouping): string {
  return `${baseUrl.replace(/\/+$/, '')}${groupingPath(grouping)}`;
}

/**
 * fetch() refuses URLs with credentials: move `user:pass@` into a basic Authorization header.
 * Throws on an invalid URL.
 */
export function splitCredentials(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url: parsed.toString(), headers: {} };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const token = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  return { url: parsed.toString(), headers: { authorization: `Basic ${token}` } };
}

/** The URL without credentials, for reports and run.json. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? 'redacted' : '';
      parsed.password = '';
    }
    parsed.search = parsed.search ? '?redacted' : '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
