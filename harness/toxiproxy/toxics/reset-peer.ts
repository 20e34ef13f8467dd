import type { Chunk } from '../chunk.js';
import {
  attribute,
  type HeldData,
  type PipeContext,
  type ToxicDefinition,
  type ToxicPipe,
} from '../toxic.js';

/**
 * On the first data or end of stream: drops it, waits `timeout` ms, then resets the connection — both
 * sockets are destroyed with a TCP RST, so the client sees ECONNRESET rather than a clean close.
 * Anything arriving while it waits is dropped too.
 */
class ResetPeerPipe implements ToxicPipe {
  private triggered = false;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly context: PipeContext,
  ) {}

  write(chunk: Chunk): void {
    this.context.dropped(chunk.data.length);
    this.trigger();
  }

  end(): void {
    this.trigger();
  }

  interrupt(): HeldData {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    return { chunks: [] };
  }

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    if (this.timeoutMs <= 0) {
      this.context.resetConnection();
      return;
    }
    this.cancelTimer = this.context.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.context.resetConnection();
    }, this.timeoutMs);
  }
}

export const resetPeerToxic: ToxicDefinition = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  createPipe: (attributes, _output, context) => new ResetPeerPipe(attribute(attributes, 'timeout'), context),
};
