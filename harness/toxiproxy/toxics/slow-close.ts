import type { Chunk, ChunkSink, EndKind } from '../chunk.js';
import {
  attribute,
  type HeldData,
  type PipeContext,
  type ToxicDefinition,
  type ToxicPipe,
} from '../toxic.js';

/** Passes data unchanged but holds the end of the stream back for `delay` ms. */
class SlowClosePipe implements ToxicPipe {
  private pendingEnd: EndKind | undefined;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly output: ChunkSink,
    private readonly context: PipeContext,
  ) {}

  write(chunk: Chunk): void {
    this.output.write(chunk);
  }

  end(kind: EndKind): void {
    if (this.pendingEnd) return;
    this.pendingEnd = kind;
    this.cancelTimer = this.context.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.pendingEnd = undefined;
      this.output.end(kind);
    }, this.delayMs);
  }

  interrupt(): HeldData {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const held: HeldData = { chunks: [], ...(this.pendingEnd ? { end: this.pendingEnd } : {}) };
    this.pendingEnd = undefined;
    return held;
  }
}

export const slowCloseToxic: ToxicDefinition = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: [{ name: 'delay', goType: 'int64' }],
  createPipe: (attributes, output, context) =>
    new SlowClosePipe(attribute(attributes, 'delay'), output, context),
};
