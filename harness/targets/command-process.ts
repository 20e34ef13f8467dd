/**
 * Runs one program the way the command target needs: argv spawned directly (never through a shell),
 * in its own process group so a timeout or an abort kills everything it started (SIGTERM to the group,
 * SIGKILL after a grace period), with stdout and stderr kept as bounded tails. Never rejects for the
 * command's own failure — a non-zero exit, a timeout or a missing program is in the result — only
 * when the drill's signal aborts.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { abortError, type Clock } from '../core/clock.js';

/** How much of each output stream is kept: the end of it, where errors usually are. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;
/** SIGTERM to the group, then SIGKILL this long after. */
export const KILL_GRACE_MS = 2_000;
/** After the program exits, how long to wait for its output pipes to drain (a daemon it started may hold them). */
const DRAIN_AFTER_EXIT_MS = 500;

export interface ProcessSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The whole environment of the process (not merged with anything). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface ProcessResult {
  /** Exit code; null when it was ended by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Set when the program could not be started at all (not found, not executable, bad cwd). */
  readonly startError?: string;
  readonly durationMs: number;
  readonly stdout: OutputTail;
  readonly stderr: OutputTail;
}

export interface OutputTail {
  /** The last OUTPUT_TAIL_BYTES of the stream, as UTF-8 text. */
  readonly text: string;
  /** Bytes the stream carried in all; more than text holds when it was cut. */
  readonly totalBytes: number;
}

/** Runs a process to completion; see the module comment. */
export type ProcessRunner = (spec: ProcessSpec, clock: Clock, signal: AbortSignal) => Promise<ProcessResult>;

export const runProcess: ProcessRunner = (spec, clock, signal) => {
  if (signal.aborted) return Promise.reject(abortError(signal));
  const [program, ...args] = spec.argv;
  if (program === undefined) return Promise.reject(new Error('a command needs at least a program name'));
  const startedAtMs = clock.now();
  const stdout = new TailBuffer(OUTPUT_TAIL_BYTES);
  const stderr = new TailBuffer(OUTPUT_TAIL_BYTES);
  const child = spawn(program, args, {
    cwd: spec.cwd,
    env: { ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group (and session): killing -pid reaches whatever it started, and a Ctrl-C
    // meant for the harness does not hit it behind the harness's back (the harness ends it itself).
    detached: true,
    shell: false,
  });
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  return new Promise<ProcessResult>((resolve, reject) => {
    let timedOut = false;
    let startError: string | undefined;
    let cancelKill = (): void => undefined;
    const killGroup = (why: 'timeout' | 'abort'): void => {
      if (why === 'timeout') timedOut = true;
      signalGroup(child.pid, 'SIGTERM');
      cancelKill();
      cancelKill = clock.setTimer(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const cancelTimeout = clock.setTimer(() => killGroup('timeout'), spec.timeoutMs);
    const onAbort = (): void => killGroup('abort');
    signal.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      cancelTimeout();
      signal.removeEventListener('abort', onAbort);
      // The leader is gone; anything it left in its group is ended too when it was cut off.
      if (timedOut || signal.aborted) signalGroup(child.pid, 'SIGKILL');
      cancelKill();
      void drainBounded([child.stdout, child.stderr], clock).then(() => {
        if (signal.aborted) {
          reject(abortError(signal));
          return;
        }
        resolve({
          exitCode,
          signal: exitSignal,
          timedOut,
          ...(startError === undefined ? {} : { startError }),
          durationMs: clock.now() - startedAtMs,
          stdout: stdout.result(),
          stderr: stderr.result(),
        });
      });
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      // ENOENT and friends: the program never ran. 'exit' may or may not follow; settle once.
      startError = describeSpawnError(error, program, spec.cwd);
      if (child.pid === undefined) finish(null, null); // never started: no 'exit' will come
    });
    child.once('exit', (code, exitSignal) => finish(code, exitSignal));
  });
};

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

function describeSpawnError(error: NodeJS.ErrnoException, program: string, cwd: string): string {
  switch (error.code) {
    case 'ENOENT':
      return `cannot run ${program}: no such program on PATH (or working directory ${cwd} does not exist)`;
    case 'EACCES':
      return `cannot run ${program}: permission denied (is it executable?)`;
    default:
      return `cannot run ${program}: ${error.message}`;
  }
}

/** Waits for the pipes to end, but not for a daemon that inherited them: bounded on the drill's clock. */
async function drainBounded(streams: readonly Readable[], clock: Clock): Promise<void> {
  const pending = streams.filter((s) => !s.readableEnded && !s.destroyed);
  if (pending.length === 0) return;
  let cancel = (): void => undefined;
  await Promise.race([
    Promise.all(pending.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())))),
    new Promise<void>((resolve) => (cancel = clock.setTimer(resolve, DRAIN_AFTER_EXIT_MS))),
  ]);
  cancel();
  for (const stream of pending) stream.destroy();
}

/** Keeps the last `limit` bytes pushed, in chunks, without copying on every push. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private held = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.held += chunk.length;
    while (this.chunks.length > 1 && this.held - (this.chunks[0]?.length ?? 0) >= this.limit) {
      this.held -= this.chunks.shift()?.length ?? 0;
    }
  }

  result(): OutputTail {
    const joined = Buffer.concat(this.chunks);
    const tail = joined.length > this.limit ? joined.subarray(joined.length - this.limit) : joined;
    // A cut may fall inside a multi-byte character: drop the broken start rather than show U+FFFD.
    let start = 0;
    if (tail.length < this.total) while (start < tail.length && ((tail[start] ?? 0) & 0xc0) === 0x80) start++;
    return { text: tail.subarray(start).toString('utf8'), totalBytes: this.total };
  }
}
