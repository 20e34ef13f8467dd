/** A tiny smoke run of the proxy benchmark; the real figures come from `npx tsx harness/toxiproxy/bench.ts`. */
import { expect, it } from 'vitest';
import { benchmarkProxyOverhead, formatProxyOverhead } from '../../../harness/toxiproxy/bench.js';

it('measures direct and proxied throughput and latency and reports ratios', async () => {
  const report = await benchmarkProxyOverhead({ durationMs: 400, rounds: 1 });
  for (const figures of [report.direct, report.proxied]) {
    expect(figures.throughputBytesPerSecond).toBeGreaterThan(1_000_000);
    expect(figures.medianRoundTripMs).toBeGreaterThan(0);
    expect(figures.roundTrips).toBeGreaterThan(10);
  }
  expect(report.throughputRatio).toBeCloseTo(
    report.proxied.throughputBytesPerSecond / report.direct.throughputBytesPerSecond,
  );
  expect(report.addedMedianLatencyMs).toBeCloseTo(
    report.proxied.medianRoundTripMs - report.direct.medianRoundTripMs,
  );
  expect(formatProxyOverhead(report)).toMatch(/throughput ratio \d+\.\d% .*added median latency/);
});
