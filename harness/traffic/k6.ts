/**
 * The `k6` traffic adapter: writes the drill's k6 script, runs k6 from PATH with `--out json=FILE`,
 * follows that file into the same per-request outcomes and per-second SLI samples as the builtin
 * generator (k6-samples.ts), and stops k6 with SIGINT when the drill ends (its summary export is read
 * then). The k6 binary is looked up when the adapter is created: a missing one is a UserError (exit 2)
 * before anything is started or injected.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterContext } from '../core/adapter-context.js';
import { abortError, type Clock } from '../core/clock.js';
import type { Slos } from '../scenario/model.js';
import type { K6TrafficConfig } from '../scenario/schema/traffic.js';
import { findK6 } from './k6-binary.js';
import { parseK6JsonLine } from './k6-output.js';
import { K6SampleBuilder } from './k6-samples.js';
import { describePlan, k6Duration, k6PlanFrom, renderK6Script, type K6Plan } from './k6-script.js';
import { describeDrillSummary, drillSummary, parseK6Summary, type K6DrillSummary } from './k6-summary.js';
import { spawnK6, type K6Launcher, type K6Process } from './k6-process.js';
import { LineTail } from './k6-tail.js';
import type { TrafficGenerator } from './port.js';
import type { TrafficListener } from './sli.js';

export type { K6Command, K6Launcher, K6Process } from './k6-process.js';

export interface K6TrafficDeps {
  /** From the scenario: the script's thresholds. */
  readonly slos?: Slos;
  readonly scenarioName?: string;
  /** How long k6 holds the rate at most (it is stopped when the drill ends); default 24 h. */
  readonly maxDurationMs?: number;
  /** Replaces spawning k6 (tests replay recorded output through it). */
  readonly launch?: K6Launcher;
  /** Replaces the PATH lookup (tests). */
  readonly resolveBinary?: (binary: string) => string;
}

const PUMP_INTERVAL_MS = 250;
const START_TIMEOUT_MS = 30_000;
/** After SIGINT, k6 finishes in-flight iterations (gracefulStop) and writes its summary. */
const STOP_GRACE_MS = 10_000;
const EXPECTED_EXIT_CODES = new Set([0, 99, 105]); // ok, thresholds crossed (the drill's fault), our SIGINT
const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  104: 'invalid configuration',
  107: 'the script threw an exception',
  108: 'the script called test.abort()',
  110: 'the test was marked failed',
};

export function createK6Traffic(config: K6TrafficConfig, deps: K6TrafficDeps = {}): TrafficGenerator {
  return new K6Traffic(config, deps);
}

class K6Traffic implements TrafficGenerator {
  readonly kind = 'k6';
  private readonly binaryPath: string;
  private readonly plan: K6Plan;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private stopping: Promise<void> | undefined;
  private process: K6Process | undefined;
  private exitCode: number | null | undefined;
  private builder: K6SampleBuilder | undefined;
  private tail: LineTail | undefined;
  private folder: string | undefined;
  private ctx: AdapterContext | undefined;
  private cancelPump = (): void => undefined;
  private pumping: Promise<void> = Promise.resolve();
  private ignoredLines = 0;
  private summary: K6DrillSummary | undefined;

  constructor(
    private readonly config: K6TrafficConfig,
    private readonly deps: K6TrafficDeps,
  ) {
    this.binaryPath = (deps.resolveBinary ?? findK6)(config.binary);
    this.plan = k6PlanFrom(config);
  }

  describe(): Record<string, unknown> {
    return {
      type: 'k6',
      model: `open (${describePlan(this.plan)})`,
      binary: this.binaryPath,
      timeoutMs: this.plan.timeoutMs,
      vus: { preAllocated: this.plan.preAllocatedVUs, max: this.plan.maxVUs },
      seed: this.plan.seed,
      requests: this.plan.requests.map((r) => ({ method: r.method, path: r.path, weight: r.weight })),
      ...(this.builder
        ? { pointsRead: Object.fromEntries(this.builder.pointsByMetric), linesIgnored: this.ignoredLines }
        : {}),
      ...(this.summary ? { summary: this.summary } : {}),
    };
  }

