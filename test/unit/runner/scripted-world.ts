/**
 * A scripted system for runner tests on a FakeClock: a target whose serving version decides the
 * SLIs, traffic that emits one sample per second from that state, a detector that fires on the first
 * bad sample. Every timing is exact, so measurements can be asserted to the millisecond.
 */
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import type { FakeClock } from '../../../harness/core/fake-clock.js';
import {
  encodeHistogram,
  newLatencyHistogram,
  recordLatencyMs,
} from '../../../harness/measure/latency-histogram.js';
import type { DecisionMaker } from '../../../harness/decisions/port.js';
import type { Detector, DetectorContext, Detection } from '../../../harness/detectors/port.js';
import type { Fault } from '../../../harness/faults/port.js';
import type { RollbackConfirmation, Target } from '../../../harness/targets/port.js';
import type { TrafficGenerator } from '../../../harness/traffic/port.js';
import type { SliSample, TrafficListener } from '../../../harness/traffic/sli.js';
import { createAutoDecision } from '../../../harness/decisions/auto.js';
import { createReleaseFault } from '../../../harness/faults/release.js';
import type { DrillAdapters } from '../../../harness/runner/run-drill.js';

export interface WorldScript {
  /** Error ratio while each version serves. */
  readonly errorRatioByVersion: Record<string, number>;
  readonly latencyMsByVersion?: Record<string, number>;
  readonly deployTakesMs?: number;
  readonly rollbackTakesMs?: number;
  /** 'throw' = the rollback command fails; 'hang' = never completes; 'wrong-version' = candidate keeps serving. */
  readonly rollbackBehaviour?: 'ok' | 'throw' | 'hang' | 'wrong-version';
  /** Errors that persist this long after the rollback (state the bad release left behind). */
  readonly errorsLingerAfterRollbackMs?: number;
  readonly detector?: 'first-bad-sample' | 'never';
  readonly requestsPerSecond?: number;
}

export interface World {
  readonly adapters: DrillAdapters;
  readonly log: string[];
  version(): string;
  readonly rollbackCalls: number;
  readonly disposed: boolean;
}

export function createWorld(clock: FakeClock, script: WorldScript): World {
  const log: string[] = [];
  let serving = 'stable';
  const history: { atMs: number; version: string }[] = [{ atMs: -Infinity, version: 'stable' }];
  const setServing = (version: string): void => {
    serving = version;
    history.push({ atMs: clock.now(), version });
  };
  // A sample's SLIs follow the version that served at the start of its interval.
  const versionAt = (ms: number): string =>
    [...history].reverse().find((h) => h.atMs <= ms)?.version ?? 'stable';
  let rolledBackAtMs: number | null = null;
  let rollbackCalls = 0;
  let disposed = false;
  const rps = script.requestsPerSecond ?? 100;

  const target: Target = {
    kind: 'scripted',
    stableVersion: 'stable',
    prepare: async () => {
      log.push('prepare');
      return { baseUrl: new URL('http://scripted.invalid/') };
    },
    deploy: async (version: string, ctx: AdapterContext) => {
      await ctx.clock.sleep(script.deployTakesMs ?? 0, ctx.signal);
      setServing(version);
      log.push(`deploy ${version}`);
      return { servingAtMs: ctx.clock.now(), observation: { method: 'scripted', resolutionSeconds: 0.001 } };
    },
    rollback: async (ctx: AdapterContext): Promise<RollbackConfirmation> => {
      rollbackCalls += 1;
      log.push('rollback');
      const behaviour = ctx.signal.aborted || rollbackCalls > 1 ? 'ok' : (script.rollbackBehaviour ?? 'ok');
      if (behaviour === 'hang')
        await new Promise<never>((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        );
      await ctx.clock.sleep(script.rollbackTakesMs ?? 0, ctx.signal);
      if (behaviour === 'throw') throw new Error('helm rollback: release not found');
      if (behaviour !== 'wrong-version') {
        setServing('stable');
        rolledBackAtMs = ctx.clock.now();
      }
      return {
        completedAtMs: ctx.clock.now(),
        version: 'stable',
        observation: { method: 'scripted', resolutionSeconds: 0.1 },
      };
    },
    currentVersion: async () => serving,
    health: async () => ({ healthy: true, version: serving }),
    dispose: async () => {
      disposed = true;
      log.push('dispose');
    },
  };

  let cancelTicker: (() => void) | null = null;
  let traffic0 = 0;
  const traffic: TrafficGenerator = {
    kind: 'scripted',
    describe: () => ({ rps }),
    start: async (_url: URL, listener: TrafficListener, ctx: AdapterContext) => {
      traffic0 = ctx.clock.now();
      let k = 0;
      const tick = (): void => {
        const startMs = traffic0 + 1000 * k;
        k += 1;
        listener.sample?.(sampleFor(startMs));
        cancelTicker = clock.setTimer(tick, traffic0 + 1000 * (k + 1) - clock.now());
      };
      cancelTicker = clock.setTimer(tick, 1000);
    },
    stop: async () => {
      cancelTicker?.();
      log.push('traffic stopped');
    },
  };

  function sampleFor(startMs: number): SliSample {
    const lingering =
      rolledBackAtMs !== null &&
      startMs >= rolledBackAtMs &&
      startMs < rolledBackAtMs + (script.errorsLingerAfterRollbackMs ?? 0);
    const version = versionAt(startMs);
    const ratio = lingering ? 0.5 : (script.errorRatioByVersion[version] ?? 0);
    const errors = Math.round(rps * ratio);
    const latency = script.latencyMsByVersion?.[version] ?? 5;
    const histogram = newLatencyHistogram();
    for (let i = 0; i < rps; i++) recordLatencyMs(histogram, latency);
    return {
      startMs,
      durationMs: 1000,
      requests: rps,
      errors,
      dropped: 0,
      errorsByClass: errors ? { http_5xx: errors } : {},
      latencyMs: { p50: latency, p90: latency, p95: latency, p99: latency, max: latency },
      latencyHistogram: encodeHistogram(histogram),
    };
  }

  const detector: Detector = {
    kind: 'scripted',
    describe: () => ({
      kind: 'scripted',
      settings: {},
      observation: { method: 'per 1 s sample', resolutionSeconds: 1 },
    }),
    watch: (ctx: DetectorContext) =>
      new Promise<Detection>((resolve, reject) => {
        const unsubscribe = ctx.subscribe({
          sample: (s) => {
            if (script.detector === 'never' || s.errors === 0) return;
            unsubscribe();
            resolve({
              atMs: s.startMs + s.durationMs,
              reason: `${s.errors} errors`,
              observed: { errors: s.errors },
            });
          },
        });
        ctx.signal.addEventListener('abort', () => {
          unsubscribe();
          reject(ctx.signal.reason);
        });
      }),
  };

  const fault: Fault = createReleaseFault({ type: 'release', version: 'candidate' }, target);
  const decision: DecisionMaker = createAutoDecision({ delay: 2_000 });
  return {
    adapters: { target, fault, traffic, detector, decision },
    log,
    version: () => serving,
    get rollbackCalls() {
      return rollbackCalls;
    },
    get disposed() {
      return disposed;
    },
  };
}
