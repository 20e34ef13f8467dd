/**
 * Scale: rendering /metrics for 100 services × 10 scenarios, and the memory of a long drill at
 * 1000 req/s (measured on a shortened drill and extrapolated to an hour, with the model stated).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SystemClock } from '../core/clock.js';
import { createDrillMetrics, type DrillMetrics } from '../../exporters/prometheus/drill-metrics.js';
import { expositionPieces, renderExposition } from '../../exporters/prometheus/exposition.js';
import { drillLabelsFromRecord } from '../../exporters/prometheus/labels.js';
import { recordLiveSample } from '../../exporters/prometheus/live-sli.js';
import { startMetricsServer } from '../../exporters/prometheus/metrics-server.js';
import { recordRunMetrics } from '../../exporters/prometheus/record-run.js';
import type { RunRecord } from '../store/run-record.js';
import { createBuiltinTraffic } from '../traffic/builtin.js';
import type { SliSample } from '../traffic/sli.js';
import { templateRecord } from './scripted-system.js';
import { startTargetServer } from './target-server.js';
import { formatMs, median, type BenchSection } from './types.js';

const execFileAsync = promisify(execFile);

const SERVICES = 100;
const SCENARIOS_PER_SERVICE = 10;

function cloneFor(template: RunRecord, index: number): RunRecord {
  const service = `service-${Math.floor(index / SCENARIOS_PER_SERVICE) % SERVICES}`;
  const name = `scenario-${index % SCENARIOS_PER_SERVICE}`;
  return { ...template, scenario: { ...template.scenario, name, service } };
}

/** 1,000 scenarios, one recorded drill each: what a serve daemon holds after a round of drills. */
function filledMetrics(template: RunRecord): DrillMetrics {
  const metrics = createDrillMetrics();
  for (let i = 0; i < SERVICES * SCENARIOS_PER_SERVICE; i++) recordRunMetrics(metrics, cloneFor(template, i));
  return metrics;
}

async function timeRenders(
  repetitions: number,
  before: (i: number) => void,
  render: () => Promise<{ length: number }>,
): Promise<{ median: number; worst: number; bytes: number }> {
  const timings: number[] = [];
  let bytes = 0;
  for (let i = 0; i < repetitions; i++) {
    before(i);
    const started = performance.now();
    bytes = (await render()).length;
    timings.push(performance.now() - started);
  }
  return { median: median(timings), worst: Math.max(...timings), bytes };
}

/**
 * Whole HTTP scrapes of the metrics server, each right after a drill finished, by curl in its own
 * process as Prometheus would scrape (an in-process client would share the event loop and time
 * itself); curl's own timer, from connecting to the last byte. Fetch when curl is missing.
 */
async function timeHttpScrapes(
  metrics: DrillMetrics,
  template: RunRecord,
  repetitions: number,
): Promise<{ medianMs: number; client: string }> {
  const server = await startMetricsServer({ port: 0, registry: metrics.registry });
  try {
    const timings: number[] = [];
    let client = 'curl';
    for (let i = 0; i < repetitions; i++) {
      recordRunMetrics(metrics, cloneFor(template, i * 7));
      try {
        const { stdout } = await execFileAsync('curl', [
          '-sf',
          '-o',
          '/dev/null',
          '-w',
          '%{time_total}',
          server.url,
        ]);
        timings.push(Number(stdout) * 1000);
      } catch {
        client = 'fetch (curl not available)';
        const started = performance.now();
        await (await fetch(server.url)).arrayBuffer();
        timings.push(performance.now() - started);
      }
    }
    return { medianMs: median(timings), client };
  } finally {
    await server.close();
  }
}