  async start(baseUrl: URL, listener: TrafficListener, ctx: AdapterContext): Promise<void> {
    if (this.state !== 'idle') throw new Error(`k6 traffic cannot start: it is ${this.state}`);
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    this.state = 'running';
    this.ctx = ctx;
    const folder = await mkdtemp(join(tmpdir(), 'rollback-drill-k6-'));
    this.folder = folder;
    const scriptPath = join(folder, 'drill.js');
    const durationMs = this.deps.maxDurationMs ?? 86_400_000;
    await writeFile(
      scriptPath,
      renderK6Script({
        plan: this.plan,
        ...(this.deps.slos ? { slos: this.deps.slos } : {}),
        scenarioName: this.deps.scenarioName ?? 'drill',
        source: 'the drill being run',
        harnessVersion: 'rollback-drill',
        baseUrl: baseUrl.href,
        durationMs,
      }),
    );
    const outputPath = join(folder, 'output.ndjson');
    this.tail = new LineTail(outputPath);
    const clock = ctx.clock;
    const builder = new K6SampleBuilder({
      startMs: clock.now(),
      toMonotonicMs: (epochMs) => epochMs - clock.toEpochMs(0),
      emitSample: (sample) => listener.sample?.(sample),
      ...(listener.outcome ? { emitOutcome: (outcome) => listener.outcome?.(outcome) } : {}),
    });
    this.builder = builder;
    const launch = this.deps.launch ?? spawnK6;
    this.process = launch({
      binary: this.binaryPath,
      args: [
        'run',
        '--quiet',
        '--no-color',
        // k6's REST API: on loopback and any free port, so drills side by side never collide.
        '--address',
        '127.0.0.1:0',
        '--out',
        `json=${outputPath}`,
        '--summary-export',
        join(folder, 'summary.json'),
        '-e',
        `BASE_URL=${baseUrl.href}`,
        '-e',
        `DRILL_DURATION=${k6Duration(durationMs)}`,
        scriptPath,
      ],
      env: { ...definedEnv(process.env), K6_NO_USAGE_REPORT: 'true' },
      cwd: folder,
    });
    void this.process.exited.then(({ code }) => {
      this.exitCode = code;
      if (this.state === 'running') {
        ctx.log(
          `k6 exited on its own (${describeExit(code)}) while the drill ran; no more traffic: ${lastLines(this.process?.output() ?? '')}`,
        );
      }
    });
    ctx.signal.addEventListener('abort', this.onAbort, { once: true });
    this.schedulePump(clock);
    await this.waitForTraffic(clock, ctx.signal);
    ctx.log(
      `traffic: k6 ${describePlan(this.plan)} to ${baseUrl.origin}, timeout ${this.plan.timeoutMs} ms (${this.binaryPath})`,
    );
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private readonly onAbort = (): void => {
    void this.stop();
  };

  private async shutdown(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const ctx = this.ctx as AdapterContext;
    this.cancelPump();
    await this.pumping;
    const running = this.process;
    try {
      if (running && this.exitCode === undefined) {
        running.kill('SIGINT');
        const grace = STOP_GRACE_MS + this.plan.timeoutMs;
        const killed = await Promise.race([
          running.exited.then(() => false),
          ctx.clock.sleep(grace).then(() => true),
        ]);
        if (killed) {
          ctx.log(`k6 did not stop within ${grace} ms of SIGINT; killing it`);
          running.kill('SIGKILL');
          await running.exited;
        }
      }
      for (const line of (await this.tail?.readRest()) ?? []) this.feed(line);
      this.builder?.finish();
      await this.readSummary(ctx);
      const code = (await running?.exited)?.code;
      if (code !== undefined && code !== null && !EXPECTED_EXIT_CODES.has(code)) {
        ctx.log(`k6 exited with ${describeExit(code)}: ${lastLines(running?.output() ?? '')}`);
      }
    } finally {
      ctx.signal.removeEventListener('abort', this.onAbort);
      await this.tail?.close();
      if (this.folder) await rm(this.folder, { recursive: true, force: true });
      this.state = 'stopped';
    }
  }

  private async readSummary(ctx: AdapterContext): Promise<void> {
    if (!this.folder) return;
    let text: string;
    try {
      text = await readFile(join(this.folder, 'summary.json'), 'utf8');
    } catch {
      return; // killed before writing it
    }
    const parsed = parseK6Summary(JSON.parse(text) as unknown);
    if (!parsed) return;
    this.summary = drillSummary(parsed);
    ctx.log(describeDrillSummary(this.summary));
    if (ctx.run)
      await copyFile(join(this.folder, 'summary.json'), join(ctx.run.folder, 'k6-summary.json')).catch(
        () => undefined,
      );
  }

  private schedulePump(clock: Clock): void {
    this.cancelPump = clock.setTimer(() => {
      this.pumping = this.pump(clock).finally(() => {
        if (this.state === 'running') this.schedulePump(clock);
      });
    }, PUMP_INTERVAL_MS);
  }

  private async pump(clock: Clock): Promise<void> {
    try {
      for (const line of (await this.tail?.read()) ?? []) this.feed(line);
      this.builder?.advance(clock.now());
    } catch (error) {
      this.ctx?.log(`k6 output could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private feed(line: string): void {
    const parsed = parseK6JsonLine(line);
    if (parsed.kind === 'ignored') {
      if (parsed.reason !== 'empty line') this.ignoredLines += 1;
      return;
    }
    this.builder?.add(parsed);
  }

  /** Resolves once k6 reports its first request; rejects when it exits first or never starts. */
  private async waitForTraffic(clock: Clock, signal: AbortSignal): Promise<void> {
    const startedAtMs = clock.now();
    for (;;) {
      if ((this.builder?.pointsByMetric.get('http_req_duration') ?? 0) > 0) return;
      if ((this.builder?.pointsByMetric.get('http_req_failed') ?? 0) > 0) return;
      if (this.exitCode !== undefined) {
        await this.stop();
        throw new Error(
          `k6 exited before sending traffic (${describeExit(this.exitCode)}): ${lastLines(this.process?.output() ?? '')}`,
        );
      }
      if (clock.now() - startedAtMs > START_TIMEOUT_MS) {
        await this.stop();
        throw new Error(
          `k6 sent no request within ${START_TIMEOUT_MS / 1000} s: ${lastLines(this.process?.output() ?? '')}`,
        );
      }
      await clock.sleep(PUMP_INTERVAL_MS, signal);
    }
  }
}

function describeExit(code: number | null | undefined): string {
  if (code === null || code === undefined) return 'killed by a signal';
  const meaning = EXIT_MEANINGS[code];
  return meaning ? `exit code ${code}: ${meaning}` : `exit code ${code}`;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ') || '(it printed nothing)';
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
