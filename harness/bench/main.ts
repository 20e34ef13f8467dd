/**
 * `npm run bench`: every benchmark, a table on stdout, and docs/benchmarks.md regenerated.
 * Options: --quick (short runs for a smoke check; writes nothing unless --out is given),
 * --out FILE (where to write the Markdown; default docs/benchmarks.md unless --quick).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchmarkProxyOverhead } from '../toxiproxy/bench.js';
import { runDetectionBenchmark } from './detect.js';
import { formatDetectionBenchmarkMarkdown } from './detect-format.js';
import { benchmarkDrillOverhead } from './drill-overhead.js';
import { benchmarkMeasurementAccuracy } from './measurement-accuracy.js';
import { formatMarkdown, formatTable } from './report.js';
import { benchmarkDrillMemory, benchmarkMetricsRendering } from './scale.js';
import { benchmarkTraffic } from './traffic.js';
import { formatMs, type BenchSection } from './types.js';
import { benchmarkHistoryScale } from './history-scale.js';

const DEFAULT_OUT = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));

async function main(args: readonly string[]): Promise<number> {
  const quick = args.includes('--quick');
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : quick ? undefined : DEFAULT_OUT;
  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  const started = performance.now();
  const sections: BenchSection[] = [];

  sections.push(
    await benchmarkTraffic({ trialMs: quick ? 1500 : 4000, autocannonSeconds: quick ? 2 : 5 }, progress),
  );
  sections.push(await benchmarkDrillOverhead(quick ? 1 : 2, progress));
  sections.push(await benchmarkMeasurementAccuracy(progress));
  sections.push(await benchmarkMetricsRendering(progress));
  sections.push(await benchmarkHistoryScale(quick ? 1000 : 10_000, progress));
  sections.push(await benchmarkDrillMemory(quick ? 8 : 25, progress));

  progress('proxy: embedded Toxiproxy overhead …');
  const proxy = await benchmarkProxyOverhead({ durationMs: quick ? 2000 : 8000 });
  sections.push({
    title: 'Embedded Toxiproxy overhead',
    method: `${proxy.method}`,
    rows: [
      {
        name: 'throughput, proxied / direct',
        figure: `${proxy.throughputRatio.toFixed(2)}×`,
        goal: '≥ 0.70×',
        met: proxy.throughputRatio >= 0.7,
      },
      {
        name: 'added median latency',
        figure: formatMs(proxy.addedMedianLatencyMs),
        goal: '≤ 0.3 ms',
        met: proxy.addedMedianLatencyMs <= 0.3,
      },
    ],
    analysis:
      proxy.throughputRatio < 0.7
        ? "A proxy copies every byte through user space twice (read from one socket, write to the other) on one event loop, while the direct connection is a single loopback write; a CPU profile of the proxy shows its busy time is almost all the kernel write, with the project's JavaScript under 1% of samples, and a naive Node `pipe()` proxy measured the same. The ratio is the floor for a user-space Node proxy against single-thread loopback; at drill traffic levels (a dependency's calls, not bulk transfer) it is not a limit."
        : undefined,
  });

  progress('detection: detectors against the statistical bound …');
  const detection = await runDetectionBenchmark(
    quick ? { trials: 10, noFaultRequests: 2e6, noFaultMaxHoursWithHistograms: 0.25 } : { trials: 100 },
  );
  sections.push({
    title: 'Detection',
    method:
      'Seeded simulated outcome streams (see the appendix); the acceptance checks of the detection issue.',
    rows: detection.acceptance.map((check) => ({
      name: check.description,
      figure: check.value === null ? 'not measured' : `${+check.value.toFixed(3)}`,
      goal: check.target,
      met: check.gating ? check.passed : null,
    })),
  });

  const durationSeconds = (performance.now() - started) / 1000;
  process.stdout.write(formatTable(sections));
  process.stdout.write(`\nbenchmarks took ${durationSeconds.toFixed(0)} s\n`);
  if (out) {
    const markdown = formatMarkdown(sections, {
      command: quick ? 'npm run bench -- --quick' : 'npm run bench',
      date: new Date(),
      durationSeconds,
      appendices: [
        { title: 'Appendix: detection benchmark', markdown: formatDetectionBenchmarkMarkdown(detection) },
      ],
    });
    await writeFile(out, markdown);
    process.stderr.write(`wrote ${out}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 4;
  },
);
