import type { Chunk, EndKind } from './chunk.js';
import type { HeldData, ToxicPipe } from './toxic.js';

/**
 * The shape every pacing toxic shares (latency, bandwidth, slicer): chunks and the stream's end wait
 * in a queue that `pump` drains on the toxic's own schedule, and `interrupt` hands back whatever was
 * still held (a toxic removed from a live connection must not lose bytes).
 */
export abstract class QueuedPipe implements ToxicPipe {
  protected readonly queue: Chunk[] = [];
  protected pendingEnd: EndKind | undefined;
  /** Set while `pump` waits on a timer; it resumes itself, so new data only queues up. */
  protected cancelTimer: (() => void) | undefined;

  write(chunk: Chunk): void {
    this.queue.push(chunk);
    this.resume();
  }

  end(kind: EndKind): void {
    this.pendingEnd = kind;
    this.resume();
  }

  interrupt(): HeldData {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const held: HeldData = {
      chunks: this.queue.splice(0),
      ...(this.pendingEnd ? { end: this.pendingEnd } : {}),
    };
    this.pendingEnd = undefined;
    return held;
  }

  /** Drains the queue now unless a timer is already pending. */
  protected resume(): void {
    if (!this.cancelTimer) this.pump();
  }

  /** Delivers what is due and, when something must wait, arms `cancelTimer`. */
  protected abstract pump(): void;
}
