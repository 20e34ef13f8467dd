/**
 * Processes, as recover sees them: which ones a crashed drill left, and whether a pid still names the
 * process it named then. A pid alone is never trusted — pids are recycled — so a process is only
 * signalled when its start time (or the drill's environment marker) proves it is the drill's.
 * Linux reads /proc; elsewhere the checks answer "unknown" and recover touches nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../core/clock.js';
import type { TrackedProcess } from './intents.js';

export interface ProcessIdentity {
  readonly pid: number;
  readonly startTicks: number | null;
  readonly bootId: string | null;
  readonly hostname: string;
}

/** This process, as an intent record names its writer. */
export function ownIdentity(): ProcessIdentity {
  return {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    bootId: bootId(),
    hostname: hostname(),
  };
}

/** The kernel's id of this boot; a different one means every process of the old boot is gone. */
export function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (start time, clock ticks after boot); null when unreadable. */
export function processStartTicks(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}

/** Whether the process exists and has not exited (a zombie has exited; only its reaping is pending). */
export function processRunning(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === null) {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/** Whether the process an identity names is still that process. */
export function liveness(identity: ProcessIdentity): Liveness {
  if (identity.hostname !== hostname()) return 'unknown'; // another machine's process: cannot tell
  const currentBoot = bootId();
  if (identity.bootId && currentBoot && identity.bootId !== currentBoot) return 'dead';
  if (!processRunning(identity.pid)) return 'dead';
  if (identity.startTicks === null) return process.platform === 'linux' ? 'unknown' : 'alive';
  return processStartTicks(identity.pid) === identity.startTicks ? 'alive' : 'dead';
}

/** Whether a tracked process is still the one the drill started. */
export function isSameProcess(tracked: TrackedProcess): boolean {
  if (!processRunning(tracked.pid)) return false;
  return tracked.startTicks !== null && processStartTicks(tracked.pid) === tracked.startTicks;
}

/** Whether `/proc/<pid>/environ` holds exactly `entry` (e.g. `ROLLBACK_DRILL_RUN_ID=<id>`). */
export function environHas(pid: number, entry: string): boolean {
  const environ = readProc(pid, 'environ');
  return environ !== null && environ.split('\0').includes(entry);
}

/**
 * Live processes whose environment holds `entry`, except this process and its ancestors (a recover
 * started from inside a drill's own shell must not kill what started it).
 */
export function processesWithEnv(entry: string): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const spared = ancestorsOfSelf();
  return names
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => !spared.has(pid) && processRunning(pid) && environHas(pid, entry));
}

/**
 * The folders of rollback-drill's own modules, from sources and from dist/ alike: a drill run from
 * one may be recovered by a recover run from the other (as the e2e tests do).
 */
const HARNESS_DIRS = ((): string[] => {
  const here = fileURLToPath(new URL('../', import.meta.url)); // …/harness/ or …/dist/harness/
  const root = here.replace(/(dist\/)?harness\/$/, '');
  return [`${root}harness/`, `${root}dist/harness/`];
})();
/** Load generators the harness runs as child processes. */
const HARNESS_TOOLS = new Set(['k6']);

/**
 * Whether a process is one of the harness's own programs — a demo child (node running a module of
 * this package) or a load generator it runs — rather than anything else that inherited the run's
 * environment marker. A command target's deploy may restart the system under drill, which then
 * carries the marker too: that process is the target, and recover must never kill it.
 */
export function isHarnessProgram(pid: number): boolean {
  const cmdline = readProc(pid, 'cmdline');
  if (cmdline === null) return false;
  const args = cmdline.split('\0').filter(Boolean);
  if (args[0] !== undefined && HARNESS_TOOLS.has(basename(args[0]))) return true;
  return args.some((arg) => HARNESS_DIRS.some((dir) => arg.startsWith(dir)));
}

/** The command line of a process, for messages; '?' when unreadable. */
export function commandLineOf(pid: number): string {
  const cmdline = readProc(pid, 'cmdline');
  return cmdline === null ? '?' : cmdline.split('\0').filter(Boolean).join(' ').slice(0, 160);
}

export type StopOutcome = 'stopped' | 'gone' | 'not-ours';

/**
 * SIGTERM, then SIGKILL after `graceMs`, to a process that `stillOurs` vouches for right before each
 * signal. Resolves once it is gone (or was never ours to stop).
 */
export async function stopProcess(
  pid: number,
  stillOurs: () => boolean,
  clock: Clock,
  graceMs = 3_000,
): Promise<StopOutcome> {
  if (!processRunning(pid)) return 'gone';
  if (!stillOurs()) return 'not-ours';
  for (const [signal, waitMs] of [
    ['SIGTERM', graceMs],
    ['SIGKILL', 2_000],
  ] as const) {
    if (!processRunning(pid)) return 'stopped';
    if (!stillOurs()) return 'stopped'; // it exited and its pid was reused meanwhile
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'stopped';
      throw error;
    }
    for (let waited = 0; waited < waitMs && processRunning(pid); waited += 50) await clock.sleep(50);
  }
  if (processRunning(pid)) throw new Error(`process ${pid} did not exit after SIGKILL`);
  return 'stopped';
}

function ancestorsOfSelf(): Set<number> {
  const ancestors = new Set<number>([process.pid]);
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    ancestors.add(pid);
    const stat = readProc(pid, 'stat');
    if (stat === null) break;
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return ancestors;
}

function readProc(pid: number, file: 'stat' | 'environ' | 'cmdline'): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return null;
  }
}
