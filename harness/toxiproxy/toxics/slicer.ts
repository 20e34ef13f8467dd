import type { Chunk, ChunkSink } from '../chunk.js';
import { QueuedPipe } from '../queued-pipe.js';
import { attribute, type PipeContext, type ToxicDefinition } from '../toxic.js';

/**
 * Offsets that cut `size` bytes into pieces of about `averageSize` (± `sizeVariation`) bytes, by
 * halving with a random nudge like Toxiproxy, so no end of the chunk tends to get the small piece.
 * Returns the end offset of each piece. Unlike Toxiproxy it never panics or recurses forever on a zero
 * variation or size: every piece has at least one byte.
 */
export function slicePoints(
  size: number,
  averageSize: number,
  sizeVariation: number,
  random: () => number,
): number[] {
  const variation = Math.max(0, sizeVariation);
  const ends: number[] = [];
  const split = (start: number, end: number): void => {
    const length = end - start;
    if (length - averageSize <= variation || length <= 1) {
      ends.push(end);
      return;
    }
    const nudge = variation > 0 ? Math.floor(random() * 2 * variation) - variation : 0;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor(length / 2) + nudge));
    split(start, mid);
    split(mid, end);
  };
  if (size > 0) split(0, size);
  return ends;
}

/** Writes each chunk as several smaller writes, pausing `delay` µs after each. */
class SlicerPipe extends QueuedPipe {
  constructor(
    private readonly averageSize: number,
    private readonly sizeVariation: number,
    private readonly delayMs: number,
    private readonly output: ChunkSink,
    private readonly context: PipeContext,
  ) {
    super();
  }

  override write(chunk: Chunk): void {
    const ends = slicePoints(chunk.data.length, this.averageSize, this.sizeVariation, this.context.random);
    let start = 0;
    for (const end of ends) {
      this.queue.push({ data: chunk.data.subarray(start, end), timestampMs: chunk.timestampMs });
      start = end;
    }
    this.resume();
  }

  protected pump(): void {
    for (;;) {
      const piece = this.queue.shift();
      if (!piece) break;
      this.output.write(piece);
      if (this.delayMs > 0) {
        this.cancelTimer = this.context.clock.setTimer(() => {
          this.cancelTimer = undefined;
          this.pump();
        }, this.delayMs);
        return;
      }
    }
    if (this.pendingEnd) {
      const kind = this.pendingEnd;
      this.pendingEnd = undefined;
      this.output.end(kind);
    }
  }
}

export const slicerToxic: ToxicDefinition = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: [
    { name: 'average_size', goType: 'int' },
    { name: 'size_variation', goType: 'int' },
    { name: 'delay', goType: 'int' },
  ],
  createPipe: (attributes, output, context) =>
    new SlicerPipe(
      attribute(attributes, 'average_size'),
      attribute(attributes, 'size_variation'),
      attribute(attributes, 'delay') / 1000,
      output,
      context,
    ),
};
