/**
 * The builtin open-model generator against autocannon (a closed-loop peer) on the same loopback
 * target, in the same run: the highest rate the generator sustains, and its send-time accuracy.
 */
import autocannon from 'autocannon';
import { SystemClock } from '../core/clock.js';
import type { BuiltinTrafficConfig } from '../scenario/schema/traffic.js';
import { createBuiltinTraffic, type BuiltinTrafficStats } from '../traffic/builtin.js';
import type { SliSample } from '../traffic/sli.js';
import type { BenchSection } from './types.js';
import { startTargetServer } from './target-server.js';

export interface TrafficBenchOptions {
  readonly trialMs: number;
  readonly autocannonSeconds: number;
}

interface Trial {
  readonly rate: number;
  readonly completedPerSecond: number;
  /** CPU time of this process (generator + undici) per completed request, µs. */
  readonly cpuMicrosPerRequest: number;
  readonly stats: BuiltinTrafficStats;
  readonly sustained: boolean;
  /** Where the trial's trouble was: its first second (connections opening) against the rest. */
  readonly droppedFirstSecond: number;
  readonly p99FirstSecondMs: number | undefined;
  /** The worst one-second p99 after the first second. */
  readonly p99LaterMs: number | undefined;
}

async function runGenerator(url: URL, rate: number, durationMs: number): Promise<Trial> {
  const config: BuiltinTrafficConfig = {
    type: 'builtin',
    rate,
    timeout: 2_000,
    maxInFlight: 512,
    requests: [{ method: 'GET', path: '/', weight: 1 }],
    seed: 1,
  };
  const clock = new SystemClock();
  const traffic = createBuiltinTraffic(config);
  let completed = 0;
  const samples: SliSample[] = [];
  const controller = new AbortController();
  await traffic.start(
    url,
    { outcome: () => void (completed += 1), sample: (sample) => samples.push(sample) },
    { clock, signal: controller.signal, log: () => undefined },
  );
  const started = clock.now();
  const cpuBefore = process.cpuUsage();
  await clock.sleep(durationMs);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = clock.now() - started;
  const stats = traffic.stats();
  await traffic.stop();
  const completedPerSecond = (completed / elapsedMs) * 1000;
  // Sustained: nearly every scheduled request went out on time and came back, none dropped.
  const sustained = stats.dropped <= stats.scheduled * 0.005 && completedPerSecond >= rate * 0.97;
  const cpuMicrosPerRequest = (cpu.user + cpu.system) / Math.max(1, completed);
  const laterP99s = samples.slice(1).flatMap((sample) => (sample.latencyMs ? [sample.latencyMs.p99] : []));
  return {
    rate,
    completedPerSecond,
    cpuMicrosPerRequest,
    stats,
    sustained,
    droppedFirstSecond: samples[0]?.dropped ?? 0,
    p99FirstSecondMs: samples[0]?.latencyMs?.p99,
    p99LaterMs: laterP99s.length > 0 ? Math.max(...laterP99s) : undefined,
  };
}

