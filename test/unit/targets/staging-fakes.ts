/**
 * A scripted staging system for the command and http target tests: what version serves and whether
 * it is healthy change when the test (or a fake deploy) says so; fake processes and HTTP calls take
 * time on a FakeClock and answer from that state.
 */
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import type { FakeClock } from '../../../harness/core/fake-clock.js';
import type { ProcessResult, ProcessRunner, ProcessSpec } from '../../../harness/targets/command-process.js';
import type { HttpCallResult, HttpCallSpec, HttpCaller } from '../../../harness/targets/http-call.js';

export interface ScriptedProcess {
  /** How long it runs, on the fake clock. */
  readonly takesMs: number;
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  /** Called when it starts; may schedule changes to the world. */
  readonly onStart?: (spec: ProcessSpec) => void;
}

export interface ScriptedAnswer {
  readonly takesMs?: number;
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

export class StagingWorld {
  serving: string;
  healthy = true;
  readonly processes: ProcessSpec[] = [];
  readonly calls: HttpCallSpec[] = [];
  readonly logs: string[] = [];
  /** Version reads answered so far. */
  versionReads = 0;

  constructor(
    readonly clock: FakeClock,
    stable: string,
    private readonly scriptProcess: (spec: ProcessSpec) => ScriptedProcess,
    private readonly scriptCall: (spec: HttpCallSpec, world: StagingWorld) => ScriptedAnswer = defaultAnswers,
  ) {
    this.serving = stable;
  }

  /** Changes what serves `afterMs` from now. */
  switchAfter(afterMs: number, version: string): void {
    this.clock.setTimer(() => (this.serving = version), afterMs);
  }

  readonly runProcess: ProcessRunner = async (spec, clock, signal) => {
    this.processes.push(spec);
    const script = this.scriptProcess(spec);
    script.onStart?.(spec);
    const startedAtMs = clock.now();
    if (script.takesMs > 0) await clock.sleep(script.takesMs, signal);
    const result: ProcessResult = {
      exitCode: script.exitCode ?? 0,
      signal: null,
      timedOut: false,
      durationMs: clock.now() - startedAtMs,
      stdout: { text: script.stdout ?? '', totalBytes: (script.stdout ?? '').length },
      stderr: { text: script.stderr ?? '', totalBytes: (script.stderr ?? '').length },
    };
    return result;
  };

  readonly callHttp: HttpCaller = async (spec, clock, signal) => {
    this.calls.push(spec);
    const answer = this.scriptCall(spec, this);
    const startedAtMs = clock.now();
    if (answer.takesMs) await clock.sleep(answer.takesMs, signal);
    const result: HttpCallResult = {
      ...(answer.status === undefined ? {} : { status: answer.status }),
      ...(answer.error === undefined ? {} : { error: answer.error }),
      timedOut: false,
      durationMs: clock.now() - startedAtMs,
      body: { text: answer.body ?? '', totalBytes: (answer.body ?? '').length },
    };
    return result;
  };

  context(signal: AbortSignal = new AbortController().signal, run?: AdapterContext['run']): AdapterContext {
    return { clock: this.clock, signal, log: (m) => this.logs.push(m), ...(run ? { run } : {}) };
  }
}

/** GET …/version → {"version": serving}; GET …/healthz → 200 or 503; anything else → 202. */
export function defaultAnswers(spec: HttpCallSpec, world: StagingWorld): ScriptedAnswer {
  if (spec.method === 'GET' && spec.url.pathname.endsWith('/version')) {
    world.versionReads += 1;
    return { status: 200, body: JSON.stringify({ version: world.serving }) };
  }
  if (spec.method === 'GET' && spec.url.pathname.endsWith('/healthz')) {
    return world.healthy ? { status: 200, body: 'ok' } : { status: 503, body: 'starting' };
  }
  return { status: 202, body: '{"accepted":true}' };
}
