import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { forkChildEntry } from '../core/child-entry.js';

export interface TargetServer {
  readonly url: URL;
  /**
   * CPU seconds (user + system) the target process has used so far, from /proc (Linux);
   * undefined where /proc is not available. Lets a benchmark say how much of the machine the
   * target took while a client drove it.
   */
  cpuSeconds(): number | undefined;
  close(): Promise<void>;
}

// /proc/PID/stat counts in clock ticks: USER_HZ, which Linux fixes at 100 for user space.
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process, in seconds; undefined when /proc cannot tell. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of stat(5)
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the loopback load target in a child process; resolves once it listens. */
export async function startTargetServer(): Promise<TargetServer> {
  const child: ChildProcess = forkChildEntry(import.meta.url, './target-server-process.js');
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'listening' && message.port) resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`load target exited with code ${code ?? 'null'}`)));
  });
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    cpuSeconds: () => processCpuSeconds(child.pid),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
