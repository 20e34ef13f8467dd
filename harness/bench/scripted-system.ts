/**
 * A system whose fault, detection, decision and rollback happen at times the script chooses and
 * records itself, on the real clock: the ground truth the harness's measurements are checked against.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import type { Clock } from '../core/clock.js';
import type { DecisionMaker } from '../decisions/port.js';
import type { Detection, Detector, DetectorContext } from '../detectors/port.js';
import { createReleaseFault } from '../faults/release.js';
import { encodeHistogram, newLatencyHistogram, recordLatencyMs } from '../measure/latency-histogram.js';
import type { DrillAdapters } from '../runner/run-drill.js';
import type { Target } from '../targets/port.js';
import type { TrafficGenerator } from '../traffic/port.js';
import type { TrafficListener } from '../traffic/sli.js';
import { FakeClock } from '../core/fake-clock.js';
import { runDrill } from '../runner/run-drill.js';
import type { RunRecord } from '../store/run-record.js';
import { benchScenario } from './bench-scenario.js';

export interface Script {
  readonly detectAfterMs: number;
  readonly decideAfterMs: number;
  readonly rollbackTakesMs: number;
}

/** What really happened, recorded by the script itself (monotonic ms on the same clock). */
export interface Truth {
  faultAtMs?: number;
  detectedAtMs?: number;
  decidedAtMs?: number;
  rollbackDoneAtMs?: number;
}

const EXACT = { method: 'scripted, in-process', resolutionSeconds: 0.001 };

export function scriptedSystem(clock: Clock, script: Script): { adapters: DrillAdapters; truth: Truth } {
  const truth: Truth = {};
  let serving = 'stable';
  const history: { atMs: number; version: string }[] = [{ atMs: -Infinity, version: 'stable' }];
  const versionAt = (ms: number): string =>
    [...history].reverse().find((h) => h.atMs <= ms)?.version ?? 'stable';
  const serve = (version: string): number => {
    const at = clock.now();
    serving = version;
    history.push({ atMs: at, version });
    return at;
  };

  const target: Target = {
    kind: 'scripted',
    stableVersion: 'stable',
    prepare: async () => ({ baseUrl: new URL('http://scripted.invalid/') }),
    deploy: async (version) => {
      truth.faultAtMs = serve(version);
      return { servingAtMs: truth.faultAtMs, observation: EXACT };
    },
    rollback: async (ctx: AdapterContext) => {
      if (serving !== 'stable') {
        await ctx.clock.sleep(script.rollbackTakesMs, ctx.signal);
        truth.rollbackDoneAtMs = serve('stable');
      }
      return { completedAtMs: clock.now(), version: 'stable', observation: EXACT };
    },
    currentVersion: async () => serving,
    health: async () => ({ healthy: true, version: serving }),
    dispose: async () => undefined,
  };

  let cancel: (() => void) | undefined;
  const traffic: TrafficGenerator = {
    kind: 'scripted',
    describe: () => ({ requestsPerSecond: 100 }),
    start: async (_url: URL, listener: TrafficListener) => {
      const t0 = clock.now();
      let k = 0;
      const tick = (): void => {
        const startMs = t0 + 1000 * k;
        k += 1;
        const bad = versionAt(startMs) !== 'stable' || versionAt(startMs + 999) !== 'stable';
        const histogram = newLatencyHistogram();
        for (let i = 0; i < 100; i++) recordLatencyMs(histogram, 5);
        listener.sample?.({
          startMs,
          durationMs: 1000,
          requests: 100,
          errors: bad ? 30 : 0,
          dropped: 0,
          errorsByClass: bad ? { http_5xx: 30 } : {},
          latencyMs: { p50: 5, p90: 5, p95: 5, p99: 5, max: 5 },
          latencyHistogram: encodeHistogram(histogram),
        });
        cancel = clock.setTimer(tick, t0 + 1000 * (k + 1) - clock.now());
      };
      cancel = clock.setTimer(tick, 1000);
    },
    stop: async () => cancel?.(),
  };

  const detector: Detector = {
    kind: 'scripted',
    describe: () => ({
      kind: 'scripted',
      settings: { detectAfterMs: script.detectAfterMs },
      observation: EXACT,
    }),
    watch: (ctx: DetectorContext) =>
      new Promise<Detection>((resolve, reject) => {
        const cancelTimer = ctx.clock.setTimer(() => {
          truth.detectedAtMs = ctx.clock.now();
          resolve({ atMs: truth.detectedAtMs, reason: 'scripted detection', observed: {} });
        }, script.detectAfterMs);
        ctx.signal.addEventListener('abort', () => {
          cancelTimer();
          reject(ctx.signal.reason);
        });
      }),
  };

  const decision: DecisionMaker = {
    kind: 'scripted',
    describe: () => ({ decideAfterMs: script.decideAfterMs }),
    decide: async (_detection: Detection, ctx: AdapterContext) => {
      await ctx.clock.sleep(script.decideAfterMs, ctx.signal);
      truth.decidedAtMs = ctx.clock.now();
      return { atMs: truth.decidedAtMs, decidedBy: 'script' };
    },
  };

  return {
    adapters: {
      target,
      fault: createReleaseFault({ type: 'release', version: 'candidate' }, target),
      traffic,
      detector,
      decision,
    },
    truth,
  };
}

/** One real record: a scripted drill run on a fake clock in about a second, to clone for scale benchmarks. */
export async function templateRecord(): Promise<RunRecord> {
  const clock = new FakeClock();
  const system = scriptedSystem(clock, { detectAfterMs: 1500, decideAfterMs: 500, rollbackTakesMs: 1000 });
  let record: RunRecord | undefined;
  const running = runDrill({
    scenario: benchScenario(),
    scenarioFile: null,
    adapters: system.adapters,
    clock,
    runId: 'template',
    harnessVersion: 'bench',
  }).then((r) => (record = r));
  while (!record) await clock.advance(1000);
  await running;
  return record;
}
