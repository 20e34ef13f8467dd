import type { Chunk, ChunkSink, EndKind } from '../chunk.js';
import {
  attribute,
  type HeldData,
  type PipeContext,
  type ToxicDefinition,
  type ToxicPipe,
} from '../toxic.js';

/**
 * Drops every byte and closes the connection `timeout` ms after the toxic started acting on the link;
 * 0 never closes. Removing the toxic closes the connections it acted on (`closesOnRemove`): a client
 * that was starved of data would otherwise resume mid-stream with bytes missing.
 */
class TimeoutPipe implements ToxicPipe {
  private cancelTimer: (() => void) | undefined;
  private closed = false;

  constructor(
    timeoutMs: number,
    private readonly output: ChunkSink,
    private readonly context: PipeContext,
  ) {
    if (timeoutMs > 0) {
      this.cancelTimer = context.clock.setTimer(() => {
        this.cancelTimer = undefined;
        this.close('close');
      }, timeoutMs);
    }
  }

  write(chunk: Chunk): void {
    this.context.dropped(chunk.data.length);
  }

  end(kind: EndKind): void {
    this.close(kind);
  }

  interrupt(): HeldData {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    return { chunks: [] };
  }

  private close(kind: EndKind): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.output.end(kind);
  }
}

export const timeoutToxic: ToxicDefinition = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  closesOnRemove: true,
  createPipe: (attributes, output, context) =>
    new TimeoutPipe(attribute(attributes, 'timeout'), output, context),
};
