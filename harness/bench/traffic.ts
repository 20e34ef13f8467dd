/**
 * The builtin open-model generator against autocannon (a closed-loop peer) on the same loopback
 * target, in the same run: the highest rate the generator sustains, and its send-time accuracy.
 */
import autocannon from 'autocannon';
import { SystemClock } from '../core/clock.js';
import type { BuiltinTrafficConfig } from '../scenario/schema/traffic.js';
import { createBuiltinTraffic, type BuiltinTrafficStats } from '../traffic/builtin.js';
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
  const controller = new AbortController();
  await traffic.start(
    url,
    { outcome: () => void (completed += 1) },
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
  return { rate, completedPerSecond, cpuMicrosPerRequest, stats, sustained };
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
    let failedRate: number | undefined;
    for (let rate = 1000; rate < peerRps * 3 && failedRate === undefined; rate = Math.round(rate * 1.5)) {
      progress(`traffic: generator at ${rate} req/s …`);
      const trial = await runGenerator(target.url, rate, options.trialMs);
      if (trial.sustained) passed = trial;
      else failedRate = rate;
    }
    for (let i = 0; i < 2 && passed && failedRate !== undefined; i++) {
      const rate = Math.round((passed.rate + failedRate) / 2);
      progress(`traffic: generator at ${rate} req/s …`);
      const trial = await runGenerator(target.url, rate, options.trialMs);
      if (trial.sustained) passed = trial;
      else failedRate = rate;
    }
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
      analysis:
        ratio < 0.8
          ? `Where the time goes: the open-model generator does more per request than a closed loop. It schedules every request by the clock (a timer-driven dispatcher instead of "send the next one when a response arrives"), records latency from the *scheduled* time and the send lag into HdrHistograms, classifies every outcome and hands it to listeners (detectors, exporters), and goes through undici's full request API with a per-request timeout; autocannon writes pre-built requests on its sockets and counts responses. The CPU per request measured above is what bounds the sustained rate on one core. Drills run at tens to a few thousand requests per second, far under the sustained rate (${sustainedRate} req/s here); beyond one core, use the k6 traffic type.`
          : undefined,
    };
  } finally {
    await target.close();
  }
}
