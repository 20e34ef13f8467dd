/**
 * `npm run bench:detect`: runs the detection benchmark and prints it as Markdown.
 * Options: --seed N, --trials N, --quick (fewer trials and shorter no-fault streams, for a smoke run).
 * Exit code 1 when a gating acceptance check fails, so CI can gate on it.
 */
import { runDetectionBenchmark, type DetectionBenchOptions } from './detect.js';
import { formatDetectionBenchmarkMarkdown } from './detect-format.js';

function numberArgument(args: readonly string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} expects a positive integer`);
  return value;
}

async function main(args: readonly string[]): Promise<number> {
  const quick = args.includes('--quick');
  const options: DetectionBenchOptions = {
    seed: numberArgument(args, '--seed') ?? 1,
    trials: numberArgument(args, '--trials') ?? (quick ? 20 : 100),
    ...(quick ? { noFaultRequests: 2e6, noFaultMaxHoursWithHistograms: 0.25 } : {}),
    progress: (message) => process.stderr.write(`${message}\n`),
  };
  const startedAt = performance.now();
  const result = await runDetectionBenchmark(options);
  process.stdout.write(`${formatDetectionBenchmarkMarkdown(result)}\n`);
  process.stderr.write(`detection benchmark took ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
  return result.acceptance.every((check) => check.passed || !check.gating) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 4;
  },
);
