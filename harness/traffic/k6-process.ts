/**
 * Starting k6 and ending it: the seam the k6 adapter runs the binary through (tests replace it with
 * a replay of k6's output format; no k6 binary exists where rollback-drill is built).
 */
import { spawn } from 'node:child_process';

export interface K6Process {
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** The last few KB k6 printed (stderr and stdout), for messages. */
  output(): string;
}

export interface K6Command {
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export type K6Launcher = (command: K6Command) => K6Process;

/** Spawns the real k6 in its own process group, keeping the tail of what it prints. */
export function spawnK6(command: K6Command): K6Process {
  const child = spawn(command.binary, [...command.args], {
    cwd: command.cwd,
    env: { ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString('utf8')).slice(-8_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    kill(signal) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
    exited,
    output: () => output,
  };
}
