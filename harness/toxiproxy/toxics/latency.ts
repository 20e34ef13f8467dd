import type { ChunkSink } from '../chunk.js';
import { QueuedPipe } from '../queued-pipe.js';
import { attribute, type PipeContext, type ToxicDefinition } from '../toxic.js';

/** A chunk this close to its due time goes out now rather than waiting on a sub-millisecond timer. */
const EARLY_TOLERANCE_MS = 0.05;

/**
 * Delivers each chunk `latency ± jitter` ms after it was read. Chunks keep their order; a chunk that
 * waited behind a slower one is not delayed again. The delivered chunk is stamped with its due time, so
 * a second latency toxic further down the chain adds its own delay on top.
 */
class LatencyPipe extends QueuedPipe {
  constructor(
    private readonly latencyMs: number,
    private readonly jitterMs: number,
    private readonly output: ChunkSink,
    private readonly context: PipeContext,
  ) {
    super();
  }

  /** Delivers every chunk whose time has come, then waits for the next one. */
  protected pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) break;
      const dueMs = head.timestampMs + this.drawDelayMs();
      if (dueMs - this.context.clock.now() > EARLY_TOLERANCE_MS) {
        this.waitUntil(dueMs, () => {
          this.queue.shift();
          this.output.write({ data: head.data, timestampMs: dueMs });
          this.pump();
        });
        return;
      }
      this.queue.shift();
      this.output.write({ data: head.data, timestampMs: dueMs });
    }
    if (this.pendingEnd) {
      const kind = this.pendingEnd;
      this.pendingEnd = undefined;
      this.output.end(kind);
    }
  }

  /**
   * Runs `then` at `dueMs`. Node's timers count from the event loop's cached time and can fire up to
   * about a millisecond early; re-arming for what is left keeps every delay at least its setting.
   */
  private waitUntil(dueMs: number, then: () => void): void {
    this.cancelTimer = this.context.clock.setTimer(() => {
      this.cancelTimer = undefined;
      if (dueMs - this.context.clock.now() > EARLY_TOLERANCE_MS) this.waitUntil(dueMs, then);
      else then();
    }, dueMs - this.context.clock.now());
  }

  /** Like Toxiproxy: latency plus a whole number drawn uniformly from [-jitter, jitter). */
  private drawDelayMs(): number {
    if (this.jitterMs <= 0) return this.latencyMs;
    return this.latencyMs + Math.floor(this.context.random() * 2 * this.jitterMs) - this.jitterMs;
  }
}

export const latencyToxic: ToxicDefinition = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', goType: 'int64' },
    { name: 'jitter', goType: 'int64' },
  ],
  createPipe: (attributes, output, context) =>
    new LatencyPipe(attribute(attributes, 'latency'), attribute(attributes, 'jitter'), output, context),
};
