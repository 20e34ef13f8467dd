/**
 * Runs the built CLI (dist/) as a real process, the way users do. Each run carries a unique marker
 * in its environment, inherited by every process it starts, so a test can prove none survived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = `${REPO_ROOT}dist/harness/cli/bin.js`;

export interface CliRun {
  readonly child: ChildProcess;
  readonly marker: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves when stderr contains `text` (rejects after `timeoutMs`). */
  waitForStderr(text: string, timeoutMs: number): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it)`);
}

export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string>; ownProcessGroup?: boolean } = {},
): CliRun {
  assertBuilt();
  const marker = `e2e-${randomUUID()}`;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, ROLLBACK_DRILL_TEST_MARKER: marker, NO_COLOR: '1' },
    // Its own process group lets a test send a signal the way a terminal's Ctrl-C does: to the group.
    detached: options.ownProcessGroup ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiters]) if (err.includes(w.text)) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    marker,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (err.includes(text)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for "${text}" in stderr:\n${err}`)),
          timeoutMs,
        );
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      }),
  };
}

/** Pids of live processes whose environment carries `marker` (Linux /proc). */
export function processesWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      const status = readFileSync(`/proc/${entry}/status`, 'latin1');
      if (/^State:\s+Z/m.test(status)) continue; // a zombie has exited; only its parent's wait is pending
      if (environ.includes(`ROLLBACK_DRILL_TEST_MARKER=${marker}`)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked, or is not ours to read
    }
  }
  return pids;
}

/** Waits (bounded) until no process carries the marker; returns the survivors, if any. */
export async function survivorsAfter(marker: string, timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = processesWithMarker(marker);
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
