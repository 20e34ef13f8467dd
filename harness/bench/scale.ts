/**
 * Scale: rendering /metrics for 100 services × 10 scenarios, and the memory of a long drill at
 * 1000 req/s (measured on a shortened drill and extrapolated to an hour, with the model stated).
 */
import { FakeClock } from '../core/fake-clock.js';
import { SystemClock } from '../core/clock.js';
import { createDrillMetrics } from '../../exporters/prometheus/drill-metrics.js';
import { recordRunMetrics } from '../../exporters/prometheus/record-run.js';
import { runDrill } from '../runner/run-drill.js';
import type { RunRecord } from '../store/run-record.js';
import { createBuiltinTraffic } from '../traffic/builtin.js';
import type { SliSample } from '../traffic/sli.js';
import { scriptedSystem } from './scripted-system.js';
import { startTargetServer } from './target-server.js';
import { formatMs, median, type BenchSection } from './types.js';
import { benchScenario } from './bench-scenario.js';

/** One real record (a scripted drill on a fake clock), cloned per service and scenario. */
async function templateRecord(): Promise<RunRecord> {
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

export async function benchmarkMetricsRendering(progress: (line: string) => void): Promise<BenchSection> {
  progress('scale: /metrics for 100 services × 10 scenarios …');
  const template = await templateRecord();
  const metrics = createDrillMetrics();
  for (let service = 0; service < 100; service++) {
    for (let scenario = 0; scenario < 10; scenario++) {
      recordRunMetrics(metrics, {
        ...template,
        scenario: { ...template.scenario, name: `scenario-${scenario}`, service: `service-${service}` },
      });
    }
  }
  const timings: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const text = await metrics.registry.metrics();
    timings.push(performance.now() - started);
    bytes = text.length;
  }
  const p50 = median(timings);
  const worst = Math.max(...timings.slice(1)); // the first render warms up the JIT
  return {
    title: 'Scale: /metrics',
    method:
      '1,000 label sets (100 services × 10 scenarios, one recorded drill each) in one prom-client registry; `registry.metrics()` rendered 15 times.',
    rows: [
      {
        name: 'render /metrics, median',
        figure: `${formatMs(p50)} (${(bytes / 1e6).toFixed(1)} MB of text)`,
        goal: '< 50 ms',
        met: p50 < 50,
      },
      { name: 'render /metrics, worst after warm-up', figure: formatMs(worst), goal: '—', met: null },
    ],
    analysis:
      p50 >= 50
        ? `prom-client renders every series of every histogram (buckets × label sets): the text is ${(bytes / 1e6).toFixed(1)} MB. The time is string building inside prom-client; fewer histogram buckets or dropping per-scenario histograms would cut it proportionally.`
        : undefined,
  };
}

export async function benchmarkDrillMemory(
  seconds: number,
  progress: (line: string) => void,
): Promise<BenchSection> {
  progress(`scale: memory of a ${seconds} s drill at 1000 req/s …`);
  const target = await startTargetServer();
  const clock = new SystemClock();
  const samples: SliSample[] = []; // kept exactly as the runner keeps them
  const traffic = createBuiltinTraffic({
    type: 'builtin',
    rate: 1000,
    timeout: 2000,
    maxInFlight: 512,
    requests: [{ method: 'GET', path: '/', weight: 1 }],
    seed: 1,
  });
  const heap: { t: number; heapMb: number; rssMb: number }[] = [];
  try {
    await traffic.start(
      target.url,
      { sample: (s) => void samples.push(s) },
      { clock, signal: new AbortController().signal, log: () => undefined },
    );
    for (let second = 1; second <= seconds; second++) {
      await clock.sleep(1000);
      if (second >= 5) {
        global.gc?.();
        const usage = process.memoryUsage();
        heap.push({ t: second, heapMb: usage.heapUsed / 1e6, rssMb: usage.rss / 1e6 });
      }
    }
    await traffic.stop();
  } finally {
    await target.close();
  }
  const slope = leastSquaresSlope(heap.map((h) => [h.t, h.heapMb]));
  const sampleBytes = median(samples.map((s) => JSON.stringify(s).length));
  const hourSamplesMb = (sampleBytes * 3600) / 1e6;
  const first = heap[0];
  const last = heap[heap.length - 1];
  return {
    title: 'Scale: memory of a long drill',
    method: `Builtin traffic at 1000 req/s for ${seconds} s against a loopback target, the per-second samples kept as the runner keeps them; heap sampled each second after a 5 s warm-up${global.gc ? ' after a forced GC' : ' (run node with --expose-gc for steadier figures)'}. An hour is extrapolated: heap growth = measured slope × 3600 s, plus the samples an hour keeps (median sample size × 3600). No per-request arrays are kept.`,
    rows: [
      {
        name: 'heap at start → end',
        figure: `${first?.heapMb.toFixed(1)} → ${last?.heapMb.toFixed(1)} MB (RSS ${last?.rssMb.toFixed(0)} MB)`,
        goal: '—',
        met: null,
      },
      {
        name: 'heap growth (least squares)',
        figure: `${(slope * 1000).toFixed(1)} KB/s`,
        goal: '—',
        met: null,
      },
      {
        name: 'one per-second sample (JSON)',
        figure: `${(sampleBytes / 1000).toFixed(1)} KB`,
        goal: '—',
        met: null,
      },
      {
        name: 'extrapolated extra memory for 1 h at 1000 req/s',
        figure: `${(Math.max(0, slope) * 3600 + hourSamplesMb).toFixed(0)} MB (samples alone: ${hourSamplesMb.toFixed(0)} MB)`,
        goal: 'bounded (per-second series, no per-request arrays); < 256 MB',
        met: Math.max(0, slope) * 3600 + hourSamplesMb < 256,
      },
    ],
  };
}

function leastSquaresSlope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((a, [x]) => a + x, 0) / n;
  const meanY = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
