/**
 * The one source of time for a drill. Durations come from a monotonic reading (immune to NTP steps);
 * timestamps in records are that reading anchored to the wall clock once, at construction.
 * Tests inject FakeClock so no test sleeps to wait for logic.
 */
export interface Clock {
  /** Monotonic milliseconds (may be fractional) since an arbitrary origin. */
  now(): number;
  /** Wall-clock epoch milliseconds that correspond to a monotonic reading of this clock. */
  toEpochMs(monotonicMs: number): number;
  /** Resolves after `ms`; rejects with an AbortError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'aborted');
  error.name = 'AbortError';
  return error;
}

export class SystemClock implements Clock {
  private readonly epochAtOrigin = Date.now() - performance.now();

  now(): number {
    return performance.now();
  }

  toEpochMs(monotonicMs: number): number {
    return this.epochAtOrigin + monotonicMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  setTimer(fn: () => void, ms: number): () => void {
    const handle = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(handle);
  }
}

/** Shared by every Clock: a sleep is a timer plus abort wiring. */
export function sleepWith(clock: Pick<Clock, 'setTimer'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(abortError(signal));
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
