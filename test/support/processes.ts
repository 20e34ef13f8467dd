/**
 * Child processes started by tests: output kept (the tail) for error messages, stop() that always
 * ends the process (SIGTERM, then SIGKILL), and a last-resort kill if the test runner exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const OUTPUT_LIMIT = 64 * 1024;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** stdout and stderr interleaved, last 64 KiB. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => {
      keep(Buffer.from(`\n[spawn error] ${error.message}\n`));
      done = true;
      running.delete(child);
      resolve('spawn-error');
    });
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: child.pid,
    output: () => output,
    exited,
    hasExited: () => done,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (done) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Throws with the process output when it has exited (e.g. it could not bind its port). */
export function assertRunning(managed: ManagedProcess): void {
  if (managed.hasExited()) throw new Error(`${managed.name} exited early:\n${managed.output()}`);
}
