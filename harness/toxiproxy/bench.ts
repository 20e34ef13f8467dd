/**
 * How much the embedded proxy costs without toxics: throughput and median round-trip latency through
 * the proxy against a direct connection, same machine, same run, reported as ratios. The load (client,
 * sink and echo servers) runs in a worker thread; the proxy runs on this thread.
 *
 * Goal: >= 70% of direct throughput and <= 0.3 ms added median latency.
 * Run on its own: `npx tsx harness/toxiproxy/bench.ts [durationMs] [rounds]`.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Toxiproxy } from 'toxiproxy-node-client';
import { BENCH_LOAD_WORKER_SOURCE } from './bench-load.js';
import { startToxiproxyServer } from './server.js';

export interface ConnectionFigures {
  /** Bytes per second received by the sink over one connection written as fast as it accepts. */
  readonly throughputBytesPerSecond: number;
  /** Median of sequential 32-byte echo round trips. */
  readonly medianRoundTripMs: number;
  readonly roundTrips: number;
}

export interface ProxyOverheadReport {
  readonly durationMs: number;
  readonly direct: ConnectionFigures;
  readonly proxied: ConnectionFigures;
  /** proxied / direct throughput; the goal is >= 0.7. */
  readonly throughputRatio: number;
  /** proxied − direct median round trip, ms; the goal is <= 0.3. */
  readonly addedMedianLatencyMs: number;
  /** proxied / direct median round trip. */
  readonly latencyRatio: number;
  readonly method: string;
}

type LoadReply =
  | { kind: 'ready'; sinkPort: number; echoPort: number }
  | { kind: 'throughput'; bytesPerSecond: number }
  | { kind: 'latency'; roundTripsMs: number[] };

/** A request/answer channel to the load worker (it handles one request at a time). */
class LoadWorker {
  private readonly worker = new Worker(BENCH_LOAD_WORKER_SOURCE, { eval: true });
  private readonly replies: ((reply: LoadReply) => void)[] = [];
  readonly ready: Promise<LoadReply & { kind: 'ready' }>;

  private failure: Error | undefined;
  private readonly failed: ((error: Error) => void)[] = [];

  constructor() {
    this.ready = this.next() as Promise<LoadReply & { kind: 'ready' }>;
    this.worker.on('message', (reply: LoadReply) => {
      this.failed.shift();
      this.replies.shift()?.(reply);
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const reject of this.failed.splice(0)) reject(error);
      this.replies.length = 0;
    });
  }

  async throughput(port: number, durationMs: number): Promise<number> {
    this.worker.postMessage({ kind: 'throughput', port, durationMs });
    return ((await this.next()) as { bytesPerSecond: number }).bytesPerSecond;
  }

  async latency(port: number, durationMs: number): Promise<number[]> {
    this.worker.postMessage({ kind: 'latency', port, durationMs });
    return ((await this.next()) as { roundTripsMs: number[] }).roundTripsMs;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage({ kind: 'stop' });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    await this.worker.terminate();
  }

  private next(): Promise<LoadReply> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.replies.push(resolve);
      this.failed.push(reject);
    });
  }
}

/**
 * Measures direct and proxied figures in alternating short rounds (so drift in machine load hits
 * both alike) and takes medians: of the rounds' throughputs, and of all round trips.
 */
export async function benchmarkProxyOverhead(options: {
  durationMs: number;
  rounds?: number;
}): Promise<ProxyOverheadReport> {
  const rounds = options.rounds ?? 8;
  const phaseMs = options.durationMs / (4 * rounds);
  const load = new LoadWorker();
  const server = await startToxiproxyServer({ host: '127.0.0.1', port: 0 });
  try {
    const { sinkPort, echoPort } = await load.ready;
    const toxiproxy = new Toxiproxy(server.url);
    const sinkProxy = await toxiproxy.createProxy({
      name: 'bench-sink',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${sinkPort}`,
    });
    const echoProxy = await toxiproxy.createProxy({
      name: 'bench-echo',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echoPort}`,
    });
    const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));
    const samples = {
      direct: { rates: [] as number[], trips: [] as number[] },
      proxied: { rates: [] as number[], trips: [] as number[] },
    };
    for (let round = 0; round < rounds; round++) {
      samples.direct.rates.push(await load.throughput(sinkPort, phaseMs));
      samples.proxied.rates.push(await load.throughput(portOf(sinkProxy.listen), phaseMs));
      samples.direct.trips.push(...(await load.latency(echoPort, phaseMs)));
      samples.proxied.trips.push(...(await load.latency(portOf(echoProxy.listen), phaseMs)));
    }
    const figures = (s: { rates: number[]; trips: number[] }): ConnectionFigures => ({
      throughputBytesPerSecond: median(s.rates),
      medianRoundTripMs: median(s.trips),
      roundTrips: s.trips.length,
    });
    const direct = figures(samples.direct);
    const proxied = figures(samples.proxied);
    return {
      durationMs: options.durationMs,
      direct,
      proxied,
      throughputRatio: proxied.throughputBytesPerSecond / direct.throughputBytesPerSecond,
      addedMedianLatencyMs: proxied.medianRoundTripMs - direct.medianRoundTripMs,
      latencyRatio: proxied.medianRoundTripMs / direct.medianRoundTripMs,
      method:
        `loopback, load in a worker thread, proxy on the main thread; ${rounds} alternating rounds of ` +
        `${Math.round(phaseMs)} ms per phase; throughput: one connection of 64 KiB writes as fast as accepted, ` +
        'counted at the sink, median of rounds; latency: median of sequential 32-byte echo round trips',
    };
  } finally {
    await load.stop();
    await server.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One line per figure, for the terminal and the benchmark doc. */
export function formatProxyOverhead(report: ProxyOverheadReport): string {
  const mbps = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB/s`;
  return [
    `direct:  ${mbps(report.direct.throughputBytesPerSecond)}, median round trip ${report.direct.medianRoundTripMs.toFixed(3)} ms (${report.direct.roundTrips} trips)`,
    `proxied: ${mbps(report.proxied.throughputBytesPerSecond)}, median round trip ${report.proxied.medianRoundTripMs.toFixed(3)} ms (${report.proxied.roundTrips} trips)`,
    `throughput ratio ${(report.throughputRatio * 100).toFixed(1)}% (goal >= 70%), added median latency ${report.addedMedianLatencyMs.toFixed(3)} ms (goal <= 0.3 ms)`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const durationMs = Number(process.argv[2] ?? 8_000);
  const rounds = Number(process.argv[3] ?? 8);
  const report = await benchmarkProxyOverhead({ durationMs, rounds });
  console.log(formatProxyOverhead(report));
}
