import type { Clock } from '../core/clock.js';
import { PhaseTimeoutError } from '../core/errors.js';

/**
 * Runs `work` with a signal that aborts when the parent aborts or after `timeoutMs`, whichever is
 * first. On timeout it rejects with PhaseTimeoutError (even if `work` ignores its signal).
 */
export async function withPhaseTimeout<T>(
  clock: Clock,
  phase: string,
  timeoutMs: number,
  parent: AbortSignal,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timeoutError = new PhaseTimeoutError(phase, timeoutMs);
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  let cancelTimer = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    cancelTimer = clock.setTimer(() => {
      controller.abort(timeoutError);
      reject(timeoutError);
    }, timeoutMs);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  stopped.catch(() => undefined); // the race below observes it; avoid an unhandled rejection
  try {
    return await Promise.race([work(controller.signal), stopped]);
  } finally {
    cancelTimer();
    parent.removeEventListener('abort', onParentAbort);
    if (!controller.signal.aborted) controller.abort(new Error('phase finished'));
  }
}
