import type { Chunk, ChunkSink, EndKind } from '../chunk.js';
import {
  attribute,
  type HeldData,
  type PipeContext,
  type ToxicDefinition,
  type ToxicPipe,
} from '../toxic.js';

/** Bytes this link has let through; kept across updates of the toxic, like Toxiproxy's toxic state. */
interface LimitDataState {
  bytesTransmitted: number;
}

/** Forwards up to `bytes` bytes on the link, then closes the connection. Cuts exactly at the byte. */
class LimitDataPipe implements ToxicPipe {
  private closed = false;

  constructor(
    private readonly limitBytes: number,
    private readonly state: LimitDataState,
    private readonly output: ChunkSink,
    private readonly context: PipeContext,
  ) {}

  write(chunk: Chunk): void {
    if (this.closed) {
      this.context.dropped(chunk.data.length);
      return;
    }
    const remaining = Math.max(0, this.limitBytes - this.state.bytesTransmitted);
    const allowed = Math.min(remaining, chunk.data.length);
    if (allowed > 0) {
      this.state.bytesTransmitted += allowed;
      this.output.write(
        allowed === chunk.data.length ? chunk : { ...chunk, data: chunk.data.subarray(0, allowed) },
      );
    }
    if (allowed < chunk.data.length) this.context.dropped(chunk.data.length - allowed);
    if (this.limitBytes - this.state.bytesTransmitted <= 0) this.close('close');
  }

  end(kind: EndKind): void {
    this.close(kind);
  }

  interrupt(): HeldData {
    return { chunks: [] };
  }

  private close(kind: EndKind): void {
    if (this.closed) return;
    this.closed = true;
    this.output.end(kind);
  }
}

export const limitDataToxic: ToxicDefinition = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: [{ name: 'bytes', goType: 'int64' }],
  newState: (): LimitDataState => ({ bytesTransmitted: 0 }),
  createPipe: (attributes, output, context, state) =>
    new LimitDataPipe(attribute(attributes, 'bytes'), state as LimitDataState, output, context),
};
