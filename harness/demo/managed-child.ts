/**
 * One demo child process as the harness sees it: started, listening (on which port), or exited (how),
 * and a stop that always ends with the process gone: SIGTERM, then SIGKILL after a grace period.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { abortError, type Clock } from '../core/clock.js';
import { forkChildEntry } from '../core/child-entry.js';
import { isListeningMessage } from './child-main.js';

export type ChildStartOutcome =
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'timeout' };

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export const STOP_GRACE_MS = 2_000;
const OUTPUT_TAIL_CHARS = 4_000;

export class ManagedChild {
  readonly pid: number;
  /** Settles once the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  private listeningPort: number | undefined;
  private exitInfo: ChildExit | undefined;
  private outputTail = '';

  constructor(
    /** What runs in it, e.g. the version; used in messages. */
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    // A failed kill or send is reported as 'error'; keep it for messages rather than crash the harness.
    child.on('error', (error) => this.keepOutput(`[${label}] ${error.message}\n`));
    if (child.pid === undefined) throw new Error(`could not start ${label}: no process id`);
    this.pid = child.pid;
    // Resolved once the output pipes are drained as well, so a crashing child's last words are in
    // recentOutput by the time anyone hears that it exited. Not on 'close': that also waits for the
    // IPC channel, which never closes when the parent disconnected it first.
    this.exited = new Promise((resolve) => {
      child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        void Promise.all([drained(child.stdout), drained(child.stderr)]).then(() => {
          this.exitInfo = { code, signal };
          this.listeningPort = undefined;
          resolve(this.exitInfo);
        });
      });
    });
    child.on('message', (message) => {
      if (isListeningMessage(message)) this.listeningPort = message.port;
    });
    const keepChunk = (chunk: Buffer): void => this.keepOutput(chunk.toString('utf8'));
    child.stdout?.on('data', keepChunk);
    child.stderr?.on('data', keepChunk);
  }

  private keepOutput(text: string): void {
    this.outputTail = (this.outputTail + text).slice(-OUTPUT_TAIL_CHARS);
  }

  /** The port it listens on; undefined before it listens and after it exits. */
  get port(): number | undefined {
    return this.listeningPort;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  get exitStatus(): ChildExit | undefined {
    return this.exitInfo;
  }

  /** The last few KB the process wrote to stdout and stderr, for error messages. */
  get recentOutput(): string {
    return this.outputTail.trim();
  }

  /** Waits until the process listens, exits or `timeoutMs` passes; rejects only when `signal` aborts. */
  waitForStart(clock: Clock, timeoutMs: number, signal?: AbortSignal): Promise<ChildStartOutcome> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: ChildStartOutcome | Error): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        this.child.off('message', onMessage);
        signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onMessage = (message: unknown): void => {
        if (isListeningMessage(message)) settle({ kind: 'listening', port: message.port });
      };
      const onAbort = (): void => settle(abortError(signal));
      const cancelTimer = clock.setTimer(() => settle({ kind: 'timeout' }), timeoutMs);

      if (signal?.aborted) return onAbort();
      if (this.listeningPort !== undefined) return settle({ kind: 'listening', port: this.listeningPort });
      this.child.on('message', onMessage);
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.exited.then((exit) => settle({ kind: 'exited', ...exit }));
    });
  }

  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process is gone. Safe to call repeatedly. */
  async stop(clock: Clock, graceMs = STOP_GRACE_MS): Promise<ChildExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    const cancelKill = clock.setTimer(() => {
      if (!this.exitInfo) this.child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      cancelKill();
    }
  }
}

/** "exited with code 1; it printed: …": a start outcome in words, for logs and errors. */
export function describeStartOutcome(outcome: ChildStartOutcome, child: ManagedChild): string {
  const lastLines = child.recentOutput.split('\n').slice(-3).join(' | ');
  const printed = lastLines ? `; it printed: ${lastLines}` : '';
  switch (outcome.kind) {
    case 'listening':
      return `listening on port ${outcome.port}`;
    case 'timeout':
      return `no answer before the start timeout${printed}`;
    case 'exited': {
      const how = outcome.signal ? `signal ${outcome.signal}` : `code ${outcome.code ?? '?'}`;
      return `exited with ${how}${printed}`;
    }
  }
}

export interface ForkDemoChildOptions {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Forks one of the demo's child entries (`./shop-process.js`, `./payments-process.js`). Output is
 * captured, not inherited, so a drill's terminal shows the harness, not the children's logs.
 */
export function forkDemoChild(relativeEntry: string, options: ForkDemoChildOptions): ManagedChild {
  const child = forkChildEntry(import.meta.url, relativeEntry, [], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new ManagedChild(options.label, child);
}

/** Resolves once a child's output pipe has been read to its end (at once when there is none). */
function drained(stream: Readable | null): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
