/**
 * The HTTP side of the builtin generator: one undici Pool to the target's origin, keep-alive, sized
 * so that every request allowed in flight has a connection (no hidden client-side queue that would
 * hide latency). Kept behind a small interface so the generator is tested with a fake one.
 */
import { finished } from 'node:stream/promises';
import { Pool } from 'undici';
import type { PreparedRequest } from './request-mix.js';

export interface HttpTransport {
  /**
   * Sends one request and reads the whole response body, discarding it (the connection can only be
   * reused once the body is consumed, and latency includes receiving it). Resolves with the status;
   * rejects with the underlying error, or with the signal's reason once `signal` aborts.
   */
  send(request: PreparedRequest, signal: AbortSignal): Promise<number>;
  /** Closes the connections: gracefully, or at once (failing what is still in flight) when `force`. */
  close(force: boolean): Promise<void>;
}

export interface HttpTransportSettings {
  /** Connections to open at most: the generator's maxInFlight. */
  readonly connections: number;
  /** The generator's per-request timeout; undici's own timers are set just past it as a backstop. */
  readonly timeoutMs: number;
}

export type HttpTransportFactory = (baseUrl: URL, settings: HttpTransportSettings) => HttpTransport;

// The generator's deadline decides what a timeout is; undici's timers only guard against a deadline
// that somehow never fired, so they sit a little past it.
const UNDICI_TIMER_MARGIN_MS = 1000;

export const createUndiciTransport: HttpTransportFactory = (baseUrl, settings) => {
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')
    throw new Error(`traffic needs an http(s) base URL, got ${baseUrl.href}`);
  const backstopMs = settings.timeoutMs + UNDICI_TIMER_MARGIN_MS;
  const pool = new Pool(baseUrl.origin, {
    connections: settings.connections,
    pipelining: 1,
    connectTimeout: backstopMs,
    headersTimeout: backstopMs,
    bodyTimeout: backstopMs,
  });
  const prefix = baseUrl.pathname.replace(/\/+$/, '');
  return {
    async send(request, signal) {
      const response = await pool.request({
        path: prefix + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
      });
      response.body.resume();
      // Rejects when the body fails midway (reset, abort): a truncated response is not a success.
      await finished(response.body);
      return response.statusCode;
    },
    async close(force) {
      if (pool.destroyed || (pool.closed && !force)) return;
      if (force) await pool.destroy();
      else await pool.close();
    },
  };
};
