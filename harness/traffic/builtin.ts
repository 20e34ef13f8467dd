/**
 * The builtin open-model traffic generator. Requests arrive at a constant rate on the drill's clock
 * whatever the target does; latency runs from each request's scheduled time, so a stalled server
 * shows up as latency and timeouts rather than as fewer requests (no coordinated omission). A request
 * due while maxInFlight are outstanding is dropped and counted, which bounds memory and sockets.
 *
 * Wiring only: the arrival loop, the request mix, the SLI aggregation and the HTTP client are their
 * own modules, each tested alone.
 */
import { abortError, type Clock } from '../core/clock.js';
import type { AdapterContext } from '../core/adapter-context.js';
import { createRandom } from '../core/random.js';
import {
  recordLatencyMs,
  summarizeLatency,
  type LatencyHistogram,
  newLatencyHistogram,
} from '../measure/latency-histogram.js';
import type { BuiltinTrafficConfig } from '../scenario/schema/traffic.js';
import { ArrivalScheduler } from './arrival-scheduler.js';
import { DeadlineQueue } from './deadline-queue.js';
import { createUndiciTransport, type HttpTransport, type HttpTransportFactory } from './http-transport.js';
import { InFlightRequest, outcomeOf, type RequestSettler } from './in-flight-request.js';
import type { TrafficGenerator } from './port.js';
import { createRequestMix, type RequestMix } from './request-mix.js';
import { SliAggregator } from './sli-aggregator.js';
import type { LatencySummaryMs, RequestOutcome, TrafficListener } from './sli.js';

export interface BuiltinTrafficOptions {
  /** Replaces the seeded generator built from config.seed (tests). */
  readonly random?: () => number;
  /** Replaces the undici HTTP client (tests drive the generator with a fake one and a FakeClock). */
  readonly createTransport?: HttpTransportFactory;
}

/** Counters over the whole run; cheap to read at any time. */
export interface BuiltinTrafficStats {
  /** Arrivals that came due: sent + dropped. */
  readonly scheduled: number;
  readonly sent: number;
  readonly dropped: number;
  /** Outcomes recorded (responses and failures). */
  readonly completed: number;
  readonly inFlight: number;
  /**
   * How late requests were handed to the HTTP client after their scheduled time (ms, HDR ±0.1%):
   * the generator's own timing error, which bounds how precisely it can report latency.
   */
  readonly sendLagMs: LatencySummaryMs | null;
}

export interface BuiltinTrafficGenerator extends TrafficGenerator {
  stats(): BuiltinTrafficStats;
}

/** How long past the request timeout stop() waits for in-flight requests before cutting them off. */
export const DRAIN_GRACE_MS = 1000;

export function createBuiltinTraffic(
  config: BuiltinTrafficConfig,
  options: BuiltinTrafficOptions = {},
): BuiltinTrafficGenerator {
  return new BuiltinTraffic(config, options);
}

type State = 'idle' | 'running' | 'stopping' | 'stopped';

class BuiltinTraffic implements BuiltinTrafficGenerator, RequestSettler {
  readonly kind = 'builtin';
  private state: State = 'idle';
  private stopping: Promise<void> | undefined;
  private readonly mix: RequestMix;
  private readonly sendLag: LatencyHistogram = newLatencyHistogram();
  // Set by start(); present whenever state is not 'idle'.
  private clock: Clock | undefined;
  private ctx: AdapterContext | undefined;
  private listener: TrafficListener = {};
  private transport: HttpTransport | undefined;
  private aggregator: SliAggregator | undefined;
  private scheduler: ArrivalScheduler | undefined;
  /** Requests sent and not yet ended (a timed-out one counts until the client lets go of it). */
  private inFlight = 0;
  /** Outstanding requests that have not timed out, oldest first: at most maxInFlight entries. */
  private deadlines: DeadlineQueue<InFlightRequest> | undefined;
  private onDrained: (() => void) | undefined;
  private sent = 0;
  private dropped = 0;
  private completed = 0;
  private listenerErrorLogged = false;

  constructor(
    private readonly config: BuiltinTrafficConfig,
    private readonly options: BuiltinTrafficOptions,
  ) {
    this.mix = createRequestMix(config.requests, options.random ?? createRandom(config.seed));
  }

  describe(): Record<string, unknown> {
    return {
      type: 'builtin',
      model: 'open (constant arrival rate)',
      ratePerSecond: this.config.rate,
      timeoutMs: this.config.timeout,
      maxInFlight: this.config.maxInFlight,
      seed: this.config.seed,
      requests: this.config.requests.map((r) => ({ method: r.method, path: r.path, weight: r.weight })),
    };
  }

  stats(): BuiltinTrafficStats {
    return {
      scheduled: this.scheduler?.scheduledCount ?? 0,
      sent: this.sent,
      dropped: this.dropped,
      completed: this.completed,
      inFlight: this.inFlight,
      sendLagMs: summarizeLatency(this.sendLag),
    };
  }