export async function benchmarkTraffic(
  options: TrafficBenchOptions,
  progress: (line: string) => void,
): Promise<BenchSection> {
  const target = await startTargetServer();
  try {
    progress('traffic: autocannon (peer) …');
    const peer = await autocannon({
      url: target.url.href,
      connections: 64,
      duration: options.autocannonSeconds,
    });
    const peerRps = peer.requests.average;

    // Find the highest sustained rate: grow by 1.5× until a trial fails, then bisect twice.
    let passed: Trial | undefined;
    let failed: Trial | undefined;
    for (let rate = 1000; rate < peerRps * 3 && failed === undefined; rate = Math.round(rate * 1.5)) {
      progress(`traffic: generator at ${rate} req/s …`);
      const trial = await runGenerator(target.url, rate, options.trialMs);
      if (trial.sustained) passed = trial;
      else failed = trial;
    }
    for (let i = 0; i < 2 && passed && failed; i++) {
      const rate = Math.round((passed.rate + failed.rate) / 2);
      progress(`traffic: generator at ${rate} req/s …`);
      const trial = await runGenerator(target.url, rate, options.trialMs);
      if (trial.sustained) passed = trial;
      else failed = trial;
    }
    const failedRate = failed?.rate;
    progress('traffic: send-time accuracy at 1000 req/s …');
    const accuracy = await runGenerator(target.url, 1000, options.trialMs);
    const sustainedRate = passed?.rate ?? 0;
    const ratio = sustainedRate / peerRps;
    const lagP99 = accuracy.stats.sendLagMs?.p99 ?? Number.NaN;
    return {
      title: 'Traffic generator vs autocannon',
      method: `Same loopback target (node:http in its own process), same run. autocannon: 64 connections for ${options.autocannonSeconds} s (closed loop: its throughput is the ceiling). Generator: open model, ${options.trialMs / 1000} s trials, rate grown ×1.5 until a trial fails, then bisected twice; a rate is *sustained* when ≤ 0.5% of requests are dropped and ≥ 97% of the rate completes. Send-time error = actual send − scheduled send.`,
      rows: [
        { name: 'autocannon throughput', figure: `${Math.round(peerRps)} req/s`, goal: '—', met: null },
        {
          name: 'generator: highest sustained rate',
          figure: `${sustainedRate} req/s (first failing: ${failedRate ?? 'none'} req/s)`,
          goal: '—',
          met: null,
        },
        {
          name: 'generator CPU per request at its highest sustained rate',
          figure: passed
            ? `${passed.cpuMicrosPerRequest.toFixed(0)} µs (≈ ${Math.round(1e6 / passed.cpuMicrosPerRequest)} req/s per core)`
            : '—',
          goal: '—',
          met: null,
        },
        {
          name: 'generator / autocannon',
          figure: `${ratio.toFixed(2)}×`,
          goal: '≥ 0.80×',
          met: ratio >= 0.8,
        },
        {
          name: 'send-time error p99 at 1000 req/s',
          figure: `${lagP99.toFixed(2)} ms (p50 ${(accuracy.stats.sendLagMs?.p50 ?? Number.NaN).toFixed(2)} ms, max ${(accuracy.stats.sendLagMs?.max ?? Number.NaN).toFixed(1)} ms)`,
          goal: '< 2 ms',
          met: lagP99 < 2,
        },
      ],
      analysis: ratio < 0.8 ? explainShortfall(passed, failed, sustainedRate) : undefined,
    };
  } finally {
    await target.close();
  }
}

/** Why the generator fell short of the goal, from what its trials measured. */
function explainShortfall(
  passed: Trial | undefined,
  failed: Trial | undefined,
  sustainedRate: number,
): string {
  const drills = `Drills run at tens to a few thousand requests per second, far under the sustained rate (${sustainedRate} req/s here); beyond that, use the k6 traffic type.`;
  const cpu = passed
    ? `At its highest sustained rate the generator spends ${passed.cpuMicrosPerRequest.toFixed(0)} µs of CPU per request (≈ ${Math.round(1e6 / passed.cpuMicrosPerRequest)} req/s per core).`
    : '';
  const firstSecondShare =
    failed && failed.stats.dropped > 0 ? failed.droppedFirstSecond / failed.stats.dropped : 0;
  if (!failed || firstSecondShare < 0.5) {
    return `Where the time goes: the open-model generator does more per request than a closed loop. It schedules every request by the clock (a timer-driven dispatcher instead of "send the next one when a response arrives"), records latency from the *scheduled* time and the send lag into HdrHistograms, classifies every outcome and hands it to listeners (detectors, exporters); autocannon writes pre-built requests on its sockets and counts responses. ${cpu} ${drills}`;
  }
  const ms = (value: number | undefined): string => (value === undefined ? '—' : `${value.toFixed(0)} ms`);
  return (
    `Where the limit is: the start of each trial rather than the CPU per request. ${cpu} ` +
    `At the first failing rate (${failed.rate} req/s), ${(firstSecondShare * 100).toFixed(0)}% of the trial's ${failed.stats.dropped} dropped requests were due in its first second, when latency p99 reached ${ms(failed.p99FirstSecondMs)}; ` +
    `after that the worst one-second p99 was ${ms(failed.p99LaterMs)}. ` +
    `Each trial starts with no connections: the first burst of requests opens hundreds of them, and the target (one node:http process) answers requests spread over hundreds of sockets at once far more slowly than the same rate over a few, ` +
    `so for the first 100–200 ms requests take tens of milliseconds, the 512 allowed in flight are all taken and later arrivals are dropped (an open model does not wait). ` +
    `autocannon, a closed loop on 64 connections, cannot be overrun this way: it sends only when a response comes back. ${drills}`
  );
}
