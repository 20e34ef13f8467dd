/** Reads Alertmanager's current alerts for one matcher: GET /api/v2/alerts?filter=…, not silenced or inhibited. */
import { apiFilters, parseApiAlerts, type AlertMatcher, type ReceivedAlert } from './alertmanager-alerts.js';
import { apiUrl, createApiGetter, type ApiGetterOptions } from './prometheus-http.js';

export interface AlertsClient {
  /** The matcher's alerts as Alertmanager holds them now; rejects with what went wrong. */
  fetch(signal: AbortSignal): Promise<readonly ReceivedAlert[]>;
  close(): Promise<void>;
}

export interface AlertsClientOptions extends ApiGetterOptions {
  readonly url: string;
  readonly matcher: AlertMatcher;
}

export function alertsQueryUrl(base: string, matcher: AlertMatcher): URL {
  const url = apiUrl(base, 'api/v2/alerts');
  for (const filter of apiFilters(matcher)) url.searchParams.append('filter', filter);
  // A silenced or inhibited alert notifies nobody: it has not "started firing" for the team.
  url.searchParams.set('silenced', 'false');
  url.searchParams.set('inhibited', 'false');
  return url;
}

export function createAlertsClient(options: AlertsClientOptions): AlertsClient {
  const getter = createApiGetter(options);
  const url = alertsQueryUrl(options.url, options.matcher);
  return {
    async fetch(signal) {
      const answer = await getter.get(url, signal);
      if (answer.status !== 200)
        throw new Error(`HTTP ${answer.status} from ${url.pathname}: ${answer.body.slice(0, 200)}`);
      let json: unknown;
      try {
        json = JSON.parse(answer.body);
      } catch {
        throw new Error(`${url.pathname} did not answer with JSON`);
      }
      return parseApiAlerts(json);
    },
    close: () => getter.close(),
  };
}
