/**
 * Waiting for, and undoing, the toxic fault's API requests. Each request is kept as its own promise so
 * an aborted drill stops waiting at once while clear() can still learn what the request really did.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import { abortError } from '../core/clock.js';
import { httpStatusOf } from './toxic-support.js';

/** How long clear() waits for a request still in flight (e.g. after an abort) before giving up on it. */
const SETTLE_TIMEOUT_MS = 10_000;

/** Waits for `step` unless the drill is aborted first (the step itself carries on). */
export function untilAborted<T>(step: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    step.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The step's value, undefined if it failed (so nothing to undo), or 'pending' if it never answered. */
export async function settled<T>(step: Promise<T>, ctx: AdapterContext): Promise<T | undefined | 'pending'> {
  const outcome = step.then(
    (value) => ({ value }),
    () => ({ value: undefined }),
  );
  let cancel: (() => void) | undefined;
  const timeout = new Promise<'pending'>((resolve) => {
    cancel = ctx.clock.setTimer(() => resolve('pending'), SETTLE_TIMEOUT_MS);
  });
  const result = await Promise.race([outcome, timeout]);
  cancel?.();
  return result === 'pending' ? 'pending' : result.value;
}

/** Runs a DELETE; a 404 means it is already gone, which is what we wanted. Returns a problem or undefined. */
export async function removeIgnoringMissing(remove: () => Promise<void>): Promise<string | undefined> {
  try {
    await remove();
    return undefined;
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined;
    return error instanceof Error ? error.message : String(error);
  }
}

export function apiFailure(action: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`toxic fault: ${action} failed: ${reason}`, { cause: error });
}