  async start(baseUrl: URL, listener: TrafficListener, ctx: AdapterContext): Promise<void> {
    if (this.state !== 'idle') throw new Error(`builtin traffic cannot start: it is ${this.state}`);
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const createTransport = this.options.createTransport ?? createUndiciTransport;
    this.transport = createTransport(baseUrl, {
      connections: this.config.maxInFlight,
      timeoutMs: this.config.timeout,
    });
    this.state = 'running';
    this.clock = ctx.clock;
    this.ctx = ctx;
    this.listener = listener;
    const timeoutMs = this.config.timeout;
    // The timeout runs from the actual send: it is the client's patience, which starts when it asks.
    this.deadlines = new DeadlineQueue<InFlightRequest>(ctx.clock, (request) => {
      request.timedOut = true;
      request.sent?.abort(new Error(`request timed out after ${timeoutMs} ms`));
    });
    const startMs = ctx.clock.now();
    const aggregator = new SliAggregator({
      startMs,
      emit: (sample) => this.notify(() => this.listener.sample?.(sample)),
    });
    this.aggregator = aggregator;
    this.scheduler = new ArrivalScheduler({
      clock: ctx.clock,
      ratePerSecond: this.config.rate,
      onDue: (scheduledAtMs) => this.dispatch(scheduledAtMs),
      onWake: (nowMs) => aggregator.flush(nowMs),
      nextDeadlineMs: () => aggregator.nextIntervalEndMs,
    });
    ctx.signal.addEventListener('abort', this.onAbort, { once: true });
    ctx.log(
      `traffic: ${this.config.rate} req/s to ${baseUrl.origin}, timeout ${this.config.timeout} ms, ` +
        `at most ${this.config.maxInFlight} in flight`,
    );
    this.scheduler.start(startMs);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown(true);
    return this.stopping;
  }

  /**
   * The drill was interrupted: stop at once, cutting a drain in progress short. Requests cut off
   * are not the target's failures, so they are not recorded.
   */
  private readonly onAbort = (): void => {
    if (this.stopping) this.onDrained?.();
    else this.stopping = this.shutdown(false);
  };

  private async shutdown(drain: boolean): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const clock = this.requireStarted(this.clock);
    const aggregator = this.requireStarted(this.aggregator);
    const scheduler = this.requireStarted(this.scheduler);
    // Keep closing one-second intervals on time while in-flight requests finish.
    scheduler.stopArrivals();
    if (drain && !this.ctx?.signal.aborted) await this.drain(clock, this.config.timeout + DRAIN_GRACE_MS);
    scheduler.stop();
    const cutOff = this.inFlight;
    aggregator.finish(clock.now());
    // Timed-out requests the client still holds were aborted when they timed out.
    for (const request of this.requireStarted(this.deadlines).takeAll()) {
      request.cutOff = true;
      request.sent?.abort(new Error('traffic stopped'));
    }
    if (cutOff > 0) this.ctx?.log(`traffic: stopped with ${cutOff} request(s) in flight; they were cut off`);
    try {
      await this.transport?.close(cutOff > 0);
    } finally {
      this.ctx?.signal.removeEventListener('abort', this.onAbort);
      this.state = 'stopped';
    }
  }

  /** Resolves when nothing is in flight, or after `limitMs` on the drill's clock. */
  private drain(clock: Clock, limitMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let cancelLimit = (): void => undefined;
      const done = (): void => {
        cancelLimit();
        this.onDrained = undefined;
        resolve();
      };
      cancelLimit = clock.setTimer(done, limitMs);
      this.onDrained = done;
    });
  }

  private dispatch(scheduledAtMs: number): void {
    const aggregator = this.requireStarted(this.aggregator);
    if (this.inFlight >= this.config.maxInFlight) {
      this.dropped += 1;
      aggregator.recordDrop(scheduledAtMs);
      return;
    }
    const clock = this.requireStarted(this.clock);
    const transport = this.requireStarted(this.transport);
    const request = new InFlightRequest(this, this.mix.next(), scheduledAtMs);
    this.inFlight += 1;
    this.sent += 1;
    const sentAtMs = clock.now();
    recordLatencyMs(this.sendLag, sentAtMs - scheduledAtMs);
    this.requireStarted(this.deadlines).add(request, sentAtMs + this.config.timeout);
    // The transport may report a synchronous failure from inside send(): everything is set up first.
    try {
      request.sent = transport.send(request.request, request);
    } catch (error) {
      request.onFailure(error);
    }
  }

  /** Called by each sent request's sink when the transport reports how it ended. */
  settle(request: InFlightRequest, status: number | undefined, error: unknown): void {
    // A transport reports each request once; a second report must not free a second slot.
    if (request.settled) return;
    request.settled = true;
    const completedAtMs = this.requireStarted(this.clock).now();
    this.requireStarted(this.deadlines).remove(request);
    this.inFlight -= 1;
    // Cut off by stop() or an abort: not an observation of the target, so not recorded.
    if (!request.cutOff || request.timedOut) this.record(outcomeOf(request, completedAtMs, status, error));
    if (this.inFlight === 0) this.onDrained?.();
  }

  private record(outcome: RequestOutcome): void {
    const aggregator = this.requireStarted(this.aggregator);
    if (aggregator.finished) return;
    this.completed += 1;
    aggregator.recordOutcome(outcome);
    // Inline rather than through notify(): no closure per request.
    try {
      this.listener.outcome?.(outcome);
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  /** A throwing listener is a bug elsewhere; it must not stop the traffic or crash the drill. */
  private notify(deliver: () => void): void {
    try {
      deliver();
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  private listenerFailed(error: unknown): void {
    if (this.listenerErrorLogged) return;
    this.listenerErrorLogged = true;
    const message = error instanceof Error ? error.message : String(error);
    this.ctx?.log(`traffic: a listener threw (${message}); later listener errors are not logged`);
  }

  private requireStarted<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('builtin traffic has not been started');
    return value;
  }
}
