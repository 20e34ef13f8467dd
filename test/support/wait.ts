/**
 * Polling for external processes (a server getting ready, Prometheus scraping). Logic under test
 * never needs this: it runs on a FakeClock.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Says what was awaited, for the timeout message. */
  readonly description?: string;
}

/** Calls `probe` until it returns a value other than undefined/false; throws after the timeout. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}${why}`,
      );
    }
    await delay(intervalMs);
  }
}

/** Waits until GET `url` answers 2xx. */
export async function waitReady(url: string, options: WaitOptions = {}): Promise<void> {
  await waitUntil(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.ok;
    },
    { description: `${url} to answer 2xx`, ...options },
  );
}
