/**
 * Polling a staging system until it shows what a deploy or rollback should produce. Besides the
 * moment it was seen, the watch reports how uncertain that moment is: the change happened after the
 * previous check started (or after watching began) and before this one ended, and no figure derived
 * from it may claim more precision than that window.
 */
import { abortError, type Clock } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';

export interface WatchCheck {
  readonly passed: boolean;
  /** What this check saw, for the timeout message. */
  readonly seen: string;
}

export interface WatchOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** What is awaited, for the timeout message: "1.5.0 to serve". */
  readonly waitingFor: string;
  /** The change cannot have happened before this (e.g. the rollback commands' end); default: the watch's start. */
  readonly notBeforeMs?: number;
}

export interface WatchResult {
  /** When the passing check ended. */
  readonly observedAtMs: number;
  /** The window the change happened in: observedAtMs minus the later of notBefore and the previous check's start. */
  readonly uncertaintyMs: number;
  /** Checks made, including the passing one. */
  readonly checks: number;
}

export class WatchTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchTimeoutError';
  }
}

/**
 * Runs `check` every `intervalMs` (start to start; a slow check is followed at once by the next)
 * until it passes; throws WatchTimeoutError after `timeoutMs`, an abort error when `signal` aborts.
 */
export async function watchUntil(
  check: () => Promise<WatchCheck>,
  options: WatchOptions,
): Promise<WatchResult> {
  const { clock, intervalMs, signal } = options;
  const startedAtMs = clock.now();
  const notBeforeMs = options.notBeforeMs ?? startedAtMs;
  let previousCheckStartMs: number | undefined;
  for (let checks = 1; ; checks++) {
    if (signal.aborted) throw abortError(signal);
    const checkStartedAtMs = clock.now();
    const result = await check();
    const now = clock.now();
    if (result.passed) {
      const from = Math.max(notBeforeMs, previousCheckStartMs ?? notBeforeMs);
      return { observedAtMs: now, uncertaintyMs: Math.max(0, now - from), checks };
    }
    if (now - startedAtMs >= options.timeoutMs) {
      throw new WatchTimeoutError(
        `gave up waiting for ${options.waitingFor} after ${formatDurationMs(now - startedAtMs)} ` +
          `(${checks} checks; last seen: ${result.seen})`,
      );
    }
    previousCheckStartMs = checkStartedAtMs;
    await clock.sleep(Math.max(0, checkStartedAtMs + intervalMs - now), signal);
  }
}
