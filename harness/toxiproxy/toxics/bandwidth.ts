import type { ChunkSink } from '../chunk.js';
import { QueuedPipe } from '../queued-pipe.js';
import { attribute, type PipeContext, type ToxicDefinition } from '../toxic.js';

/** Large chunks go out in pieces of 100 ms worth of bytes, so a slow rate still trickles steadily. */
const SLICE_MS = 100;

/**
 * Throttles a link to `rate` KB/s (1 KB = 1000 bytes, so `rate` is also bytes per ms). Like Toxiproxy,
 * each chunk adds `bytes / rate` ms to a sleep budget that is spent before the chunk goes out, and the
 * time a timer actually took is subtracted from the budget, so late timers do not slow the average rate.
 * A rate of zero or less means unlimited.
 */
class BandwidthPipe extends QueuedPipe {
  /** Sleep still owed before the head chunk (or the rest of it) may go out; negative when timers ran late. */
  private sleepBudgetMs = 0;
  /** Whether the head chunk's transmission time has been added to the budget yet. */
  private headCharged = false;

  constructor(
    private readonly bytesPerMs: number,
    private readonly output: ChunkSink,
    private readonly context: PipeContext,
  ) {
    super();
  }

  protected pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) break;
      if (this.bytesPerMs <= 0) {
        this.queue.shift();
        this.output.write(head);
        continue;
      }
      if (!this.headCharged) {
        this.sleepBudgetMs += head.data.length / this.bytesPerMs;
        this.headCharged = true;
      }
      const sliceBytes = this.bytesPerMs * SLICE_MS;
      if (head.data.length > sliceBytes) {
        this.wait(SLICE_MS, () => {
          this.queue[0] = { data: head.data.subarray(sliceBytes), timestampMs: head.timestampMs };
          this.output.write({ data: head.data.subarray(0, sliceBytes), timestampMs: head.timestampMs });
        });
        return;
      }
      if (this.sleepBudgetMs > 0) {
        this.wait(this.sleepBudgetMs, () => {
          this.queue.shift();
          this.headCharged = false;
          this.output.write(head);
        });
        return;
      }
      this.queue.shift();
      this.headCharged = false;
      this.output.write(head);
    }
    if (this.pendingEnd) {
      const kind = this.pendingEnd;
      this.pendingEnd = undefined;
      this.output.end(kind);
    }
  }

  /** Sleeps `ms`, charges the time that really passed to the budget, sends, then carries on. */
  private wait(ms: number, send: () => void): void {
    const startedMs = this.context.clock.now();
    this.cancelTimer = this.context.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.sleepBudgetMs -= this.context.clock.now() - startedMs;
      send();
      this.pump();
    }, ms);
  }
}

export const bandwidthToxic: ToxicDefinition = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  attributes: [{ name: 'rate', goType: 'int64' }],
  createPipe: (attributes, output, context) =>
    new BandwidthPipe(attribute(attributes, 'rate'), output, context),
};