export async function benchmarkMetricsRendering(progress: (line: string) => void): Promise<BenchSection> {
  progress('scale: /metrics for 100 services × 10 scenarios …');
  const template = await templateRecord();
  const metrics = filledMetrics(template);
  const registry = metrics.registry;
  const render = async (): Promise<{ length: number }> => {
    const pieces = await expositionPieces(registry);
    return { length: pieces.reduce((total, piece) => total + piece.length, 0) };
  };
  const liveLabels = drillLabelsFromRecord(cloneFor(template, 0));
  const liveSample = (i: number): SliSample => ({
    startMs: i * 1000,
    durationMs: 1000,
    requests: 50 + i,
    errors: i % 3,
    dropped: 0,
    errorsByClass: { http_5xx: i % 3 },
    latencyMs: { p50: 12 + i, p90: 20 + i, p95: 25 + i, p99: 40 + i, max: 80 + i },
    latencyHistogram: null,
  });

  // prom-client's own renderer over the same series: what every scrape cost before the cache.
  const promClient = await timeRenders(
    5,
    () => undefined,
    () => registry.metrics(),
  );
  // Every scenario stale, as right after the daemon starts: fresh registries, not timed while filled.
  const colds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const fresh = filledMetrics(template);
    const started = performance.now();
    await expositionPieces(fresh.registry);
    colds.push(performance.now() - started);
  }
  await render();
  const afterDrill = await timeRenders(
    15,
    (i) => recordRunMetrics(metrics, cloneFor(template, i * 37)),
    render,
  );
  const duringDrill = await timeRenders(
    15,
    (i) => recordLiveSample(metrics, liveLabels, liveSample(i)),
    render,
  );
  const cached = await timeRenders(15, () => undefined, render);
  const identical = (await renderExposition(registry)) === (await registry.metrics());
  const http = await timeHttpScrapes(metrics, template, 5);
  const mb = (afterDrill.bytes / 1e6).toFixed(1);

  return {
    title: 'Scale: /metrics',
    method: `1,000 label sets (100 services × 10 scenarios, one recorded drill each: ${mb} MB of text) in one registry, rendered as /metrics renders it (\`expositionPieces\`: each page of 16 scenarios keeps its text until one of its series is written, and the pieces are written to the socket without joining them). Timed: the first scrape after a drill of one scenario finished (its ~150 series rewritten), a scrape while a drill runs (its live SLI gauges rewritten, as each second), a scrape with nothing changed, a render with every scenario stale (as if 1,000 drills finished between two scrapes), and whole HTTP scrapes of the metrics server by curl in its own process. Peer: prom-client's \`registry.metrics()\` over the same series, the renderer every scrape paid for before. 15 repetitions (5 for the peer and HTTP), median.`,
    rows: [
      {
        name: 'first scrape after a drill finished, median',
        figure: `${formatMs(afterDrill.median)} (worst ${formatMs(afterDrill.worst)})`,
        goal: '< 50 ms',
        met: afterDrill.median < 50,
      },
      {
        name: 'scrape during a drill (live SLIs changed), median',
        figure: `${formatMs(duringDrill.median)} (worst ${formatMs(duringDrill.worst)})`,
        goal: '< 50 ms',
        met: duringDrill.median < 50,
      },
      {
        name: 'scrape with nothing changed, median',
        figure: formatMs(cached.median),
        goal: '< 50 ms',
        met: cached.median < 50,
      },
      {
        name: 'every scenario stale (first scrape after start)',
        figure: formatMs(median(colds)),
        goal: '—',
        met: null,
      },
      {
        name: "prom-client's registry.metrics(), same series",
        figure: `${formatMs(promClient.median)} (${(promClient.median / Math.max(afterDrill.median, 0.01)).toFixed(0)}× the first scrape after a drill)`,
        goal: '—',
        met: null,
      },
      {
        name: 'whole HTTP scrape after a drill (render + send + read)',
        figure: `${formatMs(http.medianMs)} (${http.client})`,
        goal: '—',
        met: null,
      },
      {
        name: 'scrape text equals registry.metrics()',
        figure: identical ? 'byte for byte' : 'DIFFERS',
        goal: 'identical',
        met: identical,
      },
    ],
    analysis: `${afterDrill.median < 50 ? '' : `Missed: the time is re-rendering the pages the drill wrote (one per family, 16 scenarios each) and collecting the others; a slower machine or a busier one shows it first in this figure. `}A scrape re-renders only the pages written since the one before, so its cost follows what changed, not how many scenarios exist; the text kept for reuse is one copy of the body (${mb} MB). What a scrape still cannot avoid is moving the bytes: most of the whole-HTTP figure is the ${mb} MB transfer, which Prometheus also has to parse. Most of the size is the histograms (4 × 18 of the ~150 series per scenario). Their buckets were kept (0.25 s → 1 h, with edges at the default objectives of 5, 10, 15 and 30 min): cutting them would shorten the text and the transfer by at most a third, not the render, which the cache already bounds, and would break \`histogram_quantile()\` over existing history.`,
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
