/**
 * How the embedded target looks at the router: one GET with a timeout on the drill's clock, and a
 * poll loop that repeats a check until it passes. Both honour the drill's abort signal.
 */
import { request, type Agent } from 'undici';
import { abortError, type Clock } from '../core/clock.js';
import { ROUTED_TO_HEADER } from '../demo/router.js';

export type ProbeResult =
  | {
      readonly ok: true;
      readonly status: number;
      readonly body: unknown;
      /** The router's `x-routed-to` header: the version it sent the probe to. */
      readonly routedTo: string | undefined;
    }
  | { readonly ok: false; readonly error: string };

/** A probe that hangs longer than this counts as failed; the next poll tries again. */
export const PROBE_TIMEOUT_MS = 1_000;

/** GETs JSON from the router. Never rejects for HTTP or network failures, only when `signal` aborts. */
export async function probeJson(
  dispatcher: Agent,
  url: URL,
  clock: Clock,
  signal: AbortSignal,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  if (signal.aborted) throw abortError(signal);
  const timeout = new AbortController();
  const cancelTimer = clock.setTimer(
    () => timeout.abort(new Error(`no answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher,
      signal: AbortSignal.any([signal, timeout.signal]),
    });
    const text = await response.body.text();
    const routedTo = response.headers[ROUTED_TO_HEADER];
    return {
      ok: true,
      status: response.statusCode,
      body: parseJsonOrText(text),
      routedTo: typeof routedTo === 'string' ? routedTo : undefined,
    };
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    cancelTimer();
  }
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The `version` field of a JSON body, when there is one. */
export function versionIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const version = (body as { version?: unknown }).version;
  return typeof version === 'string' ? version : undefined;
}

/** "502 backend unreachable", "connect ECONNREFUSED": what a failed probe saw, for messages. */
export function describeProbe(result: ProbeResult): string {
  if (!result.ok) return result.error;
  const body = result.body;
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? `${result.status} ${error}` : `HTTP ${result.status}`;
}

export interface PollOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Give up (throw) after this long; unset: poll until `signal` aborts. */
  readonly timeoutMs?: number;
  /** What is being waited for, for the timeout message. */
  readonly waitingFor: string;
  /** What the last failed check saw, for the timeout message. */
  readonly lastMiss?: () => string;
}

/**
 * Calls `check` every `intervalMs`, start to start, until it returns a value; a check slower than the
 * interval is followed at once by the next, without a burst to catch up. Resolves with the value and
 * the clock reading when it was seen.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<{ readonly value: T; readonly observedAtMs: number }> {
  const { clock, intervalMs, signal } = options;
  const startedAtMs = clock.now();
  for (;;) {
    if (signal.aborted) throw abortError(signal);
    const checkStartedAtMs = clock.now();
    const value = await check();
    const now = clock.now();
    if (value !== undefined) return { value, observedAtMs: now };
    if (options.timeoutMs !== undefined && now - startedAtMs >= options.timeoutMs) {
      const seen = options.lastMiss ? ` (last seen: ${options.lastMiss()})` : '';
      throw new Error(
        `gave up waiting for ${options.waitingFor} after ${Math.round(now - startedAtMs)} ms${seen}`,
      );
    }
    await clock.sleep(Math.max(0, checkStartedAtMs + intervalMs - now), signal);
  }
}
