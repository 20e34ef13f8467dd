/** Helpers for tests that start real processes: liveness checks and bounded real-time waits. */
import { setTimeout as delay } from 'node:timers/promises';

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Waits until `pid` is gone; a real process exiting is I/O, not logic under test, so this polls the
 * OS with a generous bound and fails loudly past it.
 */
export async function waitUntilGone(pid: number, withinMs = 10_000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (isAlive(pid)) {
    if (performance.now() > deadline) throw new Error(`process ${pid} still alive after ${withinMs} ms`);
    await delay(20);
  }
}

/** Kills every pid still alive (test cleanup when an assertion failed midway). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}
